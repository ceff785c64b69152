package io.iisport.spring.boot.etag;

import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotification;
import io.iisport.httpserv.RequestNotificationStatus;

/** Returns PENDING at BEGIN_REQUEST and completes 100 ms later from a thread of its own. */
public class PendingAtBeginModule implements RegisterModule {
    @Override
    public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
        moduleInfo.setRequestNotifications(Module::new, RequestNotification.RQ_BEGIN_REQUEST, 0);
    }

    static final class Module extends CHttpModule {
        @Override
        public RequestNotificationStatus onBeginRequest(IHttpContext context, IHttpEventProvider provider) {
            Thread completion = new Thread(() -> {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                context.indicateCompletion(RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE);
            }, "module completion");
            completion.setDaemon(true);
            completion.start();
            return RequestNotificationStatus.RQ_NOTIFICATION_PENDING;
        }
    }
}
