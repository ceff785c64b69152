package io.iisport.conformance.webapp;

import static io.iisport.httpserv.RequestNotification.RQ_BEGIN_REQUEST;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;

import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotificationStatus;

/**
 * The IIS {@code SetNeedDisconnect} sample: {@code setNeedDisconnect()} at BEGIN_REQUEST on every request. Mapped on
 * {@code /d/*}, where only the WebSocket endpoint is served: an upgrade that switched protocols ({@code 101}) keeps
 * its connection until the WebSocket closes, as IIS closes a WebSocket request's connection when the request ends.
 */
public final class DisconnectModule implements RegisterModule {
    @Override
    public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
        moduleInfo.setRequestNotifications(DisconnectHttpModule::new, RQ_BEGIN_REQUEST, 0);
    }

    /** The per-request module. */
    static final class DisconnectHttpModule extends CHttpModule {
        @Override
        public RequestNotificationStatus onBeginRequest(IHttpContext httpContext, IHttpEventProvider provider) {
            httpContext.getResponse().setNeedDisconnect();
            return RQ_NOTIFICATION_CONTINUE;
        }
    }
}
