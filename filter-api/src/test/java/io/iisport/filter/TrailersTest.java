package io.iisport.filter;

import static io.iisport.httpserv.RequestNotification.RQ_BEGIN_REQUEST;
import static io.iisport.httpserv.RequestNotification.RQ_LOG_REQUEST;
import static io.iisport.httpserv.RequestNotification.RQ_SEND_RESPONSE;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.iisport.httpserv.IHttpResponse;
import io.iisport.httpserv.ISendResponseProvider;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code IHttpResponse4::SetTrailer}, {@code GetTrailer} and {@code DeleteTrailer} on the wire: a real Jetty
 * connector and a raw socket that reads the HTTP/1.1 trailer section after the last chunk.
 */
class TrailersTest {
    private TestServer server;
    private Events events;
    private Scripted.Script module;

    @BeforeEach
    void setUp() {
        server = new TestServer();
        events = server.events;
        module = server.scripted("M");
        server.handle("/*", (req, resp) -> {
            resp.setContentType("text/plain");
            resp.getWriter().print("servlet body");
        });
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private void start(String... params) throws Exception {
        server.scriptedFilter(new IisModuleFilter(), module, params);
        server.start();
    }

    /** Sends {@code request} and reads the whole response, bytes as received, to the server's close. */
    private String exchange(String request) throws Exception {
        try (Socket socket = server.socket()) {
            TestServer.send(socket, request);
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(wire);
            return wire.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private String get(String path, String... headers) throws Exception {
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        return exchange(request.append("Connection: close\r\n\r\n").toString());
    }

    private static boolean finalSend(Object provider) {
        return (((ISendResponseProvider) provider).getFlags() & ISendResponseProvider.HTTP_SEND_RESPONSE_FLAG_MORE_DATA)
                == 0;
    }

    @Test
    void aTrailerSetInTheFinalOnSendResponseFollowsTheLastChunk() throws Exception {
        module.on(RQ_SEND_RESPONSE, (c, p) -> {
            if (finalSend(p)) {
                c.getResponse().setTrailer("grpc-status", "0", true);
                c.getResponse().setTrailer("grpc-message", "fine", true);
            }
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        String wire = get("/rpc", "TE: trailers");
        assertThat(wire, containsString("\r\nTransfer-Encoding: chunked\r\n"));
        assertThat(wire, not(containsString("Content-Length")));
        assertThat(wire, containsString("servlet body"));
        assertThat(wire, endsWith("\r\n0\r\ngrpc-status: 0\r\ngrpc-message: fine\r\n\r\n"));
    }

    @Test
    void withoutATrailerTheResponseKeepsTheContainersFraming() throws Exception {
        module.on(RQ_SEND_RESPONSE, (c, p) -> {
            c.getResponse().deleteTrailer("grpc-status");
            events.add("trailer=" + c.getResponse().getTrailer("grpc-status"));
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        String wire = get("/plain", "TE: trailers");
        assertThat(wire, containsString("\r\nContent-Length: 12\r\n"));
        assertThat(wire, not(containsString("chunked")));
        assertThat(wire, endsWith("\r\n\r\nservlet body"));
        assertThat(events.all(), is(java.util.List.of("trailer=null")));
    }

    @Test
    void theContainerSendsTrailersWithoutTeTrailersAndDropsTheContentLength() throws Exception {
        server.handle("/sized", (req, resp) -> {
            resp.setContentLength(5);
            resp.getOutputStream().print("sized");
        });
        module.on(RQ_BEGIN_REQUEST, (c, p) -> {
            c.getResponse().setTrailer("x-checksum", "abc", true);
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        // Jetty frames the response chunked once a trailer supplier is installed, whatever the request's TE.
        String wire = get("/sized");
        assertThat(wire, containsString("\r\nTransfer-Encoding: chunked\r\n"));
        assertThat(wire, not(containsString("Content-Length")));
        assertThat(wire, endsWith("\r\n5\r\nsized\r\n0\r\nx-checksum: abc\r\n\r\n"));
    }

    @Test
    void modulesSeeTheServletsTrailersAndTheirOwnWinOnTheSameName() throws Exception {
        server.handle("/grpc", (req, resp) -> {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("grpc-status", "2");
            fields.put("grpc-message", "servlet failed");
            fields.put("x-servlet", "kept");
            resp.setTrailerFields(() -> fields);
            events.add("servlet sees own supplier: " + (resp.getTrailerFields().get() == fields));
            resp.getWriter().print("body");
        });
        module.on(RQ_SEND_RESPONSE, (c, p) -> {
            if (finalSend(p)) {
                IHttpResponse response = c.getResponse();
                events.add("module sees grpc-status=" + response.getTrailer("GRPC-STATUS"));
                response.setTrailer("grpc-status", "0", true);
                response.deleteTrailer("grpc-message");
                response.setTrailer("x-servlet", "and module", false);
            }
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        String wire = get("/grpc", "TE: trailers");
        assertThat(wire, endsWith("\r\n0\r\ngrpc-status: 0\r\nx-servlet: kept, and module\r\n\r\n"));
        assertThat(events.all(), is(java.util.List.of("servlet sees own supplier: true", "module sees grpc-status=2")));
    }

    @Test
    void theServletsTrailersAloneReachTheWireAsWithoutTheFilter() throws Exception {
        server.handle("/servlet-trailers", (req, resp) -> {
            resp.setTrailerFields(() -> Map.of("x-servlet", "1"));
            resp.getWriter().print("body");
        });
        start();

        assertThat(get("/servlet-trailers", "TE: trailers"), endsWith("\r\n0\r\nx-servlet: 1\r\n\r\n"));
    }

    @Test
    void aTrailerAfterTheFinalSendChangesNothingOnTheWire() throws Exception {
        module.on(RQ_SEND_RESPONSE, (c, p) -> {
            c.getResponse().setTrailer("x-early", "1", true);
            return RQ_NOTIFICATION_CONTINUE;
        });
        module.on(RQ_LOG_REQUEST, (c, p) -> {
            c.getResponse().setTrailer("x-late", "1", true);
            c.getResponse().deleteTrailer("x-early");
            events.add("late=" + c.getResponse().getTrailer("x-late") + " early=" + c.getResponse().getTrailer("x-early"));
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        assertThat(get("/late"), endsWith("\r\n0\r\nx-early: 1\r\n\r\n"));
        // LOG_REQUEST runs after the response is sent: the client can have it first.
        events.await("late=null early=1");
        assertThat(events.all(), is(java.util.List.of("late=null early=1")));
    }

    @Test
    void theFirstTrailerAfterCommitIsAnIllegalStateNamingWhy() throws Exception {
        server.handle("/streamed", (req, resp) -> {
            resp.getWriter().print("first");
            resp.flushBuffer();
            resp.getWriter().print("second");
        });
        module.on(RQ_SEND_RESPONSE, (c, p) -> {
            if (finalSend(p)) {
                IllegalStateException refused = assertThrows(IllegalStateException.class,
                        () -> c.getResponse().setTrailer("grpc-status", "0", true));
                events.add(refused.getMessage());
            }
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        // Committed without a trailer supplier, the response went out with the container's framing: here, to EOF.
        String wire = get("/streamed");
        assertThat(wire, endsWith("\r\n\r\nfirstsecond"));
        assertThat(events.all().get(0), containsString("committed before any trailer was set"));
    }

    @Test
    void aTrailerInstalledBeforeCommitStillTakesChangesFromAStreamedResponsesLastSend() throws Exception {
        server.handle("/streamed", (req, resp) -> {
            resp.getWriter().print("first");
            resp.flushBuffer();
            resp.getWriter().print("second");
        });
        module.on(RQ_BEGIN_REQUEST, (c, p) -> {
            c.getResponse().setTrailer("grpc-status", "pending", true);
            return RQ_NOTIFICATION_CONTINUE;
        });
        module.on(RQ_SEND_RESPONSE, (c, p) -> {
            if (finalSend(p)) {
                c.getResponse().setTrailer("grpc-status", "0", true);
            }
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        assertThat(get("/streamed"), endsWith("\r\n6\r\nsecond\r\n0\r\ngrpc-status: 0\r\n\r\n"));
    }

    @Test
    void theServletsResetKeepsTheModulesTrailers() throws Exception {
        server.handle("/reset", (req, resp) -> {
            resp.setTrailerFields(() -> Map.of("x-servlet", "dropped"));
            resp.getWriter().print("gone");
            resp.reset();
            resp.getWriter().print("after reset");
        });
        module.on(RQ_BEGIN_REQUEST, (c, p) -> {
            c.getResponse().setTrailer("x-module", "kept", true);
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        String wire = get("/reset");
        assertThat(wire, endsWith("after reset\r\n0\r\nx-module: kept\r\n\r\n"));
    }

    @Test
    void http10HasNoTrailerSectionTheFieldIsKeptForGetTrailer() throws Exception {
        module.on(RQ_BEGIN_REQUEST, (c, p) -> {
            c.getResponse().setTrailer("grpc-status", "0", true);
            events.add("kept=" + c.getResponse().getTrailer("grpc-status"));
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        String wire = exchange("GET /old HTTP/1.0\r\n\r\n");
        assertThat(wire, containsString("\r\nContent-Length: 12\r\n"));
        assertThat(wire, endsWith("\r\n\r\nservlet body"));
        assertThat(events.all(), is(java.util.List.of("kept=0")));
    }

    @Test
    void fieldsATrailerMustNotCarryAndBadSyntaxAreRefusedNamingTheField() throws Exception {
        module.on(RQ_BEGIN_REQUEST, (c, p) -> {
            IHttpResponse response = c.getResponse();
            for (String name : new String[] {"Content-Length", "transfer-encoding", "Host", "Content-Type",
                    "Cache-Control", "Authorization", "Trailer", ":status", "bad name"}) {
                events.add(assertThrows(IllegalArgumentException.class,
                        () -> response.setTrailer(name, "1", true)).getMessage());
            }
            events.add(assertThrows(IllegalArgumentException.class,
                    () -> response.setTrailer("x-split", "a\r\nb", true)).getMessage());
            events.add("nothing set: " + (response.getTrailer("Content-Length") == null));
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        String wire = get("/refused");
        assertThat(wire, containsString("\r\nContent-Length: 12\r\n"));
        java.util.List<String> messages = events.all();
        assertThat(messages.get(0), containsString("trailer 'Content-Length' is not allowed in a trailer section"));
        assertThat(messages.get(1), containsString("'transfer-encoding'"));
        assertThat(messages.get(2), containsString("'Host'"));
        assertThat(messages.get(3), containsString("'Content-Type'"));
        assertThat(messages.get(6), containsString("'Trailer'"));
        assertThat(messages.get(7), containsString("header name ':status'"));
        assertThat(messages.get(8), containsString("header name 'bad name'"));
        assertThat(messages.get(9), containsString("trailer 'x-split' value"));
        assertThat(messages.get(10), is("nothing set: true"));
    }
}
