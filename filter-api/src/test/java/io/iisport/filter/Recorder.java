package io.iisport.filter;

import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_FINISH_REQUEST;

import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.ISendResponseProvider;
import io.iisport.httpserv.ModuleSettings;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotification;
import io.iisport.httpserv.RequestNotificationStatus;
import java.util.List;

/**
 * A test module that subscribes to the notifications named by its settings, records every call as
 * {@code <module>:<NOTIFICATION>[/post]}, and finishes or throws where its settings say.
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
        moduleInfo.setRequestNotifications(() -> new Module(name, finishAt, throwAt, errorAt), preMask, postMask);
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

    static final class Module extends CHttpModule {
        private final String name;
        private final String finishAt;
        private final String throwAt;
        private final String errorAt;

        Module(String name, String finishAt, String throwAt, String errorAt) {
            this.name = name;
            this.finishAt = finishAt;
            this.throwAt = throwAt;
            this.errorAt = errorAt;
        }

        private RequestNotificationStatus on(String notification, IHttpEventProvider provider) {
            Events.add(name + ":" + notification);
            if (notification.equals(throwAt)) {
                throw new IllegalStateException("thrown by " + name + " at " + notification);
            }
            if (notification.equals(errorAt)) {
                provider.setErrorStatus(new IllegalStateException("error status from " + name));
                return RQ_NOTIFICATION_CONTINUE;
            }
            return notification.equals(finishAt) ? RQ_NOTIFICATION_FINISH_REQUEST : RQ_NOTIFICATION_CONTINUE;
        }

        @Override public RequestNotificationStatus onBeginRequest(IHttpContext c, IHttpEventProvider p) { return on("RQ_BEGIN_REQUEST", p); }
        @Override public RequestNotificationStatus onPostBeginRequest(IHttpContext c, IHttpEventProvider p) { return on("RQ_BEGIN_REQUEST/post", p); }
        @Override public RequestNotificationStatus onAuthenticateRequest(IHttpContext c, IHttpEventProvider p) { return on("RQ_AUTHENTICATE_REQUEST", p); }
        @Override public RequestNotificationStatus onPostAuthenticateRequest(IHttpContext c, IHttpEventProvider p) { return on("RQ_AUTHENTICATE_REQUEST/post", p); }
        @Override public RequestNotificationStatus onAuthorizeRequest(IHttpContext c, IHttpEventProvider p) { return on("RQ_AUTHORIZE_REQUEST", p); }
        @Override public RequestNotificationStatus onPostAuthorizeRequest(IHttpContext c, IHttpEventProvider p) { return on("RQ_AUTHORIZE_REQUEST/post", p); }
        @Override public RequestNotificationStatus onResolveRequestCache(IHttpContext c, IHttpEventProvider p) { return on("RQ_RESOLVE_REQUEST_CACHE", p); }
        @Override public RequestNotificationStatus onPostResolveRequestCache(IHttpContext c, IHttpEventProvider p) { return on("RQ_RESOLVE_REQUEST_CACHE/post", p); }
        @Override public RequestNotificationStatus onMapRequestHandler(IHttpContext c, IHttpEventProvider p) { return on("RQ_MAP_REQUEST_HANDLER", p); }
        @Override public RequestNotificationStatus onPostMapRequestHandler(IHttpContext c, IHttpEventProvider p) { return on("RQ_MAP_REQUEST_HANDLER/post", p); }
        @Override public RequestNotificationStatus onAcquireRequestState(IHttpContext c, IHttpEventProvider p) { return on("RQ_ACQUIRE_REQUEST_STATE", p); }
        @Override public RequestNotificationStatus onPostAcquireRequestState(IHttpContext c, IHttpEventProvider p) { return on("RQ_ACQUIRE_REQUEST_STATE/post", p); }
        @Override public RequestNotificationStatus onPreExecuteRequestHandler(IHttpContext c, IHttpEventProvider p) { return on("RQ_PRE_EXECUTE_REQUEST_HANDLER", p); }
        @Override public RequestNotificationStatus onPostPreExecuteRequestHandler(IHttpContext c, IHttpEventProvider p) { return on("RQ_PRE_EXECUTE_REQUEST_HANDLER/post", p); }
        @Override public RequestNotificationStatus onExecuteRequestHandler(IHttpContext c, IHttpEventProvider p) { return on("RQ_EXECUTE_REQUEST_HANDLER", p); }
        @Override public RequestNotificationStatus onPostExecuteRequestHandler(IHttpContext c, IHttpEventProvider p) { return on("RQ_EXECUTE_REQUEST_HANDLER/post", p); }
        @Override public RequestNotificationStatus onReleaseRequestState(IHttpContext c, IHttpEventProvider p) { return on("RQ_RELEASE_REQUEST_STATE", p); }
        @Override public RequestNotificationStatus onPostReleaseRequestState(IHttpContext c, IHttpEventProvider p) { return on("RQ_RELEASE_REQUEST_STATE/post", p); }
        @Override public RequestNotificationStatus onUpdateRequestCache(IHttpContext c, IHttpEventProvider p) { return on("RQ_UPDATE_REQUEST_CACHE", p); }
        @Override public RequestNotificationStatus onPostUpdateRequestCache(IHttpContext c, IHttpEventProvider p) { return on("RQ_UPDATE_REQUEST_CACHE/post", p); }
        @Override public RequestNotificationStatus onLogRequest(IHttpContext c, IHttpEventProvider p) { return on("RQ_LOG_REQUEST", p); }
        @Override public RequestNotificationStatus onPostLogRequest(IHttpContext c, IHttpEventProvider p) { return on("RQ_LOG_REQUEST/post", p); }
        @Override public RequestNotificationStatus onEndRequest(IHttpContext c, IHttpEventProvider p) { return on("RQ_END_REQUEST", p); }
        @Override public RequestNotificationStatus onPostEndRequest(IHttpContext c, IHttpEventProvider p) { return on("RQ_END_REQUEST/post", p); }

        @Override
        public RequestNotificationStatus onSendResponse(IHttpContext c, ISendResponseProvider p) {
            return on("RQ_SEND_RESPONSE", p);
        }

        @Override
        public void dispose() {
            Events.add(name + ":dispose");
        }
    }
}
