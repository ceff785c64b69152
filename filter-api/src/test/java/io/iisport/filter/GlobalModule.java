package io.iisport.filter;

import static io.iisport.httpserv.GlobalNotificationStatus.GL_NOTIFICATION_CONTINUE;
import static io.iisport.httpserv.GlobalNotificationStatus.GL_NOTIFICATION_HANDLED;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;

import io.iisport.httpserv.CGlobalModule;
import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.GlobalNotification;
import io.iisport.httpserv.GlobalNotificationStatus;
import io.iisport.httpserv.HttpDataChunk;
import io.iisport.httpserv.IHttpApplicationStartProvider;
import io.iisport.httpserv.IHttpApplicationStopProvider;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.IPreBeginRequestProvider;
import io.iisport.httpserv.ModuleSettings;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotification;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A test module with a {@link CGlobalModule} that records each global notification, {@code terminate()} and, if it
 * subscribes request notifications, {@code RQ_BEGIN_REQUEST} and {@code RQ_LOG_REQUEST}, in the server's
 * {@link Events} as {@code "<name> <event>"}. Settings: {@code notifications} (the {@code GL_*} names, by default the
 * three the filter raises), {@code priority} (for every one of them), {@code requestModule} ({@code true}: also
 * subscribe a request module), {@code start} and {@code preBeginRequest} ({@code continue}, {@code handled}: write
 * {@code "handled by <name>"} with status 203, {@code throw}, {@code errorStatus}).
 */
public final class GlobalModule implements RegisterModule {
    @Override
    public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer server) {
        Events events = Events.of(server.getServletContext());
        ModuleSettings settings = moduleInfo.getSettings();
        String name = moduleInfo.getName();
        List<String> notifications = settings.getList("notifications");
        if (notifications.isEmpty()) {
            notifications = List.of("GL_APPLICATION_START", "GL_PRE_BEGIN_REQUEST", "GL_APPLICATION_STOP");
        }
        int mask = 0;
        for (String notification : notifications) {
            try {
                mask |= GlobalNotification.class.getField(notification).getInt(null);
            } catch (ReflectiveOperationException e) {
                throw settings.invalid("notifications", notification, "no such GL_ constant");
            }
        }
        String start = settings.get("start", "continue");
        String preBegin = settings.get("preBeginRequest", "continue");
        String priority = settings.get("priority", null);
        boolean requestModule = settings.getBoolean("requestModule", false);
        moduleInfo.setGlobalNotifications(new Recording(name, events, start, preBegin), mask);
        if (priority != null) {
            for (int bit = 0; bit < 32; bit++) {
                if ((mask & (1 << bit)) != 0) {
                    moduleInfo.setPriorityForGlobalNotification(1 << bit, priority);
                }
            }
        }
        if (requestModule) {
            moduleInfo.setRequestNotifications(() -> new CHttpModule() {
                @Override
                public io.iisport.httpserv.RequestNotificationStatus onBeginRequest(IHttpContext context,
                        IHttpEventProvider provider) {
                    events.add(name + " RQ_BEGIN_REQUEST");
                    return RQ_NOTIFICATION_CONTINUE;
                }

                @Override
                public io.iisport.httpserv.RequestNotificationStatus onLogRequest(IHttpContext context,
                        IHttpEventProvider provider) {
                    events.add(name + " RQ_LOG_REQUEST " + context.getResponse().getStatus());
                    return RQ_NOTIFICATION_CONTINUE;
                }
            }, RequestNotification.RQ_BEGIN_REQUEST | RequestNotification.RQ_LOG_REQUEST, 0);
        }
    }

    private static final class Recording extends CGlobalModule {
        private final String name;
        private final Events events;
        private final String start;
        private final String preBegin;

        Recording(String name, Events events, String start, String preBegin) {
            this.name = name;
            this.events = events;
            this.start = start;
            this.preBegin = preBegin;
        }

        private GlobalNotificationStatus act(String how, IHttpEventProvider provider, Runnable handle) {
            switch (how) {
                case "handled":
                    handle.run();
                    return GL_NOTIFICATION_HANDLED;
                case "throw":
                    throw new IllegalStateException(name + " refuses");
                case "errorStatus":
                    provider.setErrorStatus(new IllegalStateException(name + " reports an error"));
                    return GL_NOTIFICATION_CONTINUE;
                default:
                    return GL_NOTIFICATION_CONTINUE;
            }
        }

        @Override
        public GlobalNotificationStatus onGlobalApplicationStart(IHttpApplicationStartProvider provider) {
            events.add(name + " GL_APPLICATION_START " + provider.getApplication().getApplicationId());
            return act(start, provider, () -> { });
        }

        @Override
        public GlobalNotificationStatus onGlobalApplicationStop(IHttpApplicationStopProvider provider) {
            events.add(name + " GL_APPLICATION_STOP " + provider.getApplication().getApplicationId());
            return GL_NOTIFICATION_CONTINUE;
        }

        @Override
        public GlobalNotificationStatus onGlobalPreBeginRequest(IPreBeginRequestProvider provider) {
            IHttpContext context = provider.getHttpContext();
            events.add(name + " GL_PRE_BEGIN_REQUEST " + context.getRequest().getHttpMethod());
            return act(preBegin, provider, () -> {
                context.getResponse().setStatus(203, "Handled");
                context.getResponse().writeEntityChunks(HttpDataChunk.fromString("handled by " + name,
                        StandardCharsets.US_ASCII));
            });
        }

        @Override
        public void terminate() {
            events.add(name + " terminate");
        }
    }
}
