package io.iisport.test;

import static io.iisport.httpserv.RequestNotification.RQ_BEGIN_REQUEST;
import static io.iisport.httpserv.RequestNotification.RQ_LOG_REQUEST;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_FINISH_REQUEST;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_PENDING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.HttpDataChunk;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpResponse;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotificationStatus;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The kit reports what the wire carried, for each connection action of {@code IHttpResponse}, over HTTP/1.1 and
 * h2c; and it passes settings to the module as web.xml would.
 */
class ModuleTestServerTest {

    /**
     * Asks for a disconnect in BEGIN_REQUEST and leaves LOG_REQUEST pending for {@value #LATE_MILLIS} ms, longer
     * than the default settle time: the client has the whole response at once (IIS sends it before LOG_REQUEST),
     * the server completes the exchange and closes the connection only after the completion.
     */
    public static final class LateEndModule implements RegisterModule {
        static final long LATE_MILLIS = 900;

        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
            moduleInfo.setRequestNotifications(() -> new CHttpModule() {
                @Override
                public RequestNotificationStatus onBeginRequest(IHttpContext httpContext, IHttpEventProvider provider) {
                    httpContext.getResponse().setNeedDisconnect();
                    return RQ_NOTIFICATION_CONTINUE;
                }

                @Override
                public RequestNotificationStatus onLogRequest(IHttpContext httpContext, IHttpEventProvider provider) {
                    CompletableFuture.delayedExecutor(LATE_MILLIS, TimeUnit.MILLISECONDS).execute(
                            () -> httpContext.indicateCompletion(RQ_NOTIFICATION_CONTINUE));
                    return RQ_NOTIFICATION_PENDING;
                }
            }, RQ_BEGIN_REQUEST | RQ_LOG_REQUEST, 0);
        }
    }

    @Test
    void theSettleTimeCountsFromTheEndOfTheExchangeNotFromTheResponse() throws Exception {
        try (ModuleTestServer server = ModuleTestServer.with("Late", LateEndModule.class)
                .servlet((request, response) -> response.getWriter().print("early")).start()) {
            long start = System.nanoTime();
            ClientResult result = server.get(Protocol.H2C, "/");
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals("early", result.body());
            assertEquals(ConnectionEnd.GOAWAY, result.connectionEnd(), result::toString);
            assertTrue(tookMillis >= LateEndModule.LATE_MILLIS, "the close came after the completion: " + tookMillis);
        }
    }

    /** A module whose setting {@code action} chooses what it does in BEGIN_REQUEST. */
    public static final class ActionModule implements RegisterModule {
        /** What the module does. */
        public enum Action { NONE, DISCONNECT, RESET, CLOSE, DENY }

        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
            Action action = moduleInfo.getSettings().getEnum("action", Action.class, Action.NONE);
            moduleInfo.setRequestNotifications(() -> new CHttpModule() {
                @Override
                public RequestNotificationStatus onBeginRequest(IHttpContext httpContext, IHttpEventProvider provider) {
                    IHttpResponse response = httpContext.getResponse();
                    switch (action) {
                        case DISCONNECT -> response.setNeedDisconnect();
                        case RESET -> response.resetConnection();
                        case CLOSE -> response.closeConnection();
                        case DENY -> {
                            response.setStatus(403, "Forbidden", 501);
                            response.writeEntityChunks(HttpDataChunk.fromString("denied", StandardCharsets.UTF_8));
                            return RQ_NOTIFICATION_FINISH_REQUEST;
                        }
                        default -> {
                        }
                    }
                    return RQ_NOTIFICATION_CONTINUE;
                }
            }, RQ_BEGIN_REQUEST, 0);
        }
    }

    private static ModuleTestServer start(ActionModule.Action action) throws Exception {
        return server(action).start();
    }

    private static ModuleTestServer.Builder server(ActionModule.Action action) {
        return ModuleTestServer.with("Action", ActionModule.class)
                .setting("action", action.name())
                .servlet((request, response) -> response.getWriter().print("hello " + request.getRequestURI()));
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aPlainResponseLeavesTheConnectionOpen(Protocol protocol) throws Exception {
        try (ModuleTestServer server = start(ActionModule.Action.NONE)) {
            ClientResult result = server.get(protocol, "/a");
            assertEquals(200, result.status(), result::toString);
            assertEquals("hello /a", result.body());
            assertTrue(result.isComplete());
            assertEquals(ConnectionEnd.OPEN, result.connectionEnd(), result::toString);
            assertEquals(-1, result.errorCode());
            assertEquals(0, result.subStatus());
            assertEquals(0, server.filter().getDegradedCallCount());
        }
    }

    @Test
    void setNeedDisconnectOverHttp1IsTheFullResponseThenFin() throws Exception {
        try (ModuleTestServer server = start(ActionModule.Action.DISCONNECT)) {
            ClientResult result = server.get("/");
            assertEquals(200, result.status(), result::toString);
            assertEquals("close", result.header("Connection"));
            assertEquals("hello /", result.body());
            assertEquals(ConnectionEnd.FIN, result.connectionEnd(), result::toString);
        }
    }

    @Test
    void setNeedDisconnectOverH2cIsTheFullResponseThenGoAway() throws Exception {
        // The GOAWAY follows the end of the stream once the request has ended, after its last notifications; the
        // settle time counts from then, however loaded the machine.
        try (ModuleTestServer server = server(ActionModule.Action.DISCONNECT).start()) {
            ClientResult result = server.get(Protocol.H2C, "/");
            assertEquals(200, result.status(), result::toString);
            assertEquals("hello /", result.body());
            assertEquals(ConnectionEnd.GOAWAY, result.connectionEnd(), result::toString);
            assertEquals(0, result.errorCode());
        }
    }

    @Test
    void resetConnectionOverHttp1IsATcpResetWithNothingBefore() throws Exception {
        try (ModuleTestServer server = start(ActionModule.Action.RESET)) {
            ClientResult result = server.get("/");
            assertEquals(ConnectionEnd.RST, result.connectionEnd(), result::toString);
            assertEquals(0, result.status());
            assertFalse(result.isComplete());
        }
    }

    @Test
    void resetConnectionOverH2cIsRstStreamCancel() throws Exception {
        try (ModuleTestServer server = start(ActionModule.Action.RESET)) {
            ClientResult result = server.get(Protocol.H2C, "/");
            assertEquals(ConnectionEnd.RST_STREAM, result.connectionEnd(), result::toString);
            assertEquals(8, result.errorCode());
            assertEquals(0, result.status());
        }
    }

    @Test
    void closeConnectionOverHttp1IsFinWithoutAResponse() throws Exception {
        try (ModuleTestServer server = start(ActionModule.Action.CLOSE)) {
            ClientResult result = server.get("/");
            assertEquals(ConnectionEnd.FIN, result.connectionEnd(), result::toString);
            assertEquals(0, result.status());
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void theSubStatusIsReadOnTheServer(Protocol protocol) throws Exception {
        try (ModuleTestServer server = start(ActionModule.Action.DENY)) {
            ClientResult result = server.get(protocol, "/");
            assertEquals(403, result.status(), result::toString);
            assertEquals(501, result.subStatus());
            assertEquals("denied", result.body());
        }
    }

    @Test
    void aCannedHandlerAnswersEveryRequest() throws Exception {
        try (ModuleTestServer server = ModuleTestServer.with("Action", ActionModule.class).respond(404, "none").start()) {
            ClientResult result = server.send("POST /x HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\nab");
            assertEquals(404, result.status(), result::toString);
            assertEquals("none", result.body());
            assertEquals("text/plain;charset=utf-8", result.header("content-type"));
        }
    }

    @Test
    void aBadSettingFailsStartWithTheFiltersMessage() {
        Exception failure = assertThrows(Exception.class, () -> ModuleTestServer.with("Action", ActionModule.class)
                .setting("action", "EXPLODE").start().close());
        assertTrue(String.valueOf(failure.getMessage()).contains("EXPLODE"), failure::toString);
    }

    @Test
    void aModuleNameWithADotIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ModuleTestServer.with("a.b", ActionModule.class));
    }
}
