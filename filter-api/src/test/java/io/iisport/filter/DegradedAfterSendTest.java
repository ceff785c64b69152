package io.iisport.filter;

import static io.iisport.httpserv.RequestNotification.RQ_END_REQUEST;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotificationStatus;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Without a container extension, a reset or close asked once the response was sent whole cannot undo it: the
 * response stands, the connection carries on, and the call is counted as degraded.
 */
class DegradedAfterSendTest {
    /** Resets (setting {@code action=reset}) or closes ({@code action=close}) at RQ_END_REQUEST. */
    public static final class LateAbortModule implements RegisterModule {
        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer server) {
            boolean reset = moduleInfo.getSettings().get("action", "reset").equals("reset");
            Events events = Events.of(server.getServletContext());
            moduleInfo.setRequestNotifications(() -> new CHttpModule() {
                @Override
                public RequestNotificationStatus onEndRequest(IHttpContext context, IHttpEventProvider provider) {
                    if (reset) {
                        context.getResponse().resetConnection();
                    } else {
                        context.getResponse().closeConnection();
                    }
                    events.add("asked at END_REQUEST");
                    return RQ_NOTIFICATION_CONTINUE;
                }
            }, RQ_END_REQUEST, 0);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"reset", "close"})
    void aLateAbortLeavesTheSentResponseAndTheConnectionAndIsCounted(String action) throws Exception {
        try (TestServer server = new TestServer()) {
            server.handle("/*", (req, resp) -> resp.getWriter().print("whole"));
            IisModuleFilter filter = new IisModuleFilter();
            server.filter(filter, "modules", "Late=" + LateAbortModule.class.getName(), "Late.action", action);
            server.start();

            try (Socket socket = server.socket()) {
                String get = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
                String last = "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
                TestServer.send(socket, get + last);
                String wire = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                // Both requests answered in full on the one connection, which then ends as the client asked.
                assertThat(wire.split("HTTP/1.1 200 OK", -1).length - 1, is(2));
                assertThat(wire.split("\r\n\r\nwhole", -1).length - 1, is(2));
            }
            // END_REQUEST runs after the response is sent: the client can have both and the FIN before the second.
            server.events.await("asked at END_REQUEST", 2);
            assertThat(filter.getDegradedCallCount(), is(2L));
        }
    }
}
