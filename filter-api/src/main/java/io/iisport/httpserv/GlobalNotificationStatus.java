package io.iisport.httpserv;

/**
 * Ports {@code GLOBAL_NOTIFICATION_STATUS}, what a {@link CGlobalModule} method returns.
 */
public enum GlobalNotificationStatus {
    /** Ports {@code GL_NOTIFICATION_CONTINUE}: the next global module is called. */
    GL_NOTIFICATION_CONTINUE,
    /**
     * Ports {@code GL_NOTIFICATION_HANDLED}: "IIS has finished processing global-level notifications and should not
     * process any additional global-level notifications" — the remaining global modules of this notification are not
     * called. From {@link CGlobalModule#onGlobalPreBeginRequest}, the module handled the request too: see there.
     */
    GL_NOTIFICATION_HANDLED
}
