package io.iisport.filter;

import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_FINISH_REQUEST;

import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.ModuleSettings;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotification;
import io.iisport.httpserv.RequestNotificationStatus;
import java.util.List;

/**
 * A test module that subscribes to the notifications named by its settings, records every call as
 * {@code <module>:<NOTIFICATION>[/post]} in the {@link Events} of its server, and finishes or throws where its
 * settings say.
 *
 * <p>Settings: {@code notifications} (list of RQ_* names, default all the filter raises), {@code post} (list, default
 * all but RQ_SEND_RESPONSE), {@code priority} (alias for all), {@code finishAt}, {@code throwAt}, {@code errorAt}
 * (setErrorStatus) — each a notification name with {@code /post} for the post-notification.
 */
public final class Recorder implements RegisterModule {
    static final String[] ALL = {
        "RQ_BEGIN_REQUEST", "RQ_AUTHENTICATE_REQUEST", "RQ_AUTHORIZE_REQUEST", "RQ_RESOLVE_REQUEST_CACHE",
        "RQ_MAP_REQUEST_HANDLER", "RQ_ACQUIRE_REQUEST_STATE", "RQ_PRE_EXECUTE_REQUEST_HANDLER",
        "RQ_EXECUTE_REQUEST_HANDLER", "RQ_RELEASE_REQUEST_STATE", "RQ_UPDATE_REQUEST_CACHE", "RQ_LOG_REQUEST",
        "RQ_END_REQUEST"
    };

    @Override
    public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo)
            throws Exception {
        ModuleSettings settings = moduleInfo.getSettings();
        List<String> pre = settings.getList("notifications");
        List<String> post = settings.getList("post");
        int preMask = pre.isEmpty() ? mask(List.of(ALL)) | RequestNotification.RQ_SEND_RESPONSE : mask(pre);
        int postMask = settings.names().contains("post") ? mask(post) : mask(List.of(ALL));
        String priority = settings.get("priority", null);
        String finishAt = settings.get("finishAt", "");
        String throwAt = settings.get("throwAt", "");
        String errorAt = settings.get("errorAt", "");
        String name = moduleInfo.getName();
        Events events = Events.of(globalInfo.getServletContext());
        moduleInfo.setRequestNotifications(() -> new Module(events, name, finishAt, throwAt, errorAt), preMask,
                postMask);
        if (priority != null) {
            for (int bit = 0; bit < 32; bit++) {
                if (((preMask | postMask) & (1 << bit)) != 0) {
                    moduleInfo.setPriorityForRequestNotification(1 << bit, priority);
                }
            }
        }
    }

    static int mask(List<String> names) throws Exception {
        int mask = 0;
        for (String name : names) {
            mask |= RequestNotification.class.getField(name).getInt(null);
        }
        return mask;
    }

    static final class Module extends EveryNotification {
        private final Events events;
        private final String name;
        private final String finishAt;
        private final String throwAt;
        private final String errorAt;

        Module(Events events, String name, String finishAt, String throwAt, String errorAt) {
            this.events = events;
            this.name = name;
            this.finishAt = finishAt;
            this.throwAt = throwAt;
            this.errorAt = errorAt;
        }

        @Override
        protected RequestNotificationStatus on(int mask, boolean post, IHttpContext context,
                IHttpEventProvider provider) {
            String notification = RequestNotification.nameOf(mask) + (post ? "/post" : "");
            events.add(name + ":" + notification);
            if (notification.equals(throwAt)) {
                throw new IllegalStateException("thrown by " + name + " at " + notification);
            }
            if (notification.equals(errorAt)) {
                provider.setErrorStatus(new IllegalStateException("error status from " + name));
                return RQ_NOTIFICATION_CONTINUE;
            }
            return notification.equals(finishAt) ? RQ_NOTIFICATION_FINISH_REQUEST : RQ_NOTIFICATION_CONTINUE;
        }

        @Override
        public void dispose() {
            events.add(name + ":dispose");
        }
    }
}
