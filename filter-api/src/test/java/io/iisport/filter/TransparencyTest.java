package io.iisport.filter;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Regression tests for servlet behaviours the module filter once changed: each is what the container does without
 * the filter, with a module (the {@link Recorder}) subscribed to every notification including SEND_RESPONSE.
 */
class TransparencyTest {
    private static final String RECORDER = "R=" + Recorder.class.getName();

    private TestServer server;
    private Events events;
    private Scripted.Script module;

    @BeforeEach
    void setUp() {
        server = new TestServer();
        events = server.events;
        module = server.scripted("M");
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private long count(String event) {
        return events.all().stream().filter(event::equals).count();
    }

    @ParameterizedTest(name = "responseBufferLimit={0}")
    @CsvSource({"4194304", "0"})
    void eachFlushedEventReachesTheClientWhileTheServletStillRuns(String limit) throws Exception {
        CountDownLatch firstRead = new CountDownLatch(1);
        server.handle("/sse", (req, resp) -> {
            resp.setContentType("text/event-stream");
            resp.getWriter().print("data: one\n\n");
            resp.getWriter().flush();
            // The servlet waits for the client to have read the first event: a flush that did not send would
            // time out here.
            events.add("first event read=" + firstRead.await(5, TimeUnit.SECONDS));
            resp.getWriter().print("data: two\n\n");
            resp.flushBuffer();
        });
        server.moduleFilter("modules", RECORDER, "responseBufferLimit", limit);
        server.start();

        try (Socket socket = server.socket()) {
            TestServer.send(socket, "GET /sse HTTP/1.1\r\nHost: localhost\r\n\r\n");
            InputStream in = socket.getInputStream();
            String head = readUntil(in, "data: one\n\n");
            assertThat(head, containsString("Transfer-Encoding: chunked"));
            firstRead.countDown();
            readUntil(in, "data: two\n\n");
        }
        events.await("R:RQ_END_REQUEST");
        assertThat(events.all().contains("first event read=true"), is(true));
    }

    private static String readUntil(InputStream in, String wanted) throws IOException {
        StringBuilder read = new StringBuilder();
        while (read.indexOf(wanted) < 0) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("connection ended before '" + wanted + "'; read: " + read);
            }
            read.append((char) b);
        }
        return read.toString();
    }

    @ParameterizedTest(name = "{0} bytes, responseBufferLimit={1}, Content-Length set: {2}")
    @CsvSource({"1048576, 4194304, true", "6000000, 4194304, false", "300000, 0, true", "200000, 65536, false"})
    void nonBlockingOutputDeliversEveryByteAndEndsThePipelineOnce(int size, String limit, boolean declareLength)
            throws Exception {
        server.handle("/nb", (req, resp) -> {
            if (declareLength) {
                resp.setContentLength(size);
            }
            AsyncContext async = req.startAsync();
            ServletOutputStream out = resp.getOutputStream();
            out.setWriteListener(new WriteListener() {
                private int written;

                @Override
                public void onWritePossible() throws IOException {
                    while (out.isReady()) {
                        if (written == size) {
                            async.complete();
                            return;
                        }
                        byte[] chunk = new byte[Math.min(64 * 1024, size - written)];
                        Arrays.fill(chunk, (byte) ('a' + (written / (64 * 1024)) % 26));
                        out.write(chunk);
                        written += chunk.length;
                    }
                }

                @Override
                public void onError(Throwable t) {
                    events.add("write error " + t);
                }
            });
        });
        server.moduleFilter("modules", RECORDER, "responseBufferLimit", limit);
        server.start();

        try (Socket socket = server.socket()) {
            TestServer.send(socket, "GET /nb HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            HttpTester.Response response = TestServer.readResponse(socket.getInputStream());
            byte[] body = response.getContentBytes();
            assertThat(body.length, is(size));
            for (int i = 0; i < size; i += 64 * 1024) {
                assertThat("byte " + i, body[i], is((byte) ('a' + (i / (64 * 1024)) % 26)));
            }
            if (declareLength) {
                assertThat(response.get("Content-Length"), is(Integer.toString(size)));
            }
        }
        events.await("R:RQ_END_REQUEST");
        assertThat(count("R:RQ_LOG_REQUEST"), is(1L));
        assertThat(count("R:RQ_END_REQUEST"), is(1L));
    }

    @Test
    void anAsyncListenerThatCompletesThroughItsEventSendsWhatItWrote() throws Exception {
        server.handle("/ticker", (req, resp) -> {
            AsyncContext async = req.startAsync();
            async.setTimeout(100);
            resp.getWriter().print("tick,");
            req.getAsyncContext().addListener(new AsyncListener() {
                @Override
                public void onTimeout(AsyncEvent event) throws IOException {
                    event.getAsyncContext().getResponse().getWriter().print("timed out");
                    event.getAsyncContext().complete();
                }

                @Override
                public void onComplete(AsyncEvent event) {
                }

                @Override
                public void onError(AsyncEvent event) {
                }

                @Override
                public void onStartAsync(AsyncEvent event) {
                }
            });
        });
        server.moduleFilter("modules", RECORDER);
        server.start();

        HttpTester.Response response = server.get("/ticker");
        assertThat(response.getStatus(), is(200));
        assertThat(response.getContent(), is("tick,timed out"));
        events.await("R:RQ_END_REQUEST");
        assertThat(count("R:RQ_LOG_REQUEST"), is(1L));
    }

    @Test
    void anAsyncDispatchToAPathTheFilterIsNotMappedForSendsItsOutput() throws Exception {
        server.handle("/f/start", (req, resp) -> {
            resp.getWriter().print("before dispatch,");
            req.startAsync().dispatch("/plain/target");
        });
        server.handle("/plain/target", (req, resp) -> resp.getWriter().print("from the target"));
        server.filterOn("/f/*", new IisModuleFilter(), "modules", RECORDER);
        server.start();

        HttpTester.Response response = server.get("/f/start");
        assertThat(response.getStatus(), is(200));
        assertThat(response.getContent(), is("before dispatch,from the target"));
        events.await("R:RQ_END_REQUEST");
        assertThat(count("R:RQ_END_REQUEST"), is(1L));
    }

    @Test
    void anAsyncDispatchBackSeesEachQueryParameterOnce() throws Exception {
        server.handle("/again", (req, resp) -> {
            if (req.getDispatcherType() == jakarta.servlet.DispatcherType.ASYNC) {
                resp.getWriter().print("x=" + Arrays.toString(req.getParameterValues("x")));
                return;
            }
            req.getParameter("x");
            req.startAsync().dispatch();
        });
        server.moduleFilter("modules", RECORDER);
        server.start();

        HttpTester.Response response = server.get("/again?x=1");
        assertThat(response.getContent(), is("x=[1]"));
        events.await("R:RQ_END_REQUEST");
        assertThat(count("R:RQ_EXECUTE_REQUEST_HANDLER/post"), is(1L));
    }

    @Test
    void withALimitOfZeroTheContainersOwnBufferStillAllowsSendErrorAndASession() throws Exception {
        server.handle("/late-error", (req, resp) -> {
            resp.getWriter().println("a few lines");
            resp.getWriter().println("more");
            req.getSession(true);
            resp.sendError(404);
        });
        server.moduleFilter("modules", RECORDER, "responseBufferLimit", "0");
        server.context.setSessionHandler(new org.eclipse.jetty.ee10.servlet.SessionHandler());
        server.start();

        HttpTester.Response response = server.get("/late-error");
        assertThat(response.getStatus(), is(404));
        assertThat(response.get("Set-Cookie"), containsString("JSESSIONID"));
        assertThat(response.getContent().contains("a few lines"), is(false));
    }

    @Test
    void aDispatchedRequestStillSeesTheHeadersModulesChanged() throws Exception {
        server.handle("/h", (req, resp) -> {
            if (req.getDispatcherType() == jakarta.servlet.DispatcherType.ASYNC) {
                resp.getWriter().print(req.getHeader("X-Module"));
                return;
            }
            req.startAsync().dispatch();
        });
        module.on(io.iisport.httpserv.RequestNotification.RQ_BEGIN_REQUEST, (c, p) -> {
            c.getRequest().setHeader("X-Module", "set", true);
            return io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
        });
        server.scriptedFilter(new IisModuleFilter(), module);
        server.start();

        HttpTester.Response response = server.get("/h");
        assertThat(response.getContent(), is("set"));
        assertThat(response.get("Content-Length"), is("3"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "application/json|", "text/html|", "text/plain;charset=UTF-8|", "application/xml|",
        "text/html|fr-FR", "|", "application/json|de"})
    void theContentTypeAfterGetWriterIsWhatTheContainerMakesOfIt(String type, String locale) throws Exception {
        TestServer.Body body = (req, resp) -> {
            if (type != null) {
                resp.setContentType(type);
            }
            if (locale != null) {
                resp.setLocale(java.util.Locale.forLanguageTag(locale));
            }
            resp.getWriter().print("{\"k\":\"\u00e9\"}");
            resp.setContentType("text/plain;charset=ISO-8859-1");
            if (type != null) {
                resp.setContentType(type);
            }
        };
        server.handle("/b/ct", body);
        server.handle("/f/ct", body);
        server.filterOn("/f/*", new IisModuleFilter(), "modules", RECORDER);
        server.start();

        HttpTester.Response bare = server.get("/b/ct");
        HttpTester.Response filtered = server.get("/f/ct");
        assertThat(filtered.get("Content-Type"), is(bare.get("Content-Type")));
        assertThat(filtered.get("Content-Language"), is(bare.get("Content-Language")));
        assertThat(java.util.Arrays.equals(filtered.getContentBytes(), bare.getContentBytes()), is(true));
    }

    /**
     * The default servlet's range answers: a single range as bare. Two of them behind any filter that wraps the
     * response, a plain {@code HttpServletResponseWrapper} as much as this one, carry the {@code Content-Length} the
     * default servlet declares (bare: chunked). The 416 for an unsatisfiable range comes without its error page
     * behind any filter that wraps the request: Jetty 12.1's error handler does not find its servlet request through
     * the wrapper (a NullPointerException it catches) and falls back to an empty error response. Behind the module
     * filter each is what it is behind such a plain wrapper.
     */
    @ParameterizedTest(name = "Range: {0}")
    @CsvSource({"bytes=5-9", "'bytes=0-9,500-509'", "bytes=70000-70010", "bytes=99999-"})
    void theDefaultServletsRangeAnswersAreWhatAnyWrappingFilterGets(String range,
            @org.junit.jupiter.api.io.TempDir Path base) throws Exception {
        for (String dir : new String[] {"b", "w", "f"}) {
            Files.createDirectory(base.resolve(dir));
            Files.writeString(base.resolve(dir).resolve("data.txt"), "0123456789".repeat(6600));
        }
        server.context.setBaseResourceAsPath(base);
        server.context.setErrorHandler(new ErrorPageErrorHandler());
        server.context.addServlet(DefaultServlet.class, "/");
        server.filterOn("/w/*", (req, resp, chain) -> chain.doFilter(
                new HttpServletRequestWrapper((HttpServletRequest) req),
                new HttpServletResponseWrapper((HttpServletResponse) resp)));
        server.filterOn("/f/*", new IisModuleFilter(), "modules", RECORDER);
        server.start();

        String request = " HTTP/1.1\r\nHost: localhost\r\nRange: " + range
                + "\r\nConnection: close\r\n\r\n";
        HttpTester.Response bare = server.request("GET /b/data.txt" + request);
        HttpTester.Response wrapped = server.request("GET /w/data.txt" + request);
        HttpTester.Response filtered = server.request("GET /f/data.txt" + request);
        boolean wrappingChangesIt = bare.getStatus() == 416 || range.contains(",");
        HttpTester.Response expected = wrappingChangesIt ? wrapped : bare;
        assertThat(filtered.getStatus(), is(expected.getStatus()));
        // A multipart/byteranges boundary is new for each response.
        String boundary = String.valueOf(expected.get("Content-Type")).replaceFirst(".*boundary=", "");
        String filteredBoundary = String.valueOf(filtered.get("Content-Type")).replaceFirst(".*boundary=", "");
        for (String field : new String[] {"Content-Range", "Content-Type", "Content-Length", "Cache-Control"}) {
            String value = filtered.get(field);
            assertThat(field, value == null ? null : value.replace(filteredBoundary, boundary), is(expected.get(field)));
        }
        assertThat(filtered.getContent().replace(filteredBoundary, boundary), is(expected.getContent()));
    }
}
