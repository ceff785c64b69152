package io.iisport.filter;

import static io.iisport.httpserv.RequestNotification.RQ_BEGIN_REQUEST;
import static io.iisport.httpserv.RequestNotification.RQ_SEND_RESPONSE;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.iisport.httpserv.HttpDataChunk;
import io.iisport.httpserv.IHttpResponse;
import io.iisport.httpserv.ISendResponseProvider;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The buffering IHttpResponse adapter against a real Jetty response: the servlet contract and every module call. */
class AdapterTest {
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

    private void start(String... extraParams) throws Exception {
        server.scriptedFilter(new IisModuleFilter(), module, extraParams);
        server.start();
    }

    private void onSend(Scripted.Step step) {
        module.on(RQ_SEND_RESPONSE, step);
    }

    @Test
    void aBufferedResponseIsSentWithTheContentLengthOfItsBody() throws Exception {
        server.handle("/*", (req, resp) -> resp.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII)));
        onSend((c, p) -> RQ_NOTIFICATION_CONTINUE);
        start();

        HttpTester.Response response = server.get("/");
        assertThat(response.getStatus(), is(200));
        assertThat(response.get("Content-Length"), is("5"));
        assertThat(response.getContent(), is("hello"));
    }

    /**
     * A servlet that throws before its response is committed: RQ_SEND_RESPONSE sees the error response the container
     * answers with (IIS: the custom error response goes through it), and a header it sets goes out with the
     * container's error page.
     */
    @Test
    void theContainersErrorResponseToAFailedServletGoesThroughOnSendResponse() throws Exception {
        server.handle("/*", (req, resp) -> {
            resp.getWriter().print("partial");
            throw new jakarta.servlet.ServletException("servlet failed");
        });
        onSend((c, p) -> {
            events.add("send status=" + c.getResponse().getStatus() + " headersBeingSent=" + ((ISendResponseProvider) p).getHeadersBeingSent());
            c.getResponse().setHeader("X-Frame-Options", "DENY", true);
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        HttpTester.Response response = server.get("/");
        assertThat(response.getStatus(), is(500));
        assertThat(response.get("X-Frame-Options"), is("DENY"));
        assertThat(response.getContent(), org.hamcrest.Matchers.not(containsString("partial")));
        assertThat(events.all(), hasItem("send status=500 headersBeingSent=true"));
    }

    /**
     * A module that answers the error itself in RQ_SEND_RESPONSE (a body of its own): its response is sent, and the
     * container has no failure left to answer.
     */
    @Test
    void aModuleThatWritesItsOwnErrorBodyInOnSendResponseAnswersForTheContainer() throws Exception {
        server.handle("/*", (req, resp) -> {
            throw new IllegalStateException("servlet failed");
        });
        onSend((c, p) -> {
            if (c.getResponse().getStatus() == 500) {
                c.getResponse().clear();
                c.getResponse().writeEntityChunks(new HttpDataChunk[] {
                        HttpDataChunk.fromString("module's error page", StandardCharsets.UTF_8)}, false, false);
            }
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        HttpTester.Response response = server.get("/");
        assertThat(response.getStatus(), is(500));
        assertThat(response.getContent(), is("module's error page"));
    }

    @Test
    void onSendResponseClearsWhatTheHandlerWroteAndWritesItsOwn() throws Exception {
        server.handle("/*", (req, resp) -> {
            resp.setContentType("text/html");
            resp.setContentLength(13);
            resp.getWriter().print("<p>secret</p>");
        });
        onSend((c, p) -> {
            IHttpResponse r = c.getResponse();
            r.clear();
            r.setHeader("Content-Type", "text/plain", true);
            r.writeEntityChunks(HttpDataChunk.fromString("Status: replaced\n", StandardCharsets.US_ASCII));
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        HttpTester.Response response = server.get("/");
        assertThat(response.getContent(), is("Status: replaced\n"));
        assertThat(response.get("Content-Length"), is("17"));
        assertThat(response.get("Content-Type"), startsWith("text/plain"));
    }

    static Stream<Named<Consumer<HttpServletResponse>>> contentLengthSetters() {
        return Stream.of(
                Named.of("setContentLength", r -> r.setContentLength(5)),
                Named.of("setContentLengthLong", r -> r.setContentLengthLong(5L)),
                Named.of("setHeader", r -> r.setHeader("Content-Length", "5")),
                Named.of("addHeader", r -> r.addHeader("content-length", "5")),
                Named.of("setIntHeader", r -> r.setIntHeader("Content-Length", 5)),
                Named.of("addIntHeader", r -> r.addIntHeader("CONTENT-LENGTH", 5)));
    }

    @ParameterizedTest
    @MethodSource("contentLengthSetters")
    void aContentLengthSetAnyWayIsHeldBackAndReportedBack(Consumer<HttpServletResponse> setter) throws Exception {
        server.handle("/*", (req, resp) -> {
            setter.accept(resp);
            events.add("getHeader=" + resp.getHeader("Content-Length"));
            events.add("getHeaders=" + resp.getHeaders("Content-Length"));
            events.add("contains=" + resp.containsHeader("Content-Length"));
            events.add("names=" + resp.getHeaderNames().stream().anyMatch(n -> n.equalsIgnoreCase("Content-Length")));
            resp.getOutputStream().print("hello");
        });
        onSend((c, p) -> {
            events.add("module sees " + c.getResponse().getHeader("Content-Length"));
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        HttpTester.Response response = server.get("/");
        assertThat(response.get("Content-Length"), is("5"));
        assertThat(response.getContent(), is("hello"));
        assertEquals(List.of("getHeader=5", "getHeaders=[5]", "contains=true", "names=true", "module sees 5"),
                events.all());
    }

    @Test
    void aModuleThatChangesTheBodyOverridesTheDeclaredContentLength() throws Exception {
        server.handle("/*", (req, resp) -> {
            resp.setContentLength(5);
            resp.getOutputStream().print("hello");
        });
        onSend((c, p) -> {
            c.getResponse().writeEntityChunks(HttpDataChunk.fromString(" world", StandardCharsets.US_ASCII));
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        HttpTester.Response response = server.get("/");
        assertThat(response.getContent(), is("hello world"));
        assertThat(response.get("Content-Length"), is("11"));
    }

    @Test
    void headKeepsTheDeclaredContentLength() throws Exception {
        server.handle("/*", (req, resp) -> resp.setContentLength(1234));
        onSend((c, p) -> RQ_NOTIFICATION_CONTINUE);
        start();

        HttpTester.Response response = server.request("HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(response.get("Content-Length"), is("1234"));
    }

    @Test
    void flushBufferCommitsAsTheServletSpecSays() throws Exception {
        server.handle("/*", (req, resp) -> {
            resp.getWriter().print("first");
            resp.flushBuffer();
            events.add("committed=" + resp.isCommitted());
            try {
                resp.resetBuffer();
            } catch (IllegalStateException e) {
                events.add("resetBuffer refused");
            }
            resp.setStatus(201);
            resp.setHeader("X-Late", "ignored");
            resp.getWriter().print(", second");
        });
        start();

        HttpTester.Response response = server.get("/");
        assertThat(response.getStatus(), is(200));
        assertThat(response.get("X-Late"), nullValue());
        assertThat(response.getContent(), is("first, second"));
        assertEquals(List.of("committed=true", "resetBuffer refused"), events.all());
    }

    @Test
    void aFlushRaisesSendResponseWithMoreDataAndOutputAfterItStaysBufferedForTheModules() throws Exception {
        server.handle("/*", (req, resp) -> {
            resp.getOutputStream().print("flushed,");
            resp.getOutputStream().flush();
            resp.getOutputStream().print("buffered");
        });
        onSend((c, p) -> {
            ISendResponseProvider send = (ISendResponseProvider) p;
            boolean more = (send.getFlags() & ISendResponseProvider.HTTP_SEND_RESPONSE_FLAG_MORE_DATA) != 0;
            events.add("headers=" + send.getHeadersBeingSent() + " more=" + more);
            if (!more) {
                c.getResponse().clear();
                c.getResponse().writeEntityChunks(HttpDataChunk.fromString("replaced", StandardCharsets.US_ASCII));
            }
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        HttpTester.Response response = server.get("/");
        assertThat(response.getContent(), is("flushed,replaced"));
        assertThat(response.get("Content-Length"), nullValue());
        assertEquals(List.of("headers=true more=true", "headers=false more=false"), events.all());
    }

    @Test
    void aModuleFlushWithoutMoreDataSaysSo() throws Exception {
        server.handle("/*", (req, resp) -> resp.getWriter().print("body"));
        module.on(io.iisport.httpserv.RequestNotification.RQ_BEGIN_REQUEST, (c, p) -> {
            c.getResponse().flush(false, false);
            return RQ_NOTIFICATION_CONTINUE;
        });
        onSend((c, p) -> {
            ISendResponseProvider send = (ISendResponseProvider) p;
            events.add("more=" + ((send.getFlags() & ISendResponseProvider.HTTP_SEND_RESPONSE_FLAG_MORE_DATA) != 0));
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        assertThat(server.get("/").getContent(), is("body"));
        assertEquals(List.of("more=false", "more=false"), events.all());
    }

    @Test
    void theWriterEncodesEveryWriteSoNoCharacterIsStranded() throws Exception {
        server.handle("/*", (req, resp) -> {
            resp.setContentType("text/plain; charset=UTF-8");
            resp.getWriter().print("h\u00e9llo \u20ac");
            resp.getWriter().write('!');
            // no flush: the module must still see every byte
        });
        onSend((c, p) -> {
            events.add("buffered");
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        HttpTester.Response response = server.get("/");
        assertThat(new String(response.getContentBytes(), StandardCharsets.UTF_8), is("h\u00e9llo \u20ac!"));
        assertThat(response.get("Content-Type").toLowerCase(java.util.Locale.ROOT), containsString("charset=utf-8"));
        assertThat(response.get("Content-Length"), is(String.valueOf("h\u00e9llo \u20ac!".getBytes(StandardCharsets.UTF_8).length)));
    }

    @Test
    void mixingTheWriterAndTheStreamIsAnIllegalState() throws Exception {
        server.handle("/writer-first", (req, resp) -> {
            resp.getWriter().print("w");
            try {
                resp.getOutputStream();
            } catch (IllegalStateException e) {
                events.add("stream refused");
            }
        });
        server.handle("/stream-first", (req, resp) -> {
            resp.getOutputStream().print("s");
            try {
                resp.getWriter();
            } catch (IllegalStateException e) {
                events.add("writer refused");
            }
        });
        start();

        assertThat(server.get("/writer-first").getContent(), is("w"));
        assertThat(server.get("/stream-first").getContent(), is("s"));
        assertEquals(List.of("stream refused", "writer refused"), events.all());
    }

    @Test
    void resetClearsBodyStatusAndHeadersAndAllowsTheOtherOutput() throws Exception {
        server.handle("/*", (req, resp) -> {
            resp.setStatus(404);
            resp.setHeader("X-Old", "1");
            resp.getWriter().print("old");
            resp.reset();
            resp.getOutputStream().print("new");
        });
        start();

        HttpTester.Response response = server.get("/");
        assertThat(response.getStatus(), is(200));
        assertThat(response.get("X-Old"), nullValue());
        assertThat(response.getContent(), is("new"));
    }

    @Test
    void resetAndResetBufferAfterCommitAreIllegalStates() throws Exception {
        server.handle("/*", (req, resp) -> {
            resp.getOutputStream().print("streamed");
            resp.flushBuffer();
            events.add("committed=" + resp.isCommitted());
            try {
                resp.reset();
            } catch (IllegalStateException e) {
                events.add("reset refused");
            }
            try {
                resp.resetBuffer();
            } catch (IllegalStateException e) {
                events.add("resetBuffer refused");
            }
        });
        start("responseBufferLimit", "0");

        assertThat(server.get("/").getContent(), is("streamed"));
        assertEquals(List.of("committed=true", "reset refused", "resetBuffer refused"), events.all());
    }

    @Test
    void sendErrorDropsTheBodyAndTheContainerRendersItAfterSendResponse() throws Exception {
        server.handle("/*", (req, resp) -> {
            resp.getWriter().print("partial");
            resp.sendError(404, "no such thing");
            events.add("committed=" + resp.isCommitted());
            resp.getWriter().print("ignored");
        });
        onSend((c, p) -> {
            events.add("status=" + c.getResponse().getStatus());
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        HttpTester.Response response = server.get("/");
        assertThat(response.getStatus(), is(404));
        assertThat(response.getContent(), containsString("no such thing"));
        assertThat(response.getContent().contains("partial"), is(false));
        assertEquals(List.of("committed=true", "status=404"), events.all());
    }

    @Test
    void aModuleThatRewritesAnErrorResponseWins() throws Exception {
        server.handle("/*", (req, resp) -> resp.sendError(404));
        onSend((c, p) -> {
            c.getResponse().setStatus(404, "Not Found", 7);
            c.getResponse().writeEntityChunks(HttpDataChunk.fromString("404.7 denied", StandardCharsets.US_ASCII));
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        HttpTester.Response response = server.get("/");
        assertThat(response.getStatus(), is(404));
        assertThat(response.getContent(), is("404.7 denied"));
    }

    @Test
    void sendRedirectIsCarriedOutByTheContainer() throws Exception {
        server.handle("/*", (req, resp) -> {
            resp.getWriter().print("dropped");
            resp.sendRedirect("/elsewhere");
        });
        onSend((c, p) -> {
            events.add("location=" + c.getResponse().getHeader("Location"));
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        HttpTester.Response response = server.get("/");
        assertThat(response.getStatus(), is(302));
        assertThat(response.get("Location"), endsWith("/elsewhere"));
        assertThat(events.all(), hasItem("location=/elsewhere"));
    }

    @Test
    void theBufferLimitSwitchesToStreamingAndEverySendIsNotified() throws Exception {
        server.handle("/*", (req, resp) -> {
            resp.getOutputStream().write("0123456789012345678901234567890123456789".getBytes(StandardCharsets.US_ASCII));
            resp.getOutputStream().write("abcdefghij".getBytes(StandardCharsets.US_ASCII));
        });
        onSend((c, p) -> {
            ISendResponseProvider send = (ISendResponseProvider) p;
            boolean more = (send.getFlags() & ISendResponseProvider.HTTP_SEND_RESPONSE_FLAG_MORE_DATA) != 0;
            events.add("headers=" + send.getHeadersBeingSent() + " more=" + more);
            return RQ_NOTIFICATION_CONTINUE;
        });
        start("responseBufferLimit", "16");

        HttpTester.Response response = server.request("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(response.getContent(), is("0123456789012345678901234567890123456789abcdefghij"));
        assertThat(response.get("Content-Length"), nullValue());
        assertThat(response.get("Transfer-Encoding"), is("chunked"));
        List<String> recorded = events.all();
        assertThat(recorded.get(0), is("headers=true more=true"));
        assertThat(recorded.get(1), is("headers=false more=true"));
        assertThat(recorded.get(recorded.size() - 1), is("headers=false more=false"));
    }

    /**
     * A very large response with the default limit arrives whole (the buffer's bound is {@link ResponseOutputTest}'s).
     * 256 MiB by default; {@code -Diisport.test.largeResponseBytes=1073741824} runs the 1 GiB case.
     */
    @Test
    void aVeryLargeResponseWithTheDefaultLimitNeverHoldsMoreThanTheLimit() throws Exception {
        long total = Long.getLong("iisport.test.largeResponseBytes", 256L * 1024 * 1024);
        server.handle("/*", (req, resp) -> {
            byte[] block = new byte[64 * 1024];
            for (long written = 0; written < total; written += block.length) {
                resp.getOutputStream().write(block, 0, (int) Math.min(block.length, total - written));
            }
        });
        onSend((c, p) -> RQ_NOTIFICATION_CONTINUE);
        start();

        long received = 0;
        try (java.net.Socket socket = server.socket()) {
            TestServer.send(socket, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            java.io.InputStream in = socket.getInputStream();
            byte[] buffer = new byte[256 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                received += n;
            }
        }
        assertThat(received > total, is(true)); // the body and the headers
    }

    @Test
    void disableBufferingSendsEveryWrite() throws Exception {
        server.handle("/*", (req, resp) -> {
            for (int i = 0; i < 3; i++) {
                resp.getOutputStream().print("part" + i);
            }
        });
        module.on(RQ_BEGIN_REQUEST, (c, p) -> {
            c.getResponse().disableBuffering();
            return RQ_NOTIFICATION_CONTINUE;
        });
        onSend((c, p) -> {
            events.add("send");
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        assertThat(server.get("/").getContent(), is("part0part1part2"));
        assertThat(events.all().size(), is(4)); // three writes, then the final send
    }

    @Test
    void moduleHeaderCallsReplaceAppendReadDeleteAndClear() throws Exception {
        server.handle("/*", (req, resp) -> {
            resp.setHeader("X-Servlet", "s");
            resp.setHeader("X-Gone", "g");
            resp.getWriter().print("body");
        });
        onSend((c, p) -> {
            IHttpResponse r = c.getResponse();
            r.setHeader("X-Multi", "one", true);
            r.setHeader("X-Multi", "two", false);
            r.setHeader("X-Replaced", "old", true);
            r.setHeader("X-Replaced", "new", true);
            r.deleteHeader("x-gone");
            events.add("X-Servlet=" + r.getHeader("x-servlet") + " X-Gone=" + r.getHeader("X-Gone"));
            try {
                r.setHeader("X-Split", "a\r\nSet-Cookie: evil=1", true);
            } catch (IllegalArgumentException e) {
                events.add("rejected: " + e.getMessage());
            }
            try {
                r.setHeader("Bad Name", "v", true);
            } catch (IllegalArgumentException e) {
                events.add("rejected name");
            }
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        HttpTester.Response response = server.get("/");
        assertThat(response.getValuesList("X-Multi"), is(List.of("one", "two")));
        assertThat(response.get("X-Replaced"), is("new"));
        assertThat(response.get("X-Gone"), nullValue());
        assertThat(response.get("X-Servlet"), is("s"));
        assertThat(response.get("Set-Cookie"), nullValue());
        List<String> recorded = events.all();
        assertThat(recorded.get(0), is("X-Servlet=s X-Gone=null"));
        assertThat(recorded.get(1), containsString("header 'X-Split' value 'a\\r\\nSet-Cookie: evil=1' holds CR, LF or NUL"));
        assertThat(recorded.get(2), is("rejected name"));
    }

    @Test
    void clearHeadersKeepsStatusAndBody() throws Exception {
        server.handle("/*", (req, resp) -> {
            resp.setStatus(202);
            resp.setHeader("X-Servlet", "s");
            resp.getWriter().print("body");
        });
        onSend((c, p) -> {
            c.getResponse().clearHeaders();
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        HttpTester.Response response = server.get("/");
        assertThat(response.getStatus(), is(202));
        assertThat(response.get("X-Servlet"), nullValue());
        assertThat(response.getContent(), is("body"));
    }

    @Test
    void setStatusKeepsSubStatusAndReasonAndChecksRanges() throws Exception {
        server.handle("/*", (req, resp) -> resp.getWriter().print("x"));
        onSend((c, p) -> {
            IHttpResponse r = c.getResponse();
            r.setStatus(404, "Not Found", 5);
            events.add(r.getStatus() + "." + r.getSubStatus() + " " + r.getReason());
            for (Runnable bad : List.<Runnable>of(() -> r.setStatus(99, "x"), () -> r.setStatus(1000, "x"),
                    () -> r.setStatus(200, "x", 70000), () -> r.setStatus(200, "x", -1), () -> r.setStatus(200, "bad\nreason"))) {
                try {
                    bad.run();
                    events.add("accepted");
                } catch (IllegalArgumentException e) {
                    events.add("rejected");
                }
            }
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        assertThat(server.get("/").getStatus(), is(404));
        assertEquals(List.of("404.5 Not Found", "rejected", "rejected", "rejected", "rejected", "rejected"), events.all());
    }

    @Test
    void redirectSetsLocationWithTheQueryAndClearsTheBody() throws Exception {
        server.handle("/*", (req, resp) -> resp.getWriter().print("dropped"));
        onSend((c, p) -> {
            c.getResponse().redirect("/new?a=1", true, true);
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        HttpTester.Response response = server.get("/old?b=2");
        assertThat(response.getStatus(), is(302));
        assertThat(response.get("Location"), endsWith("/new?a=1&b=2"));
        assertThat(response.getContent(), is(""));
    }

    @Test
    void redirectCanKeepTheStatus() throws Exception {
        server.handle("/*", (req, resp) -> resp.setStatus(301));
        onSend((c, p) -> {
            c.getResponse().redirect("/moved", false, false);
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        HttpTester.Response response = server.get("/old?b=2");
        assertThat(response.getStatus(), is(301));
        assertThat(response.get("Location"), endsWith("/moved"));
    }

    @Test
    void writeEntityChunksFromMemoryAndFilesReturnsTheBytesAccepted(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("chunk.txt");
        Files.writeString(file, "0123456789");
        server.handle("/*", (req, resp) -> { });
        onSend((c, p) -> {
            long n = c.getResponse().writeEntityChunks(new HttpDataChunk[] {
                HttpDataChunk.fromMemory("[abc]".getBytes(StandardCharsets.US_ASCII), 1, 3),
                HttpDataChunk.fromFile(file, 2, 3),
                HttpDataChunk.fromFile(file, 7, HttpDataChunk.HTTP_BYTE_RANGE_TO_EOF)
            }, true, false);
            events.add("accepted " + n);
            try {
                c.getResponse().writeEntityChunks(HttpDataChunk.fromFile(dir.resolve("missing"), 0, 1));
            } catch (java.io.UncheckedIOException e) {
                events.add("missing file fails");
            }
            try {
                c.getResponse().writeEntityChunks(HttpDataChunk.fromFile(file, 8, 5));
            } catch (java.io.UncheckedIOException e) {
                events.add("range past the end fails");
            }
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        HttpTester.Response response = server.get("/");
        assertThat(response.getContent(), is("abc234789"));
        assertEquals(List.of("accepted 9", "missing file fails", "range past the end fails"), events.all());
    }

    @Test
    void aModuleFlushCommitsWhatIsBufferedAndLaterOutputFollows() throws Exception {
        server.handle("/*", (req, resp) -> {
            resp.getWriter().print("after");
            events.add("servlet sees committed=" + resp.isCommitted());
        });
        module.on(io.iisport.httpserv.RequestNotification.RQ_EXECUTE_REQUEST_HANDLER, (c, p) -> {
            c.getResponse().writeEntityChunks(HttpDataChunk.fromString("before,", StandardCharsets.US_ASCII));
            events.add("flushed " + c.getResponse().flush(false, true));
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        HttpTester.Response response = server.get("/");
        assertThat(response.getContent(), is("before,after"));
        assertEquals(List.of("flushed 7", "servlet sees committed=true"), events.all());
    }

    @Test
    void requestHeaderChangesAndServerVariablesReachTheServlet() throws Exception {
        server.handle("/*", (req, resp) -> resp.getWriter().print(
                "ua=" + req.getHeader("User-Agent") + " added=" + req.getHeader("X-Added")
                        + " appended=" + java.util.Collections.list(req.getHeaders("X-List"))
                        + " names=" + java.util.Collections.list(req.getHeaderNames()).stream()
                                .anyMatch(n -> n.equalsIgnoreCase("User-Agent"))));
        module.on(RQ_BEGIN_REQUEST, (c, p) -> {
            events.add(c.getServerVariable("REQUEST_METHOD") + " " + c.getServerVariable("URL") + " "
                    + c.getServerVariable("QUERY_STRING") + " " + c.getServerVariable("HTTP_USER_AGENT") + " "
                    + c.getServerVariable("https") + " " + c.getServerVariable("NO_SUCH") + " "
                    + c.getRequest().getRawUrl() + " " + c.getRequest().getHttpVersion() + " "
                    + c.getRequest().getHeader("X-List"));
            c.getRequest().deleteHeader("User-Agent");
            c.getRequest().setHeader("X-Added", "yes", true);
            c.getRequest().setHeader("X-List", "c", false);
            try {
                c.getRequest().setHeader("X-Bad", "a\nb", true);
            } catch (IllegalArgumentException e) {
                events.add("rejected");
            }
            return RQ_NOTIFICATION_CONTINUE;
        });
        start();

        HttpTester.Response response = server.request("GET /p?q=1 HTTP/1.1\r\nHost: x\r\nUser-Agent: curl\r\n"
                + "X-List: a\r\nX-List: b\r\nConnection: close\r\n\r\n");
        assertThat(response.getContent(), is("ua=null added=yes appended=[a, b, c] names=false"));
        assertEquals(List.of("GET /p q=1 curl off null /p?q=1 HTTP/1.1 a,b", "rejected"), events.all());
    }

    @Test
    void afterAResetEveryCallSucceedsAndDoesNothing() throws Exception {
        IisModuleFilter filter = new IisModuleFilter();
        server.handle("/*", (req, resp) -> {
            resp.getWriter().print("servlet output");
            resp.flushBuffer();
            resp.setHeader("X-After", "1");
            events.add("servlet done");
        });
        module.on(RQ_BEGIN_REQUEST, (c, p) -> {
            IHttpResponse r = c.getResponse();
            r.writeEntityChunks(HttpDataChunk.fromString("before", StandardCharsets.US_ASCII));
            r.resetConnection();
            long n = r.writeEntityChunks(HttpDataChunk.fromString("Status: After Reset\n", StandardCharsets.US_ASCII));
            r.clear();
            r.setHeader("X-Module", "1", true);
            r.setStatus(201, "Created");
            events.add("accepted " + n + " flushed " + r.flush(false, false));
            r.resetConnection();
            r.resetStream(2);
            r.closeConnection();
            return RQ_NOTIFICATION_CONTINUE;
        });
        server.scriptedFilter(filter, module);
        server.start();

        HttpTester.Response response = server.get("/");
        assertThat(response.getStatus(), is(500));
        assertThat(response.get("Connection"), is("close"));
        assertThat(response.getContent(), is(""));
        assertThat(response.get("X-Module"), nullValue());
        assertEquals(List.of("accepted 20 flushed 0", "servlet done"), events.all());
        assertThat(filter.getDegradedCallCount(), is(1L));
    }
}
