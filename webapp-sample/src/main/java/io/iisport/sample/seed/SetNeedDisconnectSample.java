package io.iisport.sample.seed;

import static io.iisport.httpserv.RequestNotification.RQ_BEGIN_REQUEST;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;

import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.IHttpModuleFactory;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpResponse;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotificationStatus;

/**
 * The example of the IIS reference page {@code IHttpResponse::SetNeedDisconnect Method}, ported line for line: a
 * module that, for every request, asks the server to disconnect the socket once the current request is processed.
 *
 * <p>The response is sent in full; then the connection closes (HTTP/1: {@code Connection: close} and FIN; HTTP/2:
 * GOAWAY). The C++ structure stays: the module class, its class factory, and the exported {@code RegisterModule}
 * function, which in Java is this class.
 */
public final class SetNeedDisconnectSample implements RegisterModule {

    // Create the module class.
    static final class MyHttpModule extends CHttpModule {
        @Override
        public RequestNotificationStatus onBeginRequest(
                IHttpContext pHttpContext,
                IHttpEventProvider pProvider) {
            // UNREFERENCED_PARAMETER( pProvider );

            // Retrieve a pointer to the response.
            IHttpResponse pHttpResponse = pHttpContext.getResponse();

            // Test for an error.
            if (pHttpResponse != null) {
                // Configure the server to disconnect the socket.
                pHttpResponse.setNeedDisconnect();
            }

            // Return processing to the pipeline.
            return RQ_NOTIFICATION_CONTINUE;
        }
    }

    // Create the module's class factory.
    static final class MyHttpModuleFactory implements IHttpModuleFactory {
        @Override
        public CHttpModule getHttpModule() {
            // Create a new instance.
            // (Java: new either returns the instance or throws OutOfMemoryError, which the pipeline reports as the
            // C++ sample reports ERROR_NOT_ENOUGH_MEMORY.)
            MyHttpModule pModule = new MyHttpModule();

            // Return a pointer to the module.
            return pModule;
        }

        @Override
        public void terminate() {
            // Remove the class from memory.
            // (Java: nothing to delete; the garbage collector frees the factory.)
        }
    }

    // Create the module's exported registration function.
    @Override
    public void registerModule(
            int dwServerVersion,
            IHttpModuleRegistrationInfo pModuleInfo,
            IHttpServer pGlobalInfo) {
        // UNREFERENCED_PARAMETER( dwServerVersion );
        // UNREFERENCED_PARAMETER( pGlobalInfo );

        // Set the request notifications and exit.
        pModuleInfo.setRequestNotifications(
                new MyHttpModuleFactory(),
                RQ_BEGIN_REQUEST,
                0);
    }
}
