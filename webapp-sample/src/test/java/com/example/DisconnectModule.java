package com.example;

import static io.iisport.httpserv.RequestNotification.RQ_BEGIN_REQUEST;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;

import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotificationStatus;

public class DisconnectModule implements RegisterModule {
    static class MyHttpModule extends CHttpModule {
        @Override
        public RequestNotificationStatus onBeginRequest(IHttpContext httpContext, IHttpEventProvider provider) {
            // Retrieve the response and configure the server to disconnect the socket.
            httpContext.getResponse().setNeedDisconnect();
            // Return processing to the pipeline.
            return RQ_NOTIFICATION_CONTINUE;
        }
    }

    @Override
    public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
        moduleInfo.setRequestNotifications(MyHttpModule::new, RQ_BEGIN_REQUEST, 0);
    }
}
