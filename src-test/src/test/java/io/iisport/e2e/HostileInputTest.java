package io.iisport.e2e;

import static io.iisport.httpserv.RequestNotification.RQ_BEGIN_REQUEST;
import static io.iisport.httpserv.RequestNotification.RQ_SEND_RESPONSE;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import io.iisport.filter.Events;
import io.iisport.filter.IisModuleFilter;
import io.iisport.filter.Scripted;
import io.iisport.filter.TestServer;
import io.iisport.jetty.IisportConnectionCustomizer;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile input against the filter with the Jetty extension: requests smuggled behind a disconnect or a reset
 * never run, header injection is refused, enormous header counts and invalid reset codes do not hurt the server.
 */
class HostileInputTest {
    private final AtomicInteger smuggledRuns = new AtomicInteger();
    private TestServer server;
    private Events events;
    private Scripted.Script module;

    @BeforeEach
    void setUp() throws Exception {
        server = new TestServer();
        events = server.events;
        module = server.scripted("M");
        server.handle("/smuggled", (req, resp) -> {
            smuggledRuns.incrementAndGet();
            resp.getWriter().print("smuggled request ran");
        });
        server.handle("/ok", (req, resp) -> resp.getWriter().print("ok"));
        server.handle("/disconnect", (req, resp) -> {
            resp.getWriter().print("disconnect body");
            ((io.iisport.httpserv.IHttpResponse) resp).setNeedDisconnect();
        });
        server.handle("/reset", (req, resp) -> ((io.iisport.httpserv.IHttpResponse) resp).resetConnection());
        server.handle("/streamed-disconnect", (req, resp) -> {
            resp.getWriter().print("first");
            resp.flushBuffer();
            ((io.iisport.httpserv.IHttpResponse) resp).setNeedDisconnect();
            resp.getWriter().print("second");
        });
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private void start(String... params) throws Exception {
        server.scriptedFilter(new IisModuleFilter(), module, params);
        new IisportConnectionCustomizer().install(server.server);
        server.start();
    }

    private static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";

    static List<Named<String>> smuggling() {
        return List.of(
                Named.of("pipelined after a disconnect", "GET /disconnect HTTP/1.1\r\nHost: x\r\n\r\n" + SMUGGLED),
                Named.of("pipelined after a disconnect of a streamed response",
                        "GET /streamed-disconnect HTTP/1.1\r\nHost: x\r\n\r\n" + SMUGGLED),
                Named.of("pipelined after a reset", "GET /reset HTTP/1.1\r\nHost: x\r\n\r\n" + SMUGGLED),
                Named.of("hidden in the body of a disconnect", "POST /disconnect HTTP/1.1\r\nHost: x\r\nContent-Length: "
                        + SMUGGLED.length() + "\r\n\r\n" + SMUGGLED + SMUGGLED),
                Named.of("chunked body then pipelined after a reset", "POST /reset HTTP/1.1\r\nHost: x\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" + SMUGGLED),
                Named.of("Content-Length and Transfer-Encoding together", "POST /disconnect HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED),
                Named.of("HTTP/1.0 keep-alive after a disconnect", "GET /disconnect HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                        + "GET /smuggled HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    }

    @ParameterizedTest
    @MethodSource("smuggling")
    void noRequestBehindADisconnectOrAResetEverRuns(String attack) throws Exception {
        start();
        try (Socket socket = server.socket()) {
            TestServer.send(socket, attack);
            String wire;
            try {
                wire = Wire.readToEof(socket.getInputStream());
            } catch (java.net.SocketException reset) {
                wire = "";
            }
            assertThat(wire, not(containsString("smuggled request ran")));
        }
        try (Socket socket = server.socket()) {
            TestServer.send(socket, "GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(TestServer.readResponse(socket.getInputStream()).getContent(), is("ok"));
        }
        assertThat(smuggledRuns.get(), is(0));
    }

    @Test
    void headerInjectionThroughModulesIsRefusedAndTheResponseIsUntouched() throws Exception {
        module.on(RQ_SEND_RESPONSE, (c, p) -> {
            for (String[] header : new String[][] {
                {"X-Split", "a\r\nSet-Cookie: session=stolen"}, {"X-Split", "a\nLocation: /evil"},
                {"X-Nul", "a\u0000b"}, {"Bad\r\nName", "v"}, {"Bad Name", "v"}, {"", "v"}, {"X:Colon", "v"}}) {
                try {
                    c.getResponse().setHeader(header[0], header[1], true);
                    events.add("accepted " + header[0]);
                } catch (IllegalArgumentException e) {
                    events.add("refused");
                }
            }
            try {
                c.getResponse().redirect("/x\r\nSet-Cookie: a=b", true, false);
            } catch (IllegalArgumentException e) {
                events.add("refused");
            }
            try {
                c.getRequest().setHeader("X-Forwarded-For", "1.2.3.4\r\nX-Evil: 1", true);
            } catch (IllegalArgumentException e) {
                events.add("refused");
            }
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        HttpTester.Response response = server.get("/ok");
        assertThat(response.getStatus(), is(200));
        assertThat(response.getContent(), is("ok"));
        assertThat(response.get("Set-Cookie"), is((String) null));
        assertThat(response.get("Location"), is((String) null));
        assertThat(events.all(), is(java.util.Collections.nCopies(9, "refused")));
    }

    @Test
    void anEnormousNumberOfHeadersFailsThatResponseOnlyAndTheServerCarriesOn() throws Exception {
        module.on(RQ_BEGIN_REQUEST, (c, p) -> {
            if (c.getRequest().getRawUrl().equals("/ok?many")) {
                for (int i = 0; i < 100_000; i++) {
                    c.getResponse().setHeader("X-Many", "value-" + i, false);
                }
                c.getResponse().setHeader("X-Huge", "x".repeat(1024 * 1024), true);
                events.add("headers set");
            }
            return RQ_NOTIFICATION_CONTINUE;
        });
        // Jetty answers a response whose headers overflow its buffer with a 500 once the connection's idle timeout
        // expires (bare Jetty does the same): keep that short.
        server.connector.setIdleTimeout(2000);
        start();

        try (Socket socket = server.socket()) {
            TestServer.send(socket, "GET /ok?many HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            String wire;
            try {
                wire = Wire.readToEof(socket.getInputStream());
            } catch (java.net.SocketException reset) {
                wire = "";
            }
            // An error, never the 100,000 headers.
            assertThat(wire, not(containsString("value-99999")));
            assertThat(wire.isEmpty() || wire.startsWith("HTTP/1.1 500"), is(true));
        }
        events.await("headers set");
        try (Socket socket = server.socket()) {
            TestServer.send(socket, "GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(TestServer.readResponse(socket.getInputStream()).getContent(), is("ok"));
        }
    }

    @Test
    void invalidResetErrorCodesAreRefusedAndLargeOnesAccepted() throws Exception {
        module.on(RQ_BEGIN_REQUEST, (c, p) -> {
            for (int code : new int[] {-1, Integer.MIN_VALUE}) {
                try {
                    c.getResponse().resetStream(code);
                    events.add("accepted " + code);
                } catch (IllegalArgumentException e) {
                    events.add("refused " + code);
                }
            }
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        assertThat(server.get("/ok").getContent(), is("ok"));
        assertThat(events.all(), is(List.of("refused -1", "refused " + Integer.MIN_VALUE)));
    }
}
