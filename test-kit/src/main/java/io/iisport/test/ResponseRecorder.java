package io.iisport.test;

import static io.iisport.httpserv.RequestNotification.RQ_END_REQUEST;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;

import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.PriorityAlias;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotificationStatus;

/**
 * The module a {@link ModuleTestServer} adds after the modules under test, to learn what the client cannot see:
 * the IIS sub-status of each response ({@code IHttpResponse.getSubStatus()}), which IIS does not send on the wire.
 * It reads it in {@code RQ_END_REQUEST} at priority LAST, so after every other module, and hands it to the server
 * named by its setting {@value #SERVER_SETTING}. It changes nothing in the request or the response. It is public
 * only because the module filter instantiates modules by class name; tests do not use it directly.
 */
public final class ResponseRecorder implements RegisterModule {
    /** The name under which {@link ModuleTestServer} registers this module. */
    static final String NAME = "iisport-test-recorder";
    /** The setting that names the {@link ModuleTestServer} to report to. */
    static final String SERVER_SETTING = "server";

    /** Creates the module; the module filter calls it. */
    public ResponseRecorder() {
    }

    /**
     * Subscribes to {@code RQ_END_REQUEST} at priority LAST, for the server named by the setting
     * {@value #SERVER_SETTING}.
     *
     * @throws IllegalArgumentException if no running {@link ModuleTestServer} has that name
     */
    @Override
    public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
        String id = moduleInfo.getSettings().get(SERVER_SETTING, "");
        ModuleTestServer server = ModuleTestServer.starting(id);
        moduleInfo.setRequestNotifications(() -> new CHttpModule() {
            @Override
            public RequestNotificationStatus onEndRequest(IHttpContext httpContext, IHttpEventProvider provider) {
                server.recordSubStatus(httpContext.getRequest().getRemoteAddress().getPort(),
                        httpContext.getResponse().getSubStatus());
                return RQ_NOTIFICATION_CONTINUE;
            }
        }, RQ_END_REQUEST, 0);
        moduleInfo.setPriorityForRequestNotification(RQ_END_REQUEST, PriorityAlias.PRIORITY_ALIAS_LAST);
    }
}
