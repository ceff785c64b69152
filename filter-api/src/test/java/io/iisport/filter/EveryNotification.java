package io.iisport.filter;

import static io.iisport.httpserv.RequestNotification.RQ_ACQUIRE_REQUEST_STATE;
import static io.iisport.httpserv.RequestNotification.RQ_AUTHENTICATE_REQUEST;
import static io.iisport.httpserv.RequestNotification.RQ_AUTHORIZE_REQUEST;
import static io.iisport.httpserv.RequestNotification.RQ_BEGIN_REQUEST;
import static io.iisport.httpserv.RequestNotification.RQ_END_REQUEST;
import static io.iisport.httpserv.RequestNotification.RQ_EXECUTE_REQUEST_HANDLER;
import static io.iisport.httpserv.RequestNotification.RQ_LOG_REQUEST;
import static io.iisport.httpserv.RequestNotification.RQ_MAP_REQUEST_HANDLER;
import static io.iisport.httpserv.RequestNotification.RQ_PRE_EXECUTE_REQUEST_HANDLER;
import static io.iisport.httpserv.RequestNotification.RQ_RELEASE_REQUEST_STATE;
import static io.iisport.httpserv.RequestNotification.RQ_RESOLVE_REQUEST_CACHE;
import static io.iisport.httpserv.RequestNotification.RQ_SEND_RESPONSE;
import static io.iisport.httpserv.RequestNotification.RQ_UPDATE_REQUEST_CACHE;

import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.ISendResponseProvider;
import io.iisport.httpserv.RequestNotificationStatus;

/**
 * A test module that overrides every notification method of {@link CHttpModule} (the twelve stages, their
 * post-notifications, and {@code OnSendResponse}) and routes each to {@link #on}, so a test module handles every
 * notification it can subscribe to.
 */
abstract class EveryNotification extends CHttpModule {
    /**
     * Handles one notification.
     *
     * @param notification its {@code RQ_*} value
     * @param post whether it is the post-notification
     */
    protected abstract RequestNotificationStatus on(int notification, boolean post, IHttpContext context,
            IHttpEventProvider provider);

    @Override
    public RequestNotificationStatus onBeginRequest(IHttpContext c, IHttpEventProvider p) {
        return on(RQ_BEGIN_REQUEST, false, c, p);
    }

    @Override
    public RequestNotificationStatus onPostBeginRequest(IHttpContext c, IHttpEventProvider p) {
        return on(RQ_BEGIN_REQUEST, true, c, p);
    }

    @Override
    public RequestNotificationStatus onAuthenticateRequest(IHttpContext c, IHttpEventProvider p) {
        return on(RQ_AUTHENTICATE_REQUEST, false, c, p);
    }

    @Override
    public RequestNotificationStatus onPostAuthenticateRequest(IHttpContext c, IHttpEventProvider p) {
        return on(RQ_AUTHENTICATE_REQUEST, true, c, p);
    }

    @Override
    public RequestNotificationStatus onAuthorizeRequest(IHttpContext c, IHttpEventProvider p) {
        return on(RQ_AUTHORIZE_REQUEST, false, c, p);
    }

    @Override
    public RequestNotificationStatus onPostAuthorizeRequest(IHttpContext c, IHttpEventProvider p) {
        return on(RQ_AUTHORIZE_REQUEST, true, c, p);
    }

    @Override
    public RequestNotificationStatus onResolveRequestCache(IHttpContext c, IHttpEventProvider p) {
        return on(RQ_RESOLVE_REQUEST_CACHE, false, c, p);
    }

    @Override
    public RequestNotificationStatus onPostResolveRequestCache(IHttpContext c, IHttpEventProvider p) {
        return on(RQ_RESOLVE_REQUEST_CACHE, true, c, p);
    }

    @Override
    public RequestNotificationStatus onMapRequestHandler(IHttpContext c, IHttpEventProvider p) {
        return on(RQ_MAP_REQUEST_HANDLER, false, c, p);
    }

    @Override
    public RequestNotificationStatus onPostMapRequestHandler(IHttpContext c, IHttpEventProvider p) {
        return on(RQ_MAP_REQUEST_HANDLER, true, c, p);
    }

    @Override
    public RequestNotificationStatus onAcquireRequestState(IHttpContext c, IHttpEventProvider p) {
        return on(RQ_ACQUIRE_REQUEST_STATE, false, c, p);
    }

    @Override
    public RequestNotificationStatus onPostAcquireRequestState(IHttpContext c, IHttpEventProvider p) {
        return on(RQ_ACQUIRE_REQUEST_STATE, true, c, p);
    }

    @Override
    public RequestNotificationStatus onPreExecuteRequestHandler(IHttpContext c, IHttpEventProvider p) {
        return on(RQ_PRE_EXECUTE_REQUEST_HANDLER, false, c, p);
    }

    @Override
    public RequestNotificationStatus onPostPreExecuteRequestHandler(IHttpContext c, IHttpEventProvider p) {
        return on(RQ_PRE_EXECUTE_REQUEST_HANDLER, true, c, p);
    }

    @Override
    public RequestNotificationStatus onExecuteRequestHandler(IHttpContext c, IHttpEventProvider p) {
        return on(RQ_EXECUTE_REQUEST_HANDLER, false, c, p);
    }

    @Override
    public RequestNotificationStatus onPostExecuteRequestHandler(IHttpContext c, IHttpEventProvider p) {
        return on(RQ_EXECUTE_REQUEST_HANDLER, true, c, p);
    }

    @Override
    public RequestNotificationStatus onReleaseRequestState(IHttpContext c, IHttpEventProvider p) {
        return on(RQ_RELEASE_REQUEST_STATE, false, c, p);
    }

    @Override
    public RequestNotificationStatus onPostReleaseRequestState(IHttpContext c, IHttpEventProvider p) {
        return on(RQ_RELEASE_REQUEST_STATE, true, c, p);
    }

    @Override
    public RequestNotificationStatus onUpdateRequestCache(IHttpContext c, IHttpEventProvider p) {
        return on(RQ_UPDATE_REQUEST_CACHE, false, c, p);
    }

    @Override
    public RequestNotificationStatus onPostUpdateRequestCache(IHttpContext c, IHttpEventProvider p) {
        return on(RQ_UPDATE_REQUEST_CACHE, true, c, p);
    }

    @Override
    public RequestNotificationStatus onLogRequest(IHttpContext c, IHttpEventProvider p) {
        return on(RQ_LOG_REQUEST, false, c, p);
    }

    @Override
    public RequestNotificationStatus onPostLogRequest(IHttpContext c, IHttpEventProvider p) {
        return on(RQ_LOG_REQUEST, true, c, p);
    }

    @Override
    public RequestNotificationStatus onEndRequest(IHttpContext c, IHttpEventProvider p) {
        return on(RQ_END_REQUEST, false, c, p);
    }

    @Override
    public RequestNotificationStatus onPostEndRequest(IHttpContext c, IHttpEventProvider p) {
        return on(RQ_END_REQUEST, true, c, p);
    }

    @Override
    public RequestNotificationStatus onSendResponse(IHttpContext c, ISendResponseProvider p) {
        return on(RQ_SEND_RESPONSE, false, c, p);
    }
}
