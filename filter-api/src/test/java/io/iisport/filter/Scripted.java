package io.iisport.filter;

import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;

import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.ISendResponseProvider;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotification;
import io.iisport.httpserv.RequestNotificationStatus;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A test module whose notification methods run the steps a test set for its name. */
public final class Scripted implements RegisterModule {
    /** What a module does in one notification. */
    public interface Step {
        RequestNotificationStatus run(IHttpContext context, IHttpEventProvider provider) throws Exception;
    }

    private static final Map<String, Map<Integer, Step>> SCRIPTS = new ConcurrentHashMap<>();

    public static void clear() {
        SCRIPTS.clear();
    }

    /** Sets what module {@code name} does for {@code notification} (one RQ_* value). */
    public static void on(String name, int notification, Step step) {
        SCRIPTS.computeIfAbsent(name, n -> new ConcurrentHashMap<>()).put(notification, step);
    }

    @Override
    public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
        Map<Integer, Step> steps = SCRIPTS.getOrDefault(moduleInfo.getName(), Map.of());
        int mask = 0;
        for (int notification : steps.keySet()) {
            mask |= notification;
        }
        // A module with nothing to do still subscribes, to RQ_END_REQUEST, so that it can be listed.
        moduleInfo.setRequestNotifications(() -> new Module(steps), mask == 0 ? RequestNotification.RQ_END_REQUEST : mask, 0);
    }

    private static final class Module extends CHttpModule {
        private final Map<Integer, Step> steps;

        Module(Map<Integer, Step> steps) {
            this.steps = steps;
        }

        private RequestNotificationStatus run(int notification, IHttpContext context, IHttpEventProvider provider) {
            Step step = steps.get(notification);
            if (step == null) {
                return RQ_NOTIFICATION_CONTINUE;
            }
            try {
                return step.run(context, provider);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public RequestNotificationStatus onBeginRequest(IHttpContext c, IHttpEventProvider p) {
            return run(RequestNotification.RQ_BEGIN_REQUEST, c, p);
        }

        @Override
        public RequestNotificationStatus onExecuteRequestHandler(IHttpContext c, IHttpEventProvider p) {
            return run(RequestNotification.RQ_EXECUTE_REQUEST_HANDLER, c, p);
        }

        @Override
        public RequestNotificationStatus onSendResponse(IHttpContext c, ISendResponseProvider p) {
            return run(RequestNotification.RQ_SEND_RESPONSE, c, p);
        }

        @Override
        public RequestNotificationStatus onLogRequest(IHttpContext c, IHttpEventProvider p) {
            return run(RequestNotification.RQ_LOG_REQUEST, c, p);
        }

        @Override
        public RequestNotificationStatus onEndRequest(IHttpContext c, IHttpEventProvider p) {
            return run(RequestNotification.RQ_END_REQUEST, c, p);
        }
    }
}
