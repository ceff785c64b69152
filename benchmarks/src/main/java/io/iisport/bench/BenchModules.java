package io.iisport.bench;

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

    /** Every request notification the filter raises. */
    static final int EVERY_NOTIFICATION = RQ_BEGIN_REQUEST | RQ_AUTHENTICATE_REQUEST | RQ_AUTHORIZE_REQUEST
            | RQ_RESOLVE_REQUEST_CACHE | RQ_MAP_REQUEST_HANDLER | RQ_ACQUIRE_REQUEST_STATE
            | RQ_PRE_EXECUTE_REQUEST_HANDLER | RQ_EXECUTE_REQUEST_HANDLER | RQ_RELEASE_REQUEST_STATE
            | RQ_UPDATE_REQUEST_CACHE | RQ_LOG_REQUEST | RQ_END_REQUEST | RQ_SEND_RESPONSE;

    /**
     * Subscribed to every notification and its post-notification, each returning {@code RQ_NOTIFICATION_CONTINUE}:
     * what the filter costs when a module can see and change the servlet's response (the filter's request and
     * response, the response buffer, every stage), and no module acts.
     */
    public static final class NoOp implements RegisterModule {
        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
            moduleInfo.setRequestNotifications(() -> new CHttpModule() { }, EVERY_NOTIFICATION,
                    EVERY_NOTIFICATION & ~RQ_SEND_RESPONSE);
        }
    }

    /**
     * Does nothing in RQ_BEGIN_REQUEST alone: what the filter costs for modules that act only before the handler,
     * whose servlet gets the container's own request and response.
     */
    public static final class BeginOnly implements RegisterModule {
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
