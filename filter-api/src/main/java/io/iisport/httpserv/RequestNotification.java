package io.iisport.httpserv;

/**
 * The request notification masks of {@code httpserv.h} ({@code RQ_BEGIN_REQUEST} and the rest), with their IIS
 * values, so that a ported {@code RegisterModule} keeps its {@code SetRequestNotifications} call as it was:
 * {@code import static io.iisport.httpserv.RequestNotification.*;}.
 *
 * <p>The deterministic notifications run in the order of their values; {@link #RQ_SEND_RESPONSE} runs when output
 * goes to the client. {@link #RQ_READ_ENTITY}, {@link #RQ_MAP_PATH} and {@link #RQ_CUSTOM_NOTIFICATION} are defined so
 * that ported masks compile, but the servlet filter raises no such event: a module subscribing to them is never
 * called for them.
 */
public final class RequestNotification {
    /** Ports {@code RQ_BEGIN_REQUEST}. */
    public static final int RQ_BEGIN_REQUEST = 0x00000001;
    /** Ports {@code RQ_AUTHENTICATE_REQUEST}. */
    public static final int RQ_AUTHENTICATE_REQUEST = 0x00000002;
    /** Ports {@code RQ_AUTHORIZE_REQUEST}. */
    public static final int RQ_AUTHORIZE_REQUEST = 0x00000004;
    /** Ports {@code RQ_RESOLVE_REQUEST_CACHE}. */
    public static final int RQ_RESOLVE_REQUEST_CACHE = 0x00000008;
    /** Ports {@code RQ_MAP_REQUEST_HANDLER}. */
    public static final int RQ_MAP_REQUEST_HANDLER = 0x00000010;
    /** Ports {@code RQ_ACQUIRE_REQUEST_STATE}. */
    public static final int RQ_ACQUIRE_REQUEST_STATE = 0x00000020;
    /** Ports {@code RQ_PRE_EXECUTE_REQUEST_HANDLER}. */
    public static final int RQ_PRE_EXECUTE_REQUEST_HANDLER = 0x00000040;
    /** Ports {@code RQ_EXECUTE_REQUEST_HANDLER}: the servlet chain is the handler. */
    public static final int RQ_EXECUTE_REQUEST_HANDLER = 0x00000080;
    /** Ports {@code RQ_RELEASE_REQUEST_STATE}. */
    public static final int RQ_RELEASE_REQUEST_STATE = 0x00000100;
    /** Ports {@code RQ_UPDATE_REQUEST_CACHE}. */
    public static final int RQ_UPDATE_REQUEST_CACHE = 0x00000200;
    /** Ports {@code RQ_LOG_REQUEST}. */
    public static final int RQ_LOG_REQUEST = 0x00000400;
    /** Ports {@code RQ_END_REQUEST}. */
    public static final int RQ_END_REQUEST = 0x00000800;
    /** Ports {@code RQ_CUSTOM_NOTIFICATION}; never raised by the filter. */
    public static final int RQ_CUSTOM_NOTIFICATION = 0x10000000;
    /** Ports {@code RQ_SEND_RESPONSE}: raised when buffered output is about to go to the client. */
    public static final int RQ_SEND_RESPONSE = 0x20000000;
    /** Ports {@code RQ_READ_ENTITY}; never raised by the filter (servlets read the body themselves). */
    public static final int RQ_READ_ENTITY = 0x40000000;
    /** Ports {@code RQ_MAP_PATH}; never raised by the filter (the container maps paths). */
    public static final int RQ_MAP_PATH = 0x80000000;

    private RequestNotification() {
    }

    /**
     * Returns the IIS name of a single notification bit, for messages and logs.
     *
     * @param notification one {@code RQ_*} value
     * @return its name, for example {@code "RQ_BEGIN_REQUEST"}
     * @throws IllegalArgumentException if the value is not exactly one known notification
     */
    public static String nameOf(int notification) {
        switch (notification) {
            case RQ_BEGIN_REQUEST: return "RQ_BEGIN_REQUEST";
            case RQ_AUTHENTICATE_REQUEST: return "RQ_AUTHENTICATE_REQUEST";
            case RQ_AUTHORIZE_REQUEST: return "RQ_AUTHORIZE_REQUEST";
            case RQ_RESOLVE_REQUEST_CACHE: return "RQ_RESOLVE_REQUEST_CACHE";
            case RQ_MAP_REQUEST_HANDLER: return "RQ_MAP_REQUEST_HANDLER";
            case RQ_ACQUIRE_REQUEST_STATE: return "RQ_ACQUIRE_REQUEST_STATE";
            case RQ_PRE_EXECUTE_REQUEST_HANDLER: return "RQ_PRE_EXECUTE_REQUEST_HANDLER";
            case RQ_EXECUTE_REQUEST_HANDLER: return "RQ_EXECUTE_REQUEST_HANDLER";
            case RQ_RELEASE_REQUEST_STATE: return "RQ_RELEASE_REQUEST_STATE";
            case RQ_UPDATE_REQUEST_CACHE: return "RQ_UPDATE_REQUEST_CACHE";
            case RQ_LOG_REQUEST: return "RQ_LOG_REQUEST";
            case RQ_END_REQUEST: return "RQ_END_REQUEST";
            case RQ_CUSTOM_NOTIFICATION: return "RQ_CUSTOM_NOTIFICATION";
            case RQ_SEND_RESPONSE: return "RQ_SEND_RESPONSE";
            case RQ_READ_ENTITY: return "RQ_READ_ENTITY";
            case RQ_MAP_PATH: return "RQ_MAP_PATH";
            default:
                throw new IllegalArgumentException("not a single request notification: 0x" + Integer.toHexString(notification));
        }
    }
}
