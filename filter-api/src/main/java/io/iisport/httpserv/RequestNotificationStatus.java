package io.iisport.httpserv;

/**
 * Ports {@code REQUEST_NOTIFICATION_STATUS}: what a {@link CHttpModule} notification method tells the pipeline.
 * Use {@code import static io.iisport.httpserv.RequestNotificationStatus.*;} to keep the IIS names.
 */
public enum RequestNotificationStatus {
    /** Ports {@code RQ_NOTIFICATION_CONTINUE}: go on with the next module and stage. */
    RQ_NOTIFICATION_CONTINUE,
    /**
     * Ports {@code RQ_NOTIFICATION_PENDING}: the module finishes the notification later by calling
     * {@link IHttpContext#indicateCompletion(RequestNotificationStatus)} from any thread; the pipeline waits for it.
     */
    RQ_NOTIFICATION_PENDING,
    /**
     * Ports {@code RQ_NOTIFICATION_FINISH_REQUEST}: skip the remaining modules of this notification, the remaining
     * stages and the handler; {@code RQ_SEND_RESPONSE}, {@code RQ_LOG_REQUEST} and {@code RQ_END_REQUEST} still run.
     */
    RQ_NOTIFICATION_FINISH_REQUEST
}
