package io.iisport.bench;

import static io.iisport.httpserv.RequestNotification.RQ_BEGIN_REQUEST;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_FINISH_REQUEST;

import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotificationStatus;
import java.util.concurrent.ConcurrentLinkedQueue;

/** The modules the benchmarks run. */
public final class BenchModules {
    /** When each reset call returned ({@link System#nanoTime()}), for the reset-to-wire delay. */
    static final ConcurrentLinkedQueue<Long> RESET_RETURNED = new ConcurrentLinkedQueue<>();

    private BenchModules() {
    }

    /** Does nothing in RQ_BEGIN_REQUEST: what the filter costs when no module acts. */
    public static final class NoOp implements RegisterModule {
        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
            moduleInfo.setRequestNotifications(() -> new CHttpModule() {
                @Override
                public RequestNotificationStatus onBeginRequest(IHttpContext httpContext, IHttpEventProvider provider) {
                    return RQ_NOTIFICATION_CONTINUE;
                }
            }, RQ_BEGIN_REQUEST, 0);
        }
    }

    /** Resets every connection in RQ_BEGIN_REQUEST, as Dynamic IP Restrictions' AbortRequest does. */
    public static final class Reset implements RegisterModule {
        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
            moduleInfo.setRequestNotifications(() -> new CHttpModule() {
                @Override
                public RequestNotificationStatus onBeginRequest(IHttpContext httpContext, IHttpEventProvider provider) {
                    httpContext.getResponse().resetConnection();
                    RESET_RETURNED.add(System.nanoTime());
                    return RQ_NOTIFICATION_FINISH_REQUEST;
                }
            }, RQ_BEGIN_REQUEST, 0);
        }
    }

    /** Asks for a disconnect after every response, as the IIS SetNeedDisconnect sample does. */
    public static final class Disconnect implements RegisterModule {
        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
            moduleInfo.setRequestNotifications(() -> new CHttpModule() {
                @Override
                public RequestNotificationStatus onBeginRequest(IHttpContext httpContext, IHttpEventProvider provider) {
                    httpContext.getResponse().setNeedDisconnect();
                    return RQ_NOTIFICATION_CONTINUE;
                }
            }, RQ_BEGIN_REQUEST, 0);
        }
    }
}
