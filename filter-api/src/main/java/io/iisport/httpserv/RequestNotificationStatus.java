package io.iisport.httpserv;

/**
 * Ports {@code REQUEST_NOTIFICATION_STATUS}: what a {@link CHttpModule} notification method tells the pipeline.
 * Use {@code import static io.iisport.httpserv.RequestNotificationStatus.*;} to keep the IIS names.
 */
public enum RequestNotificationStatus {
    /** Ports {@code RQ_NOTIFICATION_CONTINUE}: go on with the next module and stage. */
    RQ_NOTIFICATION_CONTINUE,
    /**
     * Ports {@code RQ_NOTIFICATION_PENDING}: the module finishes the notification later, from any thread, with
     * {@link IHttpContext#indicateCompletion(RequestNotificationStatus)} (the pipeline goes on as if the notification
     * had returned that status) or {@link IHttpContext#postCompletion(int)} (the pipeline calls the module's
     * {@link CHttpModule#onAsyncCompletion}, whose return value is the notification's status; PENDING again keeps
     * it waiting). IIS hands the thread back meanwhile, and so does iisport wherever the servlet container lets it:
     *
     * <ul>
     *   <li>From a notification before the handler ({@code RQ_BEGIN_REQUEST} to
     *       {@code RQ_PRE_EXECUTE_REQUEST_HANDLER} and their post-notifications, and the modules' part of
     *       {@code RQ_EXECUTE_REQUEST_HANDLER}), and from one after a handler that returned without going async
     *       ({@code RQ_EXECUTE_REQUEST_HANDLER}'s post-notification to {@code RQ_END_REQUEST}, but not
     *       {@code RQ_SEND_RESPONSE}), the filter starts servlet async processing and returns the container's
     *       thread. The completion goes on, on a container thread ({@code AsyncContext.start}), with the next module
     *       of the same notification. When the handler is to run, an {@code AsyncContext.dispatch()} to the request's
     *       URI runs it (the filter must be mapped with {@code <dispatcher>ASYNC</dispatcher>}; the servlet sees
     *       {@code getDispatcherType()} {@code REQUEST}, or {@code FORWARD} after a {@code SetUrl}, as without
     *       PENDING); otherwise the request ends there and {@code AsyncContext.complete()} ends it.</li>
     *   <li>A module that never completes is ended by the module filter's {@code pendingTimeout} init-param, or
     *       without it by the container's async timeout (30 s on Jetty and Tomcat by default; a filter before the
     *       module filter may set another on the {@code AsyncContext} it starts):
     *       the module is logged as failed, the response is a 500 as for a module that throws (RFC 9110 §15.6.1, an
     *       unexpected condition in the server, and what the Servlet spec sends for an async timeout; not 503, which
     *       invites a retry after a temporary overload, nor 504, a gateway's upstream), and
     *       {@code RQ_SEND_RESPONSE}, {@code RQ_LOG_REQUEST} and {@code RQ_END_REQUEST} still run. A completion
     *       after that throws {@link IllegalStateException}.</li>
     *   <li>Where async processing cannot be started, the request's thread waits for the completion instead, as it
     *       would block in any servlet, at most the {@code pendingTimeout} (30 s without it; past it, the module
     *       failed as above): the request is not async-supported (a filter or servlet without
     *       {@code <async-supported>true}); {@code RQ_SEND_RESPONSE} (raised in the middle of a write or flush);
     *       a notification while the servlet's own async processing is under way (the stages after an async
     *       handler run when it completes, on the completing thread); and the stages after a handler that threw
     *       (its exception goes back to the container on the request's thread).</li>
     * </ul>
     */
    RQ_NOTIFICATION_PENDING,
    /**
     * Ports {@code RQ_NOTIFICATION_FINISH_REQUEST}: skip the remaining modules of this notification, the remaining
     * stages and the handler; {@code RQ_SEND_RESPONSE}, {@code RQ_LOG_REQUEST} and {@code RQ_END_REQUEST} still run.
     */
    RQ_NOTIFICATION_FINISH_REQUEST
}
