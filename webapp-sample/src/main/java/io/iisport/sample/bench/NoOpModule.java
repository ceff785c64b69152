package io.iisport.sample.bench;

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
 * A module that does nothing at {@code RQ_BEGIN_REQUEST}: behind it, {@code /bench/filtered} costs what the module
 * pipeline costs for modules that act only before the handler (the servlet then gets the container's own request
 * and response), compared with {@code /bench/plain}; {@link ObservingNoOpModule} is the other case.
 */
public final class NoOpModule implements RegisterModule {
    @Override
    public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
        moduleInfo.setRequestNotifications(NoOpHttpModule::new, RQ_BEGIN_REQUEST, 0);
    }

    /** The per-request module. */
    static final class NoOpHttpModule extends CHttpModule {
        @Override
        public RequestNotificationStatus onBeginRequest(IHttpContext httpContext, IHttpEventProvider provider) {
            return RQ_NOTIFICATION_CONTINUE;
        }
    }
}
