package io.iisport.filter;

import static io.iisport.httpserv.RequestNotification.RQ_BEGIN_REQUEST;
import static io.iisport.httpserv.RequestNotification.RQ_SEND_RESPONSE;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_FINISH_REQUEST;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.iisport.httpserv.HttpDataChunk;
import io.iisport.httpserv.ISendResponseProvider;
import io.iisport.spi.ConnectionBridge;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the filter does on the wire, through a real ServerConnector and raw sockets, without the Jetty extension. */
class WireTest {
    private static final String GET = "GET /page HTTP/1.1\r\nHost: localhost\r\n\r\n";

    private final AtomicInteger servletCalls = new AtomicInteger();
    private TestServer server;
    private Events events;
    private Scripted.Script module;
    private IisModuleFilter filter;

    @BeforeEach
    void setUp() {
        server = new TestServer();
        events = server.events;
        module = server.scripted("M");
        server.handle("/*", (req, resp) -> {
            servletCalls.incrementAndGet();
            resp.setContentType("text/plain");
            resp.getWriter().print("servlet body");
        });
        filter = new IisModuleFilter();
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private void start(String... extraParams) throws Exception {
        server.scriptedFilter(filter, module, extraParams);
        server.start();
    }

    private static String readAll(InputStream in) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void outputClearedInOnSendResponseNeverReachesTheWire() throws Exception {
        module.on(RQ_SEND_RESPONSE, (c, p) -> {
            c.getResponse().clear();
            c.getResponse().writeEntityChunks(HttpDataChunk.fromString("module body", StandardCharsets.US_ASCII));
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        try (Socket socket = server.socket()) {
            TestServer.send(socket, GET);
            HttpTester.Response response = TestServer.readResponse(socket.getInputStream());
            assertThat(response.getStatus(), is(200));
            assertThat(response.getContent(), is("module body"));
            // The connection stays usable: a second request on it is served.
            TestServer.send(socket, GET);
            assertThat(TestServer.readResponse(socket.getInputStream()).getContent(), is("module body"));
        }
    }

    @Test
    void finishRequestSkipsTheServletOnTheWire() throws Exception {
        module.on(RQ_BEGIN_REQUEST, (c, p) -> {
            c.getResponse().setStatus(403, "Forbidden", 6);
            c.getResponse().writeEntityChunks(HttpDataChunk.fromString("denied", StandardCharsets.US_ASCII));
            return RQ_NOTIFICATION_FINISH_REQUEST;
        });
        start();

        try (Socket socket = server.socket()) {
            TestServer.send(socket, GET);
            HttpTester.Response response = TestServer.readResponse(socket.getInputStream());
            assertThat(response.getStatus(), is(403));
            assertThat(response.getContent(), is("denied"));
        }
        assertThat(servletCalls.get(), is(0));
    }

    @Test
    void theBufferLimitSwitchesToChunkedStreamingOnTheWire() throws Exception {
        server.handle("/big", (req, resp) -> {
            byte[] block = new byte[1000];
            java.util.Arrays.fill(block, (byte) 'x');
            for (int i = 0; i < 100; i++) {
                resp.getOutputStream().write(block);
            }
        });
        module.on(RQ_SEND_RESPONSE, (c, p) -> {
            events.add(((ISendResponseProvider) p).getHeadersBeingSent() ? "headers" : "data");
            return RQ_NOTIFICATION_CONTINUE;
        });
        start("responseBufferLimit", "4096");

        try (Socket socket = server.socket()) {
            TestServer.send(socket, "GET /big HTTP/1.1\r\nHost: localhost\r\n\r\n");
            HttpTester.Response response = TestServer.readResponse(socket.getInputStream());
            assertThat(response.get("Transfer-Encoding"), is("chunked"));
            assertThat(response.get("Content-Length"), nullValue());
            assertThat(response.getContentBytes().length, is(100_000));
        }
        List<String> sends = events.all();
        assertThat(sends.get(0), is("headers"));
        assertThat(sends.subList(1, sends.size()).contains("headers"), is(false));
        assertThat(sends.size() > 10, is(true));
    }

    @Test
    void belowTheLimitTheResponseHasAContentLength() throws Exception {
        start("responseBufferLimit", "4096");
        try (Socket socket = server.socket()) {
            TestServer.send(socket, GET);
            HttpTester.Response response = TestServer.readResponse(socket.getInputStream());
            assertThat(response.get("Content-Length"), is("12"));
            assertThat(response.get("Transfer-Encoding"), nullValue());
        }
    }

    @Test
    void setNeedDisconnectWithoutTheExtensionSendsConnectionCloseThenFin() throws Exception {
        module.on(RQ_BEGIN_REQUEST, (c, p) -> {
            c.getResponse().setNeedDisconnect();
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        try (Socket socket = server.socket()) {
            // Two pipelined requests: the second must never run.
            TestServer.send(socket, GET + GET);
            InputStream in = socket.getInputStream();
            HttpTester.Response response = TestServer.readResponse(in);
            assertThat(response.getStatus(), is(200));
            assertThat(response.get("Connection"), is("close"));
            assertThat(response.getContent(), is("servlet body"));
            assertThat(in.read(), is(-1));
        }
        assertThat(servletCalls.get(), is(1));
        assertThat(filter.getDegradedCallCount(), is(0L));
    }

    @Test
    void theDisconnectFlagOfOnSendResponseDisconnectsLikeSetNeedDisconnect() throws Exception {
        module.on(RQ_SEND_RESPONSE, (c, p) -> {
            ISendResponseProvider send = (ISendResponseProvider) p;
            send.setFlags(send.getFlags() | ISendResponseProvider.HTTP_SEND_RESPONSE_FLAG_DISCONNECT);
            events.add("flags=" + send.getFlags());
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        try (Socket socket = server.socket()) {
            TestServer.send(socket, GET);
            InputStream in = socket.getInputStream();
            HttpTester.Response response = TestServer.readResponse(in);
            assertThat(response.get("Connection"), is("close"));
            assertThat(in.read(), is(-1));
        }
        assertEquals(List.of("flags=" + ISendResponseProvider.HTTP_SEND_RESPONSE_FLAG_DISCONNECT), events.all());
    }

    @Test
    void setNeedDisconnectAfterCommitWithoutTheExtensionIsCountedAsDegraded() throws Exception {
        server.handle("/streamed", (req, resp) -> {
            resp.getWriter().print("first part");
            resp.flushBuffer();
            events.add("committed=" + resp.isCommitted());
            ((io.iisport.httpserv.IHttpResponse) resp).setNeedDisconnect();
            resp.getWriter().print(", second part");
        });
        start("responseBufferLimit", "0");

        try (Socket socket = server.socket()) {
            TestServer.send(socket, "GET /streamed HTTP/1.1\r\nHost: localhost\r\n\r\n");
            HttpTester.Response response = TestServer.readResponse(socket.getInputStream());
            assertThat(response.getContent(), is("first part, second part"));
            assertThat(response.get("Connection"), nullValue());
            // Degraded, as documented: the connection stays open and serves the next request.
            TestServer.send(socket, GET);
            assertThat(TestServer.readResponse(socket.getInputStream()).getContent(), is("servlet body"));
        }
        assertThat(events.all(), is(List.of("committed=true")));
        assertThat(filter.getDegradedCallCount(), is(1L));
    }

    @Test
    void aResetWithoutTheExtensionEndsAsAnEmpty500WithConnectionClose() throws Exception {
        module.on(RQ_SEND_RESPONSE, (c, p) -> {
            c.getResponse().clear();
            c.getResponse().writeEntityChunks(HttpDataChunk.fromString("Status: Before Reset\n", StandardCharsets.US_ASCII));
            c.getResponse().resetConnection();
            c.getResponse().writeEntityChunks(HttpDataChunk.fromString("Status: After Reset\n", StandardCharsets.US_ASCII));
            return RQ_NOTIFICATION_FINISH_REQUEST;
        });
        start();

        try (Socket socket = server.socket()) {
            TestServer.send(socket, GET + GET);
            InputStream in = socket.getInputStream();
            String wire = readAll(in);
            assertThat(wire, containsString("HTTP/1.1 500"));
            assertThat(wire, containsString("Connection: close"));
            assertThat(wire, not(containsString("Status:")));
            assertThat(wire, not(containsString("servlet body")));
            assertThat(wire.indexOf("HTTP/1.1", 1), is(-1));
        }
        assertThat(servletCalls.get(), is(1));
        assertThat(filter.getDegradedCallCount(), is(1L));
    }

    @Test
    void aResetOfACommittedResponseWithoutTheExtensionAbortsIt() throws Exception {
        server.handle("/streamed", (req, resp) -> {
            resp.getWriter().print("first part");
            resp.flushBuffer();
            ((io.iisport.httpserv.IHttpResponse) resp).resetConnection();
            resp.getWriter().print(", never sent");
            resp.flushBuffer();
        });
        start("responseBufferLimit", "0");

        try (Socket socket = server.socket()) {
            TestServer.send(socket, "GET /streamed HTTP/1.1\r\nHost: localhost\r\n\r\n" + GET);
            String wire;
            try {
                wire = readAll(socket.getInputStream());
            } catch (java.net.SocketException reset) {
                wire = "";
            }
            assertThat(wire, not(containsString("never sent")));
            // No terminal chunk: the client cannot take the response as complete.
            assertThat(wire.endsWith("0\r\n\r\n"), is(false));
        }
        assertThat(servletCalls.get(), is(0));
        assertThat(filter.getDegradedCallCount(), is(1L));
    }

    /** A stand-in for a container extension: publishes the bridge attributes and records what the filter asks. */
    private Filter fakeExtension() {
        return (request, response, chain) -> {
            request.setAttribute(ConnectionBridge.DISCONNECT_ATTRIBUTE, (Runnable) () -> events.add("bridge disconnect"));
            request.setAttribute(ConnectionBridge.RESET_ATTRIBUTE, (IntConsumer) code -> events.add("bridge reset " + code));
            request.setAttribute(ConnectionBridge.CLOSE_ATTRIBUTE, (Runnable) () -> events.add("bridge close"));
            chain.doFilter(request, response);
        };
    }

    @Test
    void withAnExtensionTheFilterAsksItThroughTheBridgeAndDoesNotDegrade() throws Exception {
        server.filter(fakeExtension());
        server.handle("/reset", (req, resp) -> {
            io.iisport.httpserv.IHttpResponse r = (io.iisport.httpserv.IHttpResponse) resp;
            r.setNeedDisconnect();
            r.setNeedGoAway();
            r.resetStream(0x2);
            r.resetConnection();
            r.closeConnection();
            resp.getWriter().print("discarded");
        });
        server.handle("/disconnect", (req, resp) -> {
            ((io.iisport.httpserv.IHttpResponse) resp).setNeedDisconnect();
            resp.getWriter().print("kept");
        });
        server.handle("/close", (req, resp) -> ((io.iisport.httpserv.IHttpResponse) resp).closeConnection());
        server.handle("/bad-code", (req, resp) -> {
            try {
                ((io.iisport.httpserv.IHttpResponse) resp).resetStream(-1);
            } catch (IllegalArgumentException e) {
                events.add("rejected: " + e.getMessage());
            }
        });
        start();

        HttpTester.Response disconnect = server.get("/disconnect");
        assertThat(disconnect.getContent(), is("kept"));
        server.get("/reset");
        server.get("/close");
        server.get("/bad-code");
        assertEquals(List.of("bridge disconnect", "bridge disconnect", "bridge reset 2", "bridge close",
                "rejected: HTTP/2 error code must be 0 or more, not -1"), events.all());
        assertThat(filter.getDegradedCallCount(), is(0L));
    }

    @Test
    void theDegradedCallCountIsPublishedToTheServletContext() throws Exception {
        module.on(RQ_BEGIN_REQUEST, (c, p) -> {
            c.getResponse().closeConnection();
            return RQ_NOTIFICATION_FINISH_REQUEST;
        });
        start();

        HttpTester.Response response = server.get("/page");
        assertThat(response.getStatus(), is(HttpServletResponse.SC_INTERNAL_SERVER_ERROR));
        Object counter = server.context.getServletContext().getAttribute(
                IisModuleFilter.class.getName() + ".iis-modules-0.degradedCalls");
        assertThat(((java.util.function.LongSupplier) counter).getAsLong(), is(1L));
    }
}
