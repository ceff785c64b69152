package io.iisport.minimal;

import static io.iisport.httpserv.RequestNotification.RQ_BEGIN_REQUEST;

import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotificationStatus;

/**
 * Throws {@link IllegalStateException} with the message {@value #MESSAGE} in {@code OnBeginRequest}: the client
 * receives a 500, and the filter logs the failure naming the module and the stage, with the exception.
 */
public final class FailingModule implements RegisterModule {
    /** The message of the exception the module throws. */
    public static final String MESSAGE = "the module failed on purpose";

    @Override
    public void registerModule(int dwServerVersion, IHttpModuleRegistrationInfo pModuleInfo, IHttpServer pGlobalInfo) {
        pModuleInfo.setRequestNotifications(() -> new CHttpModule() {
            @Override
            public RequestNotificationStatus onBeginRequest(IHttpContext pHttpContext, IHttpEventProvider pProvider) {
                throw new IllegalStateException(MESSAGE);
            }
        }, RQ_BEGIN_REQUEST, 0);
    }
}
