package io.iisport.conformance.webapp;

import static io.iisport.httpserv.RequestNotification.RQ_EXECUTE_REQUEST_HANDLER;
import static io.iisport.httpserv.RequestNotification.RQ_RELEASE_REQUEST_STATE;
import static io.iisport.httpserv.RequestNotification.RQ_UPDATE_REQUEST_CACHE;

import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.RegisterModule;

/**
 * A module subscribed to every notification that cannot change the servlet's output before it is sent — each before
 * the handler with its post-notification, EXECUTE_REQUEST_HANDLER's pre-notification, LOG_REQUEST and END_REQUEST
 * with theirs — doing nothing: behind it the servlet gets the container's own request and response (the filter's
 * direct path), and a request must behave as without the filter.
 */
public final class DirectNoOpModule implements RegisterModule {
    /** The stages after the handler: a module there would give the servlet the filter's objects. */
    private static final int AFTER_HANDLER = RQ_RELEASE_REQUEST_STATE | RQ_UPDATE_REQUEST_CACHE;

    @Override
    public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
        moduleInfo.setRequestNotifications(NoOpHttpModule::new, NoOpModule.PIPELINE & ~AFTER_HANDLER,
                NoOpModule.PIPELINE & ~(AFTER_HANDLER | RQ_EXECUTE_REQUEST_HANDLER));
    }

    /** The per-request module: CHttpModule's defaults, which continue. */
    static final class NoOpHttpModule extends CHttpModule {
    }
}
