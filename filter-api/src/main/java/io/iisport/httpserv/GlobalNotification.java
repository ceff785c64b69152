package io.iisport.httpserv;

/**
 * The global notification masks of {@code httpserv.h} ({@code GL_APPLICATION_START} and the rest), with their IIS
 * values, for {@link IHttpModuleRegistrationInfo#setGlobalNotifications}:
 * {@code import static io.iisport.httpserv.GlobalNotification.*;}.
 *
 * <p>The filter raises three, those with a servlet meaning: {@link #GL_APPLICATION_START} (the filter starts),
 * {@link #GL_APPLICATION_STOP} (the filter is destroyed) and {@link #GL_PRE_BEGIN_REQUEST} (each request, before
 * {@code RQ_BEGIN_REQUEST}). The others are defined so that ported masks compile; they stand for worker-process,
 * kernel-cache, configuration-system and tracing events a web application never sees, and registering for one fails
 * the deployment naming it.
 */
public final class GlobalNotification {
    /** Ports {@code GL_STOP_LISTENING}; never raised by the filter. */
    public static final int GL_STOP_LISTENING = 0x00000002;
    /** Ports {@code GL_CACHE_CLEANUP}; never raised by the filter. */
    public static final int GL_CACHE_CLEANUP = 0x00000004;
    /** Ports {@code GL_CACHE_OPERATION}; never raised by the filter. */
    public static final int GL_CACHE_OPERATION = 0x00000010;
    /** Ports {@code GL_HEALTH_CHECK}; never raised by the filter. */
    public static final int GL_HEALTH_CHECK = 0x00000020;
    /** Ports {@code GL_CONFIGURATION_CHANGE}; never raised by the filter. */
    public static final int GL_CONFIGURATION_CHANGE = 0x00000040;
    /** Ports {@code GL_FILE_CHANGE}; never raised by the filter. */
    public static final int GL_FILE_CHANGE = 0x00000080;
    /** Ports {@code GL_PRE_BEGIN_REQUEST}: each request, before its request modules are called. */
    public static final int GL_PRE_BEGIN_REQUEST = 0x00000100;
    /** Ports {@code GL_APPLICATION_START}: once, when the filter starts, after every module registered. */
    public static final int GL_APPLICATION_START = 0x00000200;
    /** Ports {@code GL_APPLICATION_RESOLVE_MODULES}; never raised by the filter. */
    public static final int GL_APPLICATION_RESOLVE_MODULES = 0x00000400;
    /** Ports {@code GL_APPLICATION_STOP}: once, when the filter is destroyed, before the modules terminate. */
    public static final int GL_APPLICATION_STOP = 0x00000800;
    /** Ports {@code GL_RSCA_QUERY}; never raised by the filter. */
    public static final int GL_RSCA_QUERY = 0x00001000;
    /** Ports {@code GL_TRACE_EVENT}; never raised by the filter. */
    public static final int GL_TRACE_EVENT = 0x00002000;
    /** Ports {@code GL_CUSTOM_NOTIFICATION}; never raised by the filter. */
    public static final int GL_CUSTOM_NOTIFICATION = 0x00004000;
    /** Ports {@code GL_THREAD_CLEANUP}; never raised by the filter. */
    public static final int GL_THREAD_CLEANUP = 0x00008000;
    /** Ports {@code GL_APPLICATION_PRELOAD}; never raised by the filter. */
    public static final int GL_APPLICATION_PRELOAD = 0x00010000;
    /** Ports {@code GL_SUSPEND_PROCESS}; never raised by the filter. */
    public static final int GL_SUSPEND_PROCESS = 0x00020000;

    /** The notifications the filter raises. */
    public static final int RAISED = GL_PRE_BEGIN_REQUEST | GL_APPLICATION_START | GL_APPLICATION_STOP;

    private GlobalNotification() {
    }

    /**
     * Returns the IIS name of a single global notification bit, for messages and logs.
     *
     * @param notification one {@code GL_*} value
     * @return its name, for example {@code "GL_APPLICATION_START"}
     * @throws IllegalArgumentException if the value is not exactly one known notification
     */
    public static String nameOf(int notification) {
        switch (notification) {
            case GL_STOP_LISTENING: return "GL_STOP_LISTENING";
            case GL_CACHE_CLEANUP: return "GL_CACHE_CLEANUP";
            case GL_CACHE_OPERATION: return "GL_CACHE_OPERATION";
            case GL_HEALTH_CHECK: return "GL_HEALTH_CHECK";
            case GL_CONFIGURATION_CHANGE: return "GL_CONFIGURATION_CHANGE";
            case GL_FILE_CHANGE: return "GL_FILE_CHANGE";
            case GL_PRE_BEGIN_REQUEST: return "GL_PRE_BEGIN_REQUEST";
            case GL_APPLICATION_START: return "GL_APPLICATION_START";
            case GL_APPLICATION_RESOLVE_MODULES: return "GL_APPLICATION_RESOLVE_MODULES";
            case GL_APPLICATION_STOP: return "GL_APPLICATION_STOP";
            case GL_RSCA_QUERY: return "GL_RSCA_QUERY";
            case GL_TRACE_EVENT: return "GL_TRACE_EVENT";
            case GL_CUSTOM_NOTIFICATION: return "GL_CUSTOM_NOTIFICATION";
            case GL_THREAD_CLEANUP: return "GL_THREAD_CLEANUP";
            case GL_APPLICATION_PRELOAD: return "GL_APPLICATION_PRELOAD";
            case GL_SUSPEND_PROCESS: return "GL_SUSPEND_PROCESS";
            default:
                throw new IllegalArgumentException("not a single global notification: 0x"
                        + Integer.toHexString(notification));
        }
    }
}
