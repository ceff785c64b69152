package io.iisport.minimal;

import static io.iisport.httpserv.RequestNotification.RQ_BEGIN_REQUEST;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_FINISH_REQUEST;

import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotificationStatus;

/**
 * Resets the connection in {@code OnBeginRequest} and ends the request. Without an iisport extension in the server
 * the call degrades: the client receives an empty 500 with {@code Connection: close}, and the filter logs one
 * WARNING naming itself and the kind of call.
 */
public final class ResetConnectionModule implements RegisterModule {
    @Override
    public void registerModule(int dwServerVersion, IHttpModuleRegistrationInfo pModuleInfo, IHttpServer pGlobalInfo) {
        pModuleInfo.setRequestNotifications(() -> new CHttpModule() {
            @Override
            public RequestNotificationStatus onBeginRequest(IHttpContext pHttpContext, IHttpEventProvider pProvider) {
                pHttpContext.getResponse().resetConnection();
                return RQ_NOTIFICATION_FINISH_REQUEST;
            }
        }, RQ_BEGIN_REQUEST, 0);
    }
}
