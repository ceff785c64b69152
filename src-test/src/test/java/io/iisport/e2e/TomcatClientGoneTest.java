package io.iisport.e2e;

import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_PENDING;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;

import io.iisport.filter.IisModuleFilter;
import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotification;
import io.iisport.httpserv.RequestNotificationStatus;
import io.iisport.test.http2.Http2FrameClient;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.http2.Http2Protocol;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client that closes its HTTP/2 connection as soon as it has the whole response, while a module's
 * {@code RQ_NOTIFICATION_PENDING} in LOG_REQUEST is still uncompleted (what {@code curl --http2-prior-knowledge}
 * does), on Tomcat with h2c (prior knowledge through {@link Http2Protocol}). Tomcat resets the stream's request once
 * the connection closes and calls the async cycle's {@code onError}; a listener that returns without completing lets
 * Tomcat end the cycle itself: it recycles the request under the module, or, when the error comes while the dispatch
 * that started the cycle still runs, recycles the stream twice and hands its request to two later streams (a warning
 * {@code stream.recycle.duplicate}, an {@code AssertionError} in {@code Mapper.internalMap}, later requests without a
 * response or with a 500; a filter outside the module filter that holds the dispatch until the client is gone makes
 * that sure). The filter holds the cycle in {@code onError} until the module completed and
 * END_REQUEST ran: END_REQUEST is raised once and reads the request's header, and requests on new connections, also
 * to a context without the filter, all answer. Tomcat is the one src-test runs (10.1).
 */
class TomcatClientGoneTest {
    /**
     * What Tomcat 10.1.34 still answers a later request on another connection with, rarely (a few follow-ups in a
     * thousand here, more on a loaded machine): a 500 whose exception is the reset Tomcat gave a stream of a connection
     * the client closed ({@code Http2UpgradeHandler.close} → {@code Stream.receiveReset}). A follow-up 500 was seen
     * once without the filter too, after a synchronous servlet that closed its output and still ran when its client
     * closed the connection. Not understood yet; what this test holds the filter to is its own part: no double
     * recycle, no request handed to two streams, nothing unanswered, END_REQUEST once on the request intact.
     */
    private static final String TOMCAT_RESET_LEAK = "Stream$StandardStreamInputBuffer.receiveReset";
    /** Requests whose client goes while the module is pending; Tomcat's double recycle needs a few to show. */
    private static final int REQUESTS = 8;
    /** Requests to the context without the filter after each, each on a new connection. */
    private static final int FOLLOW_UPS = 4;
    /** How long after LOG_REQUEST the module completes, in ms: the client is gone by then. */
    private static final long COMPLETION_DELAY_MILLIS = 400;
    /** What the module saw, in order. */
    static final ConcurrentLinkedQueue<String> EVENTS = new ConcurrentLinkedQueue<>();
    /**
     * Counted down once the client of a {@code ?hold} request closed its connection: the filter outside the module
     * filter holds the dispatch until then, so that Tomcat's error comes while the dispatch that started the async
     * cycle still runs, as it does by chance when the filter's thread is slow to return.
     */
    static volatile CountDownLatch clientGone = new CountDownLatch(0);

    private static LogCapture log;
    private static Path baseDir;
    private static Tomcat tomcat;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        log = new LogCapture();
        baseDir = Files.createTempDirectory("iisport-client-gone");
        tomcat = TomcatTest.newTomcat(baseDir);
        tomcat.getConnector().addUpgradeProtocol(new Http2Protocol());
        Context logged = tomcat.addContext("/logp", baseDir.toString());
        FilterDef outer = new FilterDef();
        outer.setFilterName("outer");
        outer.setFilter(new HttpFilter() {
            @Override
            protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
                    throws IOException, ServletException {
                chain.doFilter(req, res);
                if (req.getParameter("hold") != null) {
                    try {
                        clientGone.await(Wire.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                        // Tomcat takes the closed connection on another thread.
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        });
        outer.setAsyncSupported("true");
        logged.addFilterDef(outer);
        FilterMap outerMap = new FilterMap();
        outerMap.setFilterName("outer");
        outerMap.addURLPattern("/*");
        logged.addFilterMap(outerMap);
        TomcatTest.addModuleFilter(logged, "iis-modules", new IisModuleFilter(),
                "LogPending=" + PendingLogModule.class.getName(), "/*", DispatcherType.REQUEST, DispatcherType.ASYNC);
        // The filter outside does nothing with the response after its chain: the client has the response while the
        // module is pending, as IIS sends it, and closes.
        logged.findFilterDef("iis-modules").addInitParameter("filtersAround", "ignore");
        servlet(logged, "hello");
        servlet(tomcat.addContext("/bare", baseDir.toString()), "ok");
        tomcat.start();
        port = tomcat.getConnector().getLocalPort();
    }

    /** A servlet at {@code /s} answering {@code prefix} and the request's {@code X-Id}. */
    private static void servlet(Context context, String prefix) {
        Tomcat.addServlet(context, "s", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("text/plain");
                resp.getWriter().print(prefix + " " + req.getHeader("X-Id"));
            }
        }).setAsyncSupported(true);
        context.addServletMappingDecoded("/s", "s");
    }

    @AfterAll
    static void stop() throws Exception {
        if (tomcat != null) {
            tomcat.stop();
            tomcat.destroy();
        }
        if (log != null) {
            log.close();
        }
    }

    @Test
    void aClientGoneWhileALogRequestModuleIsPendingLeavesTheRequestToEndRequestAndOtherRequestsAnswered()
            throws Exception {
        List<String> expected = new ArrayList<>();
        List<String> unanswered = new ArrayList<>();
        List<String> leaks = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            String id = "gone-" + i;
            // Every other request holds the dispatch until the client is gone.
            boolean hold = i % 2 == 1;
            clientGone = new CountDownLatch(1);
            try (Http2FrameClient client = connect()) {
                client.get(1, "/logp/s" + (hold ? "?hold" : ""), "x-id", id);
                assertThat("the whole response before LOG_REQUEST's completion", body(client), is("hello " + id));
                // Closed at once, while the module is pending.
            } finally {
                clientGone.countDown();
            }
            Wire.awaitUntil("END_REQUEST of " + id + " in " + EVENTS,
                    () -> EVENTS.stream().anyMatch(event -> event.startsWith("END_REQUEST " + id)));
            expected.add("LOG_REQUEST " + id);
            expected.add("END_REQUEST " + id + " X-Id=" + id);
            for (int j = 0; j < FOLLOW_UPS; j++) {
                String followUp = "follow-" + i + "-" + j;
                try (Http2FrameClient client = connect()) {
                    client.get(1, "/bare/s", "x-id", followUp);
                    String body = body(client);
                    if (body.contains(TOMCAT_RESET_LEAK)) {
                        // Tomcat's own, seen without the filter too (see TOMCAT_RESET_LEAK): counted, not failed.
                        leaks.add(followUp);
                    } else if (!body.equals("ok " + followUp)) {
                        unanswered.add(followUp + ": " + body);
                    }
                } catch (IOException e) {
                    unanswered.add(followUp + ": " + e);
                }
            }
        }
        assertThat(unanswered, is(empty()));
        if (!leaks.isEmpty()) {
            System.err.println("Tomcat answered " + leaks + " with the reset of a stream of a closed connection");
        }
        assertThat("END_REQUEST once per request, reading the request's header", List.copyOf(EVENTS), is(expected));
        assertThat(log.lines("stream.recycle.duplicate"), is(empty()));
        assertThat(log.lines("AssertionError"), is(empty()));
    }

    private static Http2FrameClient connect() throws IOException {
        return Http2FrameClient.connect(Http2FrameClient.Transport.PRIOR_KNOWLEDGE, port, null, Wire.TIMEOUT_SECONDS);
    }

    /** Reads stream 1 to its end: the body of its DATA frames. */
    private static String body(Http2FrameClient client) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Http2FrameClient.Frame frame : client.readUntil("the end of stream 1",
                frame -> frame.stream() == 1 && (frame.isEndStream() || frame.type() == Http2FrameClient.RST_STREAM))) {
            if (frame.type() == Http2FrameClient.DATA && frame.stream() == 1) {
                body.writeBytes(frame.payload());
            }
            if (frame.type() == Http2FrameClient.RST_STREAM) {
                return "reset " + frame.errorCode();
            }
        }
        return body.toString(StandardCharsets.UTF_8);
    }

    /**
     * Returns PENDING in LOG_REQUEST and completes {@link #COMPLETION_DELAY_MILLIS} later from a thread of its own;
     * END_REQUEST records the request's {@code X-Id} header.
     */
    public static final class PendingLogModule implements RegisterModule {
        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
            moduleInfo.setRequestNotifications(Module::new,
                    RequestNotification.RQ_LOG_REQUEST | RequestNotification.RQ_END_REQUEST, 0);
        }

        static final class Module extends CHttpModule {
            /** The request's {@code X-Id} as LOG_REQUEST read it. */
            private String logged;

            @Override
            public RequestNotificationStatus onLogRequest(IHttpContext context, IHttpEventProvider provider) {
                logged = context.getRequest().getHeader("X-Id");
                EVENTS.add("LOG_REQUEST " + logged);
                Thread completion = new Thread(() -> {
                    try {
                        Thread.sleep(COMPLETION_DELAY_MILLIS);
                    } catch (InterruptedException e) {
                        return;
                    }
                    context.indicateCompletion(RQ_NOTIFICATION_CONTINUE);
                }, "module completion");
                completion.setDaemon(true);
                completion.start();
                return RQ_NOTIFICATION_PENDING;
            }

            @Override
            public RequestNotificationStatus onEndRequest(IHttpContext context, IHttpEventProvider provider) {
                String id;
                try {
                    id = context.getRequest().getHeader("X-Id");
                } catch (RuntimeException e) {
                    id = e.toString();
                }
                // Named by the id LOG_REQUEST read: the request may be another's by now.
                EVENTS.add("END_REQUEST " + logged + " X-Id=" + id);
                return RQ_NOTIFICATION_CONTINUE;
            }
        }
    }
}
