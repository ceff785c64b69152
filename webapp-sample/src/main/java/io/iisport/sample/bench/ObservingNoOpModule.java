package io.iisport.sample.bench;

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
 * A module subscribed to every notification the filter raises, each returning {@code RQ_NOTIFICATION_CONTINUE}:
 * behind it, {@code /bench/observed} costs what the module pipeline costs when a module can see and change the
 * servlet's response (the filter's request and response, the response buffer, the stages after the handler), compared
 * with {@code /bench/plain}.
 */
public final class ObservingNoOpModule implements RegisterModule {
    /** Every request notification the filter raises. */
    static final int EVERY_NOTIFICATION = RQ_BEGIN_REQUEST | RQ_AUTHENTICATE_REQUEST | RQ_AUTHORIZE_REQUEST
            | RQ_RESOLVE_REQUEST_CACHE | RQ_MAP_REQUEST_HANDLER | RQ_ACQUIRE_REQUEST_STATE
            | RQ_PRE_EXECUTE_REQUEST_HANDLER | RQ_EXECUTE_REQUEST_HANDLER | RQ_RELEASE_REQUEST_STATE
            | RQ_UPDATE_REQUEST_CACHE | RQ_LOG_REQUEST | RQ_END_REQUEST | RQ_SEND_RESPONSE;

    @Override
    public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
        moduleInfo.setRequestNotifications(() -> new CHttpModule() { }, EVERY_NOTIFICATION,
                EVERY_NOTIFICATION & ~RQ_SEND_RESPONSE);
    }
}
