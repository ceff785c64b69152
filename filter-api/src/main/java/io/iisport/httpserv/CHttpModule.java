package io.iisport.httpserv;

import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;

/**
 * Ports {@code CHttpModule}, the base class of a request-level module. Override the methods of the notifications
 * the module subscribed to with {@link IHttpModuleRegistrationInfo#setRequestNotifications}; the others are never
 * called. Every default returns {@link RequestNotificationStatus#RQ_NOTIFICATION_CONTINUE}.
 *
 * <p>A factory makes one module per request, so a module may keep per-request state in its fields. Notification
 * methods run on the request's thread (or, after an async servlet completes, on the thread that completes it), one at
 * a time. {@code OnReadEntity}, {@code OnMapPath} and {@code OnCustomRequestNotification} are absent: the filter
 * raises no such event. After {@link RequestNotificationStatus#RQ_NOTIFICATION_PENDING}, the module's methods for
 * the rest of the request run on the container thread that continues it.
 */
public abstract class CHttpModule {
    /**
     * Ports {@code OnBeginRequest}, raised for {@code RQ_BEGIN_REQUEST}.
     *
     * @param httpContext the request's context
     * @param provider the event provider
     * @return what the pipeline does next
     */
    public RequestNotificationStatus onBeginRequest(IHttpContext httpContext, IHttpEventProvider provider) {
        return RQ_NOTIFICATION_CONTINUE;
    }

    /**
     * Ports {@code OnPostBeginRequest}, raised for {@code RQ_BEGIN_REQUEST} as a post-notification.
     *
     * @param httpContext the request's context
     * @param provider the event provider
     * @return what the pipeline does next
     */
    public RequestNotificationStatus onPostBeginRequest(IHttpContext httpContext, IHttpEventProvider provider) {
        return RQ_NOTIFICATION_CONTINUE;
    }

    /**
     * Ports {@code OnAuthenticateRequest}, raised for {@code RQ_AUTHENTICATE_REQUEST}.
     *
     * @param httpContext the request's context
     * @param provider the event provider
     * @return what the pipeline does next
     */
    public RequestNotificationStatus onAuthenticateRequest(IHttpContext httpContext, IHttpEventProvider provider) {
        return RQ_NOTIFICATION_CONTINUE;
    }

    /**
     * Ports {@code OnPostAuthenticateRequest}, raised for {@code RQ_AUTHENTICATE_REQUEST} as a post-notification.
     *
     * @param httpContext the request's context
     * @param provider the event provider
     * @return what the pipeline does next
     */
    public RequestNotificationStatus onPostAuthenticateRequest(IHttpContext httpContext, IHttpEventProvider provider) {
        return RQ_NOTIFICATION_CONTINUE;
    }

    /**
     * Ports {@code OnAuthorizeRequest}, raised for {@code RQ_AUTHORIZE_REQUEST}.
     *
     * @param httpContext the request's context
     * @param provider the event provider
     * @return what the pipeline does next
     */
    public RequestNotificationStatus onAuthorizeRequest(IHttpContext httpContext, IHttpEventProvider provider) {
        return RQ_NOTIFICATION_CONTINUE;
    }

    /**
     * Ports {@code OnPostAuthorizeRequest}, raised for {@code RQ_AUTHORIZE_REQUEST} as a post-notification.
     *
     * @param httpContext the request's context
     * @param provider the event provider
     * @return what the pipeline does next
     */
    public RequestNotificationStatus onPostAuthorizeRequest(IHttpContext httpContext, IHttpEventProvider provider) {
        return RQ_NOTIFICATION_CONTINUE;
    }

    /**
     * Ports {@code OnResolveRequestCache}, raised for {@code RQ_RESOLVE_REQUEST_CACHE}.
     *
     * @param httpContext the request's context
     * @param provider the event provider
     * @return what the pipeline does next
     */
    public RequestNotificationStatus onResolveRequestCache(IHttpContext httpContext, IHttpEventProvider provider) {
        return RQ_NOTIFICATION_CONTINUE;
    }

    /**
     * Ports {@code OnPostResolveRequestCache}, raised for {@code RQ_RESOLVE_REQUEST_CACHE} as a post-notification.
     *
     * @param httpContext the request's context
     * @param provider the event provider
     * @return what the pipeline does next
     */
    public RequestNotificationStatus onPostResolveRequestCache(IHttpContext httpContext, IHttpEventProvider provider) {
        return RQ_NOTIFICATION_CONTINUE;
    }

    /**
     * Ports {@code OnMapRequestHandler}, raised for {@code RQ_MAP_REQUEST_HANDLER}.
     *
     * @param httpContext the request's context
     * @param provider the event provider
     * @return what the pipeline does next
     */
    public RequestNotificationStatus onMapRequestHandler(IHttpContext httpContext, IHttpEventProvider provider) {
        return RQ_NOTIFICATION_CONTINUE;
    }

    /**
     * Ports {@code OnPostMapRequestHandler}, raised for {@code RQ_MAP_REQUEST_HANDLER} as a post-notification.
     *
     * @param httpContext the request's context
     * @param provider the event provider
     * @return what the pipeline does next
     */
    public RequestNotificationStatus onPostMapRequestHandler(IHttpContext httpContext, IHttpEventProvider provider) {
        return RQ_NOTIFICATION_CONTINUE;
    }

    /**
     * Ports {@code OnAcquireRequestState}, raised for {@code RQ_ACQUIRE_REQUEST_STATE}.
     *
     * @param httpContext the request's context
     * @param provider the event provider
     * @return what the pipeline does next
     */
    public RequestNotificationStatus onAcquireRequestState(IHttpContext httpContext, IHttpEventProvider provider) {
        return RQ_NOTIFICATION_CONTINUE;
    }

    /**
     * Ports {@code OnPostAcquireRequestState}, raised for {@code RQ_ACQUIRE_REQUEST_STATE} as a post-notification.
     *
     * @param httpContext the request's context
     * @param provider the event provider
     * @return what the pipeline does next
     */
    public RequestNotificationStatus onPostAcquireRequestState(IHttpContext httpContext, IHttpEventProvider provider) {
        return RQ_NOTIFICATION_CONTINUE;
    }

    /**
     * Ports {@code OnPreExecuteRequestHandler}, raised for {@code RQ_PRE_EXECUTE_REQUEST_HANDLER}.
     *
     * @param httpContext the request's context
     * @param provider the event provider
     * @return what the pipeline does next
     */
    public RequestNotificationStatus onPreExecuteRequestHandler(IHttpContext httpContext, IHttpEventProvider provider) {
        return RQ_NOTIFICATION_CONTINUE;
    }

    /**
     * Ports {@code OnPostPreExecuteRequestHandler}, raised for {@code RQ_PRE_EXECUTE_REQUEST_HANDLER} as a post-notification.
     *
     * @param httpContext the request's context
     * @param provider the event provider
     * @return what the pipeline does next
     */
    public RequestNotificationStatus onPostPreExecuteRequestHandler(IHttpContext httpContext, IHttpEventProvider provider) {
        return RQ_NOTIFICATION_CONTINUE;
    }

    /**
     * Ports {@code OnExecuteRequestHandler}, raised for {@code RQ_EXECUTE_REQUEST_HANDLER}. Runs before the servlet chain; return {@code RQ_NOTIFICATION_FINISH_REQUEST} when the module handled
     * the request itself, and the servlet is not called.
     *
     * @param httpContext the request's context
     * @param provider the event provider
     * @return what the pipeline does next
     */
    public RequestNotificationStatus onExecuteRequestHandler(IHttpContext httpContext, IHttpEventProvider provider) {
        return RQ_NOTIFICATION_CONTINUE;
    }

    /**
     * Ports {@code OnPostExecuteRequestHandler}, raised for {@code RQ_EXECUTE_REQUEST_HANDLER} as a post-notification. Runs after the servlet chain returned (for an async servlet, when it completes).
     *
     * @param httpContext the request's context
     * @param provider the event provider
     * @return what the pipeline does next
     */
    public RequestNotificationStatus onPostExecuteRequestHandler(IHttpContext httpContext, IHttpEventProvider provider) {
        return RQ_NOTIFICATION_CONTINUE;
    }

    /**
     * Ports {@code OnReleaseRequestState}, raised for {@code RQ_RELEASE_REQUEST_STATE}.
     *
     * @param httpContext the request's context
     * @param provider the event provider
     * @return what the pipeline does next
     */
    public RequestNotificationStatus onReleaseRequestState(IHttpContext httpContext, IHttpEventProvider provider) {
        return RQ_NOTIFICATION_CONTINUE;
    }

    /**
     * Ports {@code OnPostReleaseRequestState}, raised for {@code RQ_RELEASE_REQUEST_STATE} as a post-notification.
     *
     * @param httpContext the request's context
     * @param provider the event provider
     * @return what the pipeline does next
     */
    public RequestNotificationStatus onPostReleaseRequestState(IHttpContext httpContext, IHttpEventProvider provider) {
        return RQ_NOTIFICATION_CONTINUE;
    }

    /**
     * Ports {@code OnUpdateRequestCache}, raised for {@code RQ_UPDATE_REQUEST_CACHE}.
     *
     * @param httpContext the request's context
     * @param provider the event provider
     * @return what the pipeline does next
     */
    public RequestNotificationStatus onUpdateRequestCache(IHttpContext httpContext, IHttpEventProvider provider) {
        return RQ_NOTIFICATION_CONTINUE;
    }

    /**
     * Ports {@code OnPostUpdateRequestCache}, raised for {@code RQ_UPDATE_REQUEST_CACHE} as a post-notification.
     *
     * @param httpContext the request's context
     * @param provider the event provider
     * @return what the pipeline does next
     */
    public RequestNotificationStatus onPostUpdateRequestCache(IHttpContext httpContext, IHttpEventProvider provider) {
        return RQ_NOTIFICATION_CONTINUE;
    }

    /**
     * Ports {@code OnLogRequest}, raised for {@code RQ_LOG_REQUEST}.
     *
     * @param httpContext the request's context
     * @param provider the event provider
     * @return what the pipeline does next
     */
    public RequestNotificationStatus onLogRequest(IHttpContext httpContext, IHttpEventProvider provider) {
        return RQ_NOTIFICATION_CONTINUE;
    }

    /**
     * Ports {@code OnPostLogRequest}, raised for {@code RQ_LOG_REQUEST} as a post-notification.
     *
     * @param httpContext the request's context
     * @param provider the event provider
     * @return what the pipeline does next
     */
    public RequestNotificationStatus onPostLogRequest(IHttpContext httpContext, IHttpEventProvider provider) {
        return RQ_NOTIFICATION_CONTINUE;
    }

    /**
     * Ports {@code OnEndRequest}, raised for {@code RQ_END_REQUEST}.
     *
     * @param httpContext the request's context
     * @param provider the event provider
     * @return what the pipeline does next
     */
    public RequestNotificationStatus onEndRequest(IHttpContext httpContext, IHttpEventProvider provider) {
        return RQ_NOTIFICATION_CONTINUE;
    }

    /**
     * Ports {@code OnPostEndRequest}, raised for {@code RQ_END_REQUEST} as a post-notification.
     *
     * @param httpContext the request's context
     * @param provider the event provider
     * @return what the pipeline does next
     */
    public RequestNotificationStatus onPostEndRequest(IHttpContext httpContext, IHttpEventProvider provider) {
        return RQ_NOTIFICATION_CONTINUE;
    }

    /**
     * Ports {@code OnSendResponse}, raised for {@code RQ_SEND_RESPONSE} when buffered output is about to go to the
     * client: the final send, and each flush once buffering is off or the buffer limit was reached. What the module
     * does to the response here ({@code clear()}, {@code writeEntityChunks}, headers while
     * {@link ISendResponseProvider#getHeadersBeingSent()}) changes what is sent.
     *
     * @param httpContext the request's context
     * @param provider tells whether headers are being sent and whether more data follows
     * @return what the pipeline does next; {@code RQ_NOTIFICATION_FINISH_REQUEST} skips the remaining modules of this
     *         send and the remaining stages except {@code RQ_LOG_REQUEST} and {@code RQ_END_REQUEST}
     */
    public RequestNotificationStatus onSendResponse(IHttpContext httpContext, ISendResponseProvider provider) {
        return RQ_NOTIFICATION_CONTINUE;
    }

    /**
     * Ports {@code OnAsyncCompletion(IHttpContext* pHttpContext, DWORD dwNotification, BOOL fPostNotification,
     * IHttpEventProvider* pProvider, IHttpCompletionInfo* pCompletionInfo)}: a notification for which this module
     * returned {@link RequestNotificationStatus#RQ_NOTIFICATION_PENDING} was completed with
     * {@link IHttpContext#postCompletion(int)}. Called once per posted completion, on a container thread other than
     * the caller's (see {@link RequestNotificationStatus#RQ_NOTIFICATION_PENDING}); no subscription is needed.
     *
     * @param httpContext the request's context
     * @param notification the {@code RQ_*} value of the pending notification, for example
     *     {@link RequestNotification#RQ_BEGIN_REQUEST}
     * @param postNotification whether the pending call was the post-notification
     * @param provider the event provider of the pending notification
     * @param completionInfo the completion: the posted byte count, status {@link IHttpCompletionInfo#S_OK}
     * @return the status of the pending notification: {@code RQ_NOTIFICATION_CONTINUE} (the default) or
     *     {@code RQ_NOTIFICATION_FINISH_REQUEST} as a notification method returns it, or
     *     {@code RQ_NOTIFICATION_PENDING} to keep it waiting for another completion
     */
    public RequestNotificationStatus onAsyncCompletion(IHttpContext httpContext, int notification,
            boolean postNotification, IHttpEventProvider provider, IHttpCompletionInfo completionInfo) {
        return RQ_NOTIFICATION_CONTINUE;
    }

    /**
     * Ports {@code Dispose()}: called once at the end of every request, even after errors. The IIS form deletes the
     * module; in Java release what the module holds, if anything.
     */
    public void dispose() {
    }
}
