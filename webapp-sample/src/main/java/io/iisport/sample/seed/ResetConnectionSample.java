package io.iisport.sample.seed;

import static io.iisport.httpserv.RequestNotification.RQ_SEND_RESPONSE;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_FINISH_REQUEST;

import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.HttpDataChunk;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpModuleFactory;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpResponse;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.ISendResponseProvider;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotificationStatus;
import java.nio.charset.StandardCharsets;

/**
 * The example of the IIS reference page {@code IHttpResponse::ResetConnection Method}, ported line for line: in
 * {@code OnSendResponse} the module clears the response, sets {@code Content-Type: text/plain}, writes
 * "Status: Before Reset", resets the connection, writes "Status: After Reset" (which succeeds although the
 * connection is reset) and ends the request with {@code RQ_NOTIFICATION_FINISH_REQUEST}.
 *
 * <p>Because the connection is reset, none of the strings reach the client: HTTP/1 sees a TCP reset, HTTP/2 an
 * RST_STREAM with error code CANCEL on this stream only.
 */
public final class ResetConnectionSample implements RegisterModule {

    // Create the module class.
    static final class MyHttpModule extends CHttpModule {
        @Override
        public RequestNotificationStatus onSendResponse(
                IHttpContext pHttpContext,
                ISendResponseProvider pProvider) {
            // UNREFERENCED_PARAMETER( pProvider );

            // Retrieve a pointer to the response.
            IHttpResponse pHttpResponse = pHttpContext.getResponse();

            // Test for an error.
            if (pHttpResponse != null) {
                // Clear the existing response.
                pHttpResponse.clear();
                // Set the MIME type to plain text.
                pHttpResponse.setHeader(
                        "Content-Type", "text/plain",
                        true);

                // Return a message to the client.
                writeResponseMessage(pHttpContext,
                        "Status: ", "Before Reset\n");

                // Reset the current connection.
                pHttpResponse.resetConnection();

                // Return a message to the client.
                writeResponseMessage(pHttpContext,
                        "Status: ", "After Reset\n");

                // End additional processing.
                return RQ_NOTIFICATION_FINISH_REQUEST;
            }

            // Return processing to the pipeline.
            return RQ_NOTIFICATION_CONTINUE;
        }

        // Create a utility method that inserts a name/value pair into the response.
        // (Java: a failed write throws instead of returning a failed HRESULT, so the method returns nothing.)
        private void writeResponseMessage(
                IHttpContext pHttpContext,
                String pszName,
                String pszValue) {
            // Create a data chunk.
            HttpDataChunk dataChunk;

            // Set the chunk to the first buffer.
            dataChunk = HttpDataChunk.fromString(pszName, StandardCharsets.US_ASCII);
            // Insert the data chunk into the response.
            pHttpContext.getResponse().writeEntityChunks(
                    new HttpDataChunk[] {dataChunk}, false, true);

            // Set the chunk to the second buffer.
            dataChunk = HttpDataChunk.fromString(pszValue, StandardCharsets.US_ASCII);
            // Insert the data chunk into the response.
            pHttpContext.getResponse().writeEntityChunks(
                    new HttpDataChunk[] {dataChunk}, false, true);
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
                RQ_SEND_RESPONSE,
                0);
    }
}
