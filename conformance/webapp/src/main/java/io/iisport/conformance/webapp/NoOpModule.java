package io.iisport.conformance.webapp;

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
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.RegisterModule;

/**
 * A module subscribed to every notification the filter raises, each pre-notification, each post-notification and
 * {@code RQ_SEND_RESPONSE}, whose handlers are {@link CHttpModule}'s defaults: each returns
 * {@code RQ_NOTIFICATION_CONTINUE} and changes nothing. Behind it a request must behave as without the filter.
 */
public final class NoOpModule implements RegisterModule {
    /** Every notification that has a post-notification, as a mask. */
    static final int PIPELINE = RQ_BEGIN_REQUEST | RQ_AUTHENTICATE_REQUEST | RQ_AUTHORIZE_REQUEST
            | RQ_RESOLVE_REQUEST_CACHE | RQ_MAP_REQUEST_HANDLER | RQ_ACQUIRE_REQUEST_STATE
            | RQ_PRE_EXECUTE_REQUEST_HANDLER | RQ_EXECUTE_REQUEST_HANDLER | RQ_RELEASE_REQUEST_STATE
            | RQ_UPDATE_REQUEST_CACHE | RQ_LOG_REQUEST | RQ_END_REQUEST;

    @Override
    public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
        moduleInfo.setRequestNotifications(NoOpHttpModule::new, PIPELINE | RQ_SEND_RESPONSE, PIPELINE);
    }

    /** The per-request module: CHttpModule's defaults, which continue. */
    static final class NoOpHttpModule extends CHttpModule {
    }
}
