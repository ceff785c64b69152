package io.iisport.sample.drain;

import static io.iisport.httpserv.RequestNotification.RQ_BEGIN_REQUEST;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;

import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.PriorityAlias;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotificationStatus;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains connections for a load balancer, as an IIS module does with {@code SetNeedDisconnect} when a server is
 * taken out of a farm: while the switch is on, every response under this module carries {@code Connection: close}
 * and its connection closes once it is sent (HTTP/2: GOAWAY), so clients reconnect, through the balancer, to
 * another server. Requests are still served in full.
 *
 * <p>It runs at {@code RQ_BEGIN_REQUEST} with priority FIRST, so that responses another module ends early (a
 * Request Filtering rejection) drain too. Setting: {@code draining} (false), the state at start. The switch is the servlet-context attribute of
 * {@link DrainSwitch}; in this sample {@link DrainServlet} ({@code /admin/drain}) turns it on and off.
 */
public final class DrainModule implements RegisterModule {
    private static final Logger LOG = LoggerFactory.getLogger(DrainModule.class);

    @Override
    public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
        boolean draining = moduleInfo.getSettings().getBoolean("draining", false);
        AtomicBoolean drainSwitch = DrainSwitch.of(globalInfo.getServletContext());
        drainSwitch.set(draining);
        moduleInfo.setRequestNotifications(() -> new DrainHttpModule(drainSwitch), RQ_BEGIN_REQUEST, 0);
        // Before any module that might end the request (Request Filtering, for one): every response drains.
        moduleInfo.setPriorityForRequestNotification(RQ_BEGIN_REQUEST, PriorityAlias.PRIORITY_ALIAS_FIRST);
        LOG.info("{}: draining={}", moduleInfo.getName(), draining);
    }

    /** The per-request module. */
    static final class DrainHttpModule extends CHttpModule {
        private final AtomicBoolean drainSwitch;

        DrainHttpModule(AtomicBoolean drainSwitch) {
            this.drainSwitch = drainSwitch;
        }

        @Override
        public RequestNotificationStatus onBeginRequest(IHttpContext httpContext, IHttpEventProvider provider) {
            if (drainSwitch.get()) {
                httpContext.getResponse().setNeedDisconnect();
            }
            return RQ_NOTIFICATION_CONTINUE;
        }
    }
}
