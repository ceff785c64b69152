package io.iisport.e2e;

import static io.iisport.httpserv.RequestNotification.RQ_BEGIN_REQUEST;
import static io.iisport.httpserv.RequestNotification.RQ_SEND_RESPONSE;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
import static io.iisport.test.http2.Http2FrameClient.DATA;
import static io.iisport.test.http2.Http2FrameClient.GOAWAY;
import static io.iisport.test.http2.Http2FrameClient.HEADERS;
import static io.iisport.test.http2.Http2FrameClient.RST_STREAM;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import io.iisport.filter.IisModuleFilter;
import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.ISendResponseProvider;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotificationStatus;
import io.iisport.test.http2.Http2FrameClient;
import io.iisport.test.http2.Http2FrameClient.Frame;
import io.iisport.test.http2.Http2FrameClient.Transport;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.http2.Http2Protocol;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A module's {@code resetConnection()} on Tomcat without {@code IisportConnectionValve}, degraded as
 * {@code IisModuleFilter} documents, as the client sees it on a real connector (HTTP/1.1 and h2c with prior
 * knowledge through Tomcat's {@link Http2Protocol}):
 * <ul>
 * <li>before the response is committed it becomes an empty 500; over HTTP/1.1 with {@code Connection: close}, but
 * over HTTP/2 without it: RFC 9113 §8.2.2 forbids connection-specific fields, and a client that checks (curl,
 * nghttp) fails the stream with PROTOCOL_ERROR. The header block is decoded here leniently ({@link Hpack}), so a
 * {@code connection} field shows as such instead of failing the decoder, and the session must carry on. Tomcat adds
 * {@code Connection: close} to any HTTP/1.1 500 by itself, so a plain filter outside the module filter records what
 * the module filter set, which the wire cannot tell apart;</li>
 * <li>after the response is committed the response is aborted: the client gets the flushed chunk and then the end of
 * the connection, never the terminating chunk. The filter aborts it with Tomcat's own {@code CloseNowException},
 * which Tomcat logs at DEBUG: any other exception out of the filter is logged by {@code StandardWrapperValve} at
 * SEVERE ("Servlet.service() for servlet [...] threw exception") on every request, where the degradation is to log
 * one WARNING per kind.</li>
 * </ul>
 * The two filters have their own names, so each degradation's single WARNING belongs to one test. Tomcat is the one
 * src-test runs (10.1); Tomcat 11 puts the same on the wire.
 */
class TomcatDegradedResetTest {
    private static final String BEFORE_COMMIT = "reset-before-commit";
    private static final String AFTER_COMMIT = "reset-after-commit";
    /** The fields RFC 9113 §8.2.2 forbids in HTTP/2 (besides {@code te} other than {@code trailers}). */
    private static final Set<String> CONNECTION_SPECIFIC = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade");
    private static final String FIRST = "first chunk";
    /** The request's protocol and the response's Connection header once the module filter returned, per request. */
    private static final BlockingQueue<String> CONNECTION_SET = new LinkedBlockingQueue<>();

    private static LogCapture log;
    private static Path baseDir;
    private static Tomcat tomcat;
    private static Context context;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        log = new LogCapture();
        baseDir = Files.createTempDirectory("iisport-tomcat-degraded");
        tomcat = TomcatTest.newTomcat(baseDir);
        // h2c with prior knowledge (and by Upgrade) on the same connector; no IisportConnectionValve.
        tomcat.getConnector().addUpgradeProtocol(new Http2Protocol());
        context = tomcat.addContext("", baseDir.toString());
        // Outside the module filter: what that filter left in the response's Connection header, since Tomcat adds
        // Connection: close to a 500 over HTTP/1.1 by itself, so the wire alone cannot tell the filter's from it.
        FilterDef recorder = new FilterDef();
        recorder.setFilterName("connection-recorder");
        recorder.setFilter(new HttpFilter() {
            @Override
            protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
                    throws IOException, ServletException {
                chain.doFilter(req, res);
                CONNECTION_SET.add(req.getProtocol() + " " + res.getHeader("Connection"));
            }
        });
        context.addFilterDef(recorder);
        FilterMap recorderMap = new FilterMap();
        recorderMap.setFilterName("connection-recorder");
        recorderMap.addURLPattern("/begin/*");
        context.addFilterMap(recorderMap);
        filter(context, BEFORE_COMMIT, "/begin/*", ResetAtBeginRequest.class);
        filter(context, AFTER_COMMIT, "/committed/*", ResetAfterCommit.class);
        servlet(context, "begin", "/begin/*", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().print("not reset");
            }
        });
        servlet(context, "committed", "/committed/*", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("text/plain");
                resp.getOutputStream().write(FIRST.getBytes(StandardCharsets.US_ASCII));
                resp.flushBuffer();
                resp.getOutputStream().write("second chunk".getBytes(StandardCharsets.US_ASCII));
            }
        });
        servlet(context, "ok", "/ok", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().print("ok");
            }
        });
        tomcat.start();
        port = tomcat.getConnector().getLocalPort();
    }

    private static void filter(Context context, String name, String pattern, Class<? extends RegisterModule> module) {
        TomcatTest.addModuleFilter(context, name, new IisModuleFilter(), name + "=" + module.getName(), pattern,
                DispatcherType.REQUEST);
    }

    private static void servlet(Context context, String name, String pattern, HttpServlet servlet) {
        Tomcat.addServlet(context, name, servlet);
        context.addServletMappingDecoded(pattern, name);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            TomcatTest.stopAndDelete(tomcat, baseDir);
        } finally {
            if (log != null) {
                log.close();
            }
        }
    }

    @Test
    void beforeCommitOverH2cTheStreamGetsAnEmpty500WithoutConnectionAndTheSessionCarriesOn() throws Exception {
        CONNECTION_SET.clear();
        try (Http2FrameClient client = Http2FrameClient.connect(Transport.PRIOR_KNOWLEDGE, port, null,
                Wire.TIMEOUT_SECONDS)) {
            Hpack hpack = new Hpack();
            client.get(1, "/begin/reset");
            List<Frame> frames = new ArrayList<>(client.readUntil("the end of stream 1",
                    f -> f.stream() == 1 && (f.isEndStream() || f.type() == RST_STREAM) || f.type() == GOAWAY));
            Frame headers = first(frames, HEADERS, 1);
            List<Hpack.Field> fields = hpack.decode(frames, headers);
            assertThat(fields.toString(), fields.get(0), is(new Hpack.Field(":status", "500")));
            for (Hpack.Field field : fields) {
                assertThat("connection-specific field in " + fields,
                        CONNECTION_SPECIFIC.contains(field.name().toLowerCase(Locale.ROOT)), is(false));
                assertThat("upper case field name in " + fields, field.name(),
                        is(field.name().toLowerCase(Locale.ROOT)));
            }
            assertThat(fields, hasItem(new Hpack.Field("content-length", "0")));
            Frame last = frames.get(frames.size() - 1);
            assertThat("the stream ends with END_STREAM: " + frames, last.stream() == 1 && last.isEndStream(),
                    is(true));
            assertThat("no body: " + frames, frames.stream()
                    .anyMatch(f -> f.type() == DATA && f.stream() == 1 && f.payload().length > 0), is(false));

            // The session carries on: the next stream on the same connection is served.
            client.get(3, "/ok");
            frames.addAll(client.readUntil("the end of stream 3",
                    f -> f.stream() == 3 && (f.isEndStream() || f.type() == RST_STREAM) || f.type() == GOAWAY));
            List<Hpack.Field> okFields = hpack.decode(frames, first(frames, HEADERS, 3));
            assertThat(okFields.toString(), okFields.get(0), is(new Hpack.Field(":status", "200")));
            assertThat(body(frames, 3), is("ok"));
            assertThat("no RST_STREAM nor GOAWAY: " + frames,
                    frames.stream().filter(f -> f.type() == RST_STREAM || f.type() == GOAWAY).toList(), is(empty()));
        }
        assertThat(CONNECTION_SET.poll(Wire.TIMEOUT_SECONDS, TimeUnit.SECONDS), is("HTTP/2.0 null"));
    }

    @Test
    void beforeCommitOverHttp1TheResponseIsStillAnEmpty500WithConnectionClose() throws Exception {
        CONNECTION_SET.clear();
        try (Socket socket = Wire.connect(port)) {
            Wire.send(socket, Wire.get("/begin/reset") + Wire.get("/ok"));
            String wire = Wire.readToEof(socket.getInputStream());
            assertThat(wire, startsWith("HTTP/1.1 500 "));
            assertThat(wire, containsString("\r\nConnection: close\r\n"));
            assertThat(wire, containsString("\r\nContent-Length: 0\r\n"));
            // The pipelined request is not answered: the connection closed after the 500.
            assertThat(Wire.count(wire, "HTTP/1.1 "), is(1));
        }
        // The filter's own, not only the one Tomcat adds to any 500 (Http11Processor.statusDropsConnection).
        assertThat(CONNECTION_SET.poll(Wire.TIMEOUT_SECONDS, TimeUnit.SECONDS), is("HTTP/1.1 close"));
    }

    @Test
    void afterCommitOverHttp1TheResponseIsAbortedWithoutTheLastChunkAndWithoutASevereLog() throws Exception {
        LongSupplier degraded = (LongSupplier) context.getServletContext()
                .getAttribute("io.iisport.filter.IisModuleFilter." + AFTER_COMMIT + ".degradedCalls");
        long before = degraded.getAsLong();
        int logMark = log.text().length();
        for (int i = 0; i < 2; i++) {
            try (Socket socket = Wire.connect(port)) {
                Wire.send(socket, Wire.get("/committed/reset"));
                String wire = Wire.readToEofOrReset(socket.getInputStream());
                assertThat(wire, startsWith("HTTP/1.1 200 "));
                int bodyStart = wire.indexOf("\r\n\r\n");
                assertThat(wire, bodyStart > 0, is(true));
                String head = wire.substring(0, bodyStart + 2);
                assertThat(head, containsString("\r\nTransfer-Encoding: chunked\r\n"));
                // The flushed chunk, then the end: no second chunk, no terminating 0 chunk.
                assertThat(wire.substring(bodyStart + 4),
                        is(Integer.toHexString(FIRST.length()) + "\r\n" + FIRST + "\r\n"));
            }
        }
        assertThat(degraded.getAsLong(), is(before + 2));
        // Logged during the reset, before the abort; Tomcat's own log of the exception comes before it closes.
        log.awaitLine("WARNING", "iisport filter '" + AFTER_COMMIT + "': resetConnection()/resetStream() cannot "
                + "reset the connection");
        String logged = log.text().substring(logMark);
        List<String> lines = logged.lines().toList();
        assertThat(logged, lines.stream().filter(line -> line.contains("Servlet.service()")).toList(), is(empty()));
        assertThat(logged, lines.stream()
                .filter(line -> line.startsWith("SEVERE org.apache.catalina")).toList(), is(empty()));
        assertThat(logged, lines.stream().filter(line -> line.contains("iisport filter '" + AFTER_COMMIT + "'"))
                .map(line -> line.substring(0, line.indexOf(' '))).toList(), contains("WARNING"));
        assertThat(logged, not(containsString("CloseNowException")));
    }

    private static Frame first(List<Frame> frames, int type, int stream) {
        return frames.stream().filter(f -> f.type() == type && f.stream() == stream).findFirst()
                .orElseThrow(() -> new AssertionError("no frame of type " + type + " on stream " + stream + ": "
                        + frames));
    }

    private static String body(List<Frame> frames, int stream) {
        StringBuilder body = new StringBuilder();
        frames.stream().filter(f -> f.type() == DATA && f.stream() == stream)
                .forEach(f -> body.append(new String(f.payload(), StandardCharsets.UTF_8)));
        return body.toString();
    }


    /** Calls {@code resetConnection()} in BEGIN_REQUEST, before anything is sent. */
    public static final class ResetAtBeginRequest implements RegisterModule {
        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
            moduleInfo.setRequestNotifications(() -> new CHttpModule() {
                @Override
                public RequestNotificationStatus onBeginRequest(IHttpContext httpContext,
                        IHttpEventProvider provider) {
                    httpContext.getResponse().resetConnection();
                    return RQ_NOTIFICATION_CONTINUE;
                }
            }, RQ_BEGIN_REQUEST, 0);
        }
    }

    /** Calls {@code resetConnection()} in SEND_RESPONSE once the headers went out: the response is committed. */
    public static final class ResetAfterCommit implements RegisterModule {
        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
            moduleInfo.setRequestNotifications(() -> new CHttpModule() {
                @Override
                public RequestNotificationStatus onSendResponse(IHttpContext httpContext,
                        ISendResponseProvider provider) {
                    if (!provider.getHeadersBeingSent()) {
                        httpContext.getResponse().resetConnection();
                    }
                    return RQ_NOTIFICATION_CONTINUE;
                }
            }, RQ_SEND_RESPONSE, 0);
        }
    }
}
