package io.iisport.e2e;

import static io.iisport.httpserv.RequestNotification.RQ_BEGIN_REQUEST;
import static io.iisport.httpserv.RequestNotification.RQ_END_REQUEST;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_PENDING;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import io.iisport.filter.IisModuleFilter;
import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotificationStatus;
import io.iisport.jetty.IisportConnectionCustomizer;
import io.iisport.tomcat.IisportConnectionValve;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.http2.Http2Protocol;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The end of a request that timed out, as the client sees it, compared with the container's own: a servlet that
 * starts async and never completes, without iisport ({@link Timing#BARE}), is the expectation on each container, with
 * and without the iisport extension; the same servlet behind the module filter, a module whose PENDING is never
 * completed and the request thread that waits for one must end the same way on the wire (status, framing,
 * {@code Connection}, and whether the connection stays open, closes or is reset; HTTP/2: how the stream ends, and
 * GOAWAY or not), whatever their error page says.
 */
class AsyncTimeoutOnTheWireTest {
    /** The servlet's async timeout and the module filters' {@code pendingTimeout}, in ms. */
    private static final long TIMEOUT = 250;
    /**
     * How long a test waits for its ending, in s: Tomcat checks async timeouts once a second, and every request
     * runs at once from the start.
     */
    private static final long RESULT_SECONDS = 20;
    /** What the servlets and modules ran (see {@link #ran}). */
    static final Queue<String> EVENTS = new ConcurrentLinkedQueue<>();

    /** What times out, where, and what records that it ran (see {@link #ran}). */
    enum Timing {
        /** A servlet that starts async and never completes, no filter. */
        BARE("/bare/t", "servlet"),
        /**
         * That servlet behind the module filter with a module at BEGIN_REQUEST alone, so the servlet gets the
         * container's request and response.
         */
        THROUGH_FILTER("/through/t", "BEGIN_REQUEST"),
        /** That servlet behind a module at BEGIN_REQUEST and END_REQUEST: it gets the filter's buffering objects. */
        THROUGH_OBSERVING_FILTER("/observed/t", "END_REQUEST"),
        /** A module whose PENDING in BEGIN_REQUEST is never completed, {@code pendingTimeout} {@link #TIMEOUT}. */
        PENDING("/pending/t", "END_REQUEST"),
        /** The same where async cannot be started (filter and servlet not async-supported): the thread waits. */
        PENDING_WAITING("/waiting/t", "END_REQUEST");

        final String path;
        final String ran;

        Timing(String path, String ran) {
            this.path = path;
            this.ran = ran;
        }
    }

    /** The containers: Jetty 12.1 ee10 and Tomcat, each without and with iisport's extension. */
    enum Container { JETTY, JETTY_EXTENSION, TOMCAT, TOMCAT_VALVE }

    private static final Map<Container, Integer> PORTS = new EnumMap<>(Container.class);
    private static final Map<Container, Server> JETTIES = new EnumMap<>(Container.class);
    private static final Map<Container, Tomcat> TOMCATS = new EnumMap<>(Container.class);
    private static final Map<Container, Path> TOMCAT_BASES = new EnumMap<>(Container.class);
    /** One request of a timing on a container over HTTP/1.1 or h2c. */
    private record Case(Container container, Timing timing, boolean h2c) {
    }

    /**
     * Every case's ending, each request running from the start at once: the tests wait for theirs, so the class
     * takes about one timeout of the slowest container rather than one per case.
     */
    private static final Map<Case, Future<?>> ENDINGS = new HashMap<>();
    private static ExecutorService clients;

    @BeforeAll
    static void start() throws Exception {
        PORTS.put(Container.JETTY, startJetty(Container.JETTY, false));
        PORTS.put(Container.JETTY_EXTENSION, startJetty(Container.JETTY_EXTENSION, true));
        PORTS.put(Container.TOMCAT, startTomcat(Container.TOMCAT, false));
        PORTS.put(Container.TOMCAT_VALVE, startTomcat(Container.TOMCAT_VALVE, true));
        clients = Executors.newCachedThreadPool();
        for (Container container : Container.values()) {
            int port = PORTS.get(container);
            for (Timing timing : Timing.values()) {
                ENDINGS.put(new Case(container, timing, false), clients.submit(() -> http1Ending(port, timing)));
                ENDINGS.put(new Case(container, timing, true), clients.submit(() -> h2cEnding(port, timing)));
            }
        }
    }

    private static int startJetty(Container container, boolean extension) throws Exception {
        Server server = new Server();
        JETTIES.put(container, server);
        ServerConnector connector = H2.cleartextConnector(server);
        ServletContextHandler context = new ServletContextHandler("/");
        EnumSet<DispatcherType> dispatches = EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC);
        for (Map.Entry<String, String[]> filter : filters().entrySet()) {
            FilterHolder holder = new FilterHolder(new IisModuleFilter());
            holder.setName(filter.getKey());
            holder.setAsyncSupported(asyncSupported(filter.getKey()));
            String[] params = filter.getValue();
            for (int i = 1; i < params.length; i += 2) {
                holder.setInitParameter(params[i], params[i + 1]);
            }
            context.addFilter(holder, params[0], dispatches);
        }
        for (Map.Entry<String, HttpServlet> servlet : servlets().entrySet()) {
            ServletHolder holder = new ServletHolder(servlet.getValue());
            holder.setAsyncSupported(asyncSupported(servlet.getKey()));
            context.addServlet(holder, servlet.getKey());
        }
        server.setHandler(context);
        if (extension) {
            new IisportConnectionCustomizer().install(server);
        }
        server.start();
        return connector.getLocalPort();
    }

    private static int startTomcat(Container container, boolean valve) throws Exception {
        Path base = Files.createTempDirectory("iisport-async-timeout");
        TOMCAT_BASES.put(container, base);
        Tomcat tomcat = TomcatTest.newTomcat(base);
        TOMCATS.put(container, tomcat);
        tomcat.getConnector().addUpgradeProtocol(new Http2Protocol());
        if (valve) {
            tomcat.getEngine().getPipeline().addValve(new IisportConnectionValve());
        }
        Context context = tomcat.addContext("", base.toString());
        for (Map.Entry<String, String[]> filter : filters().entrySet()) {
            FilterDef def = new FilterDef();
            def.setFilterName(filter.getKey());
            def.setFilter(new IisModuleFilter());
            def.setAsyncSupported(Boolean.toString(asyncSupported(filter.getKey())));
            String[] params = filter.getValue();
            for (int i = 1; i < params.length; i += 2) {
                def.addInitParameter(params[i], params[i + 1]);
            }
            context.addFilterDef(def);
            FilterMap map = new FilterMap();
            map.setFilterName(filter.getKey());
            map.addURLPattern(params[0]);
            map.setDispatcher(DispatcherType.REQUEST.name());
            map.setDispatcher(DispatcherType.ASYNC.name());
            context.addFilterMap(map);
        }
        for (Map.Entry<String, HttpServlet> servlet : servlets().entrySet()) {
            String name = servlet.getKey();
            Tomcat.addServlet(context, name, servlet.getValue()).setAsyncSupported(asyncSupported(name));
            context.addServletMappingDecoded(name, name);
        }
        tomcat.start();
        return tomcat.getConnector().getLocalPort();
    }

    /** Only what serves {@link Timing#PENDING_WAITING} is not async-supported. */
    private static boolean asyncSupported(String name) {
        return !name.startsWith("/waiting");
    }

    /** Each module filter by name (its path, as the servlets'): its URL pattern, then its init-params. */
    private static Map<String, String[]> filters() {
        return Map.of(
                "/through/*", new String[] {"/through/*", "modules", "Nothing=" + NothingModule.class.getName()},
                "/observed/*", new String[] {"/observed/*", "modules", "Observing=" + ObservingModule.class.getName()},
                "/pending/*", new String[] {"/pending/*", "modules", "Never=" + NeverCompletingModule.class.getName(),
                    "pendingTimeout", Long.toString(TIMEOUT)},
                "/waiting/*", new String[] {"/waiting/*", "modules", "Never=" + NeverCompletingModule.class.getName(),
                    "pendingTimeout", Long.toString(TIMEOUT)});
    }

    /** The servlets by URL pattern: the one that never completes, one that answers, and the second request's. */
    private static Map<String, HttpServlet> servlets() {
        return Map.of("/bare/*", new NeverCompletingServlet(), "/through/*", new NeverCompletingServlet(),
                "/observed/*", new NeverCompletingServlet(),
                "/pending/*", new AnsweringServlet(), "/waiting/*", new AnsweringServlet(),
                "/ok", new AnsweringServlet());
    }

    @AfterAll
    static void stop() throws Exception {
        if (clients != null) {
            clients.shutdownNow();
        }
        for (Server server : JETTIES.values()) {
            server.stop();
        }
        for (Map.Entry<Container, Tomcat> tomcat : TOMCATS.entrySet()) {
            TomcatTest.stopAndDelete(tomcat.getValue(), TOMCAT_BASES.get(tomcat.getKey()));
        }
    }

    static Stream<Arguments> cases() {
        return EnumSet.allOf(Container.class).stream().flatMap(container -> EnumSet.allOf(Timing.class).stream()
                .map(timing -> Arguments.of(container, timing)));
    }

    /**
     * Each container's own ending over HTTP/1.1 ({@link Http1Ending#summary()}), as observed with Jetty 12.1 and
     * Tomcat 10.1: Jetty keeps the connection open for the next request; Tomcat drops it after a 500
     * ({@code Http11Processor.statusDropsConnection}).
     */
    private static String bareHttp1(Container container) {
        return switch (container) {
            case JETTY, JETTY_EXTENSION -> "500 Connection: null, Content-Length, then OPEN";
            case TOMCAT, TOMCAT_VALVE -> "500 Connection: close, Content-Length, then CLOSED";
        };
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void http1EndsAsTheContainersOwnAsyncTimeout(Container container, Timing timing) throws Exception {
        Http1Ending bare = (Http1Ending) ending(container, Timing.BARE, false);
        assertThat(bare.summary(), is(bareHttp1(container)));
        assertThat(ending(container, timing, false), is(bare));
        awaitRan(container, timing, "HTTP/1.1");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void h2cEndsAsTheContainersOwnAsyncTimeout(Container container, Timing timing) throws Exception {
        H2Ending bare = (H2Ending) ending(container, Timing.BARE, true);
        // On every container: the error page on a stream that ends normally, no GOAWAY, the session goes on.
        assertThat(bare, is(new H2Ending(500, H2.NO_RESET, true, false, 200)));
        assertThat(ending(container, timing, true), is(bare));
        awaitRan(container, timing, "HTTP/2.0");
    }

    private static Object ending(Container container, Timing timing, boolean h2c) throws Exception {
        return ENDINGS.get(new Case(container, timing, h2c)).get(RESULT_SECONDS, TimeUnit.SECONDS);
    }

    /** Waits until what {@code timing} is about ran on {@code container}: the servlet, or the module's END_REQUEST. */
    private static void awaitRan(Container container, Timing timing, String protocol) throws InterruptedException {
        String event = PORTS.get(container) + " " + protocol + " " + timing.ran + " " + timing.path;
        Wire.awaitUntil(event, () -> EVENTS.contains(event));
    }

    /** How the connection went on after a response. */
    enum Connection { OPEN, CLOSED, RESET }

    /**
     * What an HTTP/1.1 client sees of a request that timed out, but for the body's text: the status, the header
     * field names in order, the {@code Connection} header, the framing (Content-Length, chunked or to EOF), whether
     * there was a body, and how the connection went on.
     */
    record Http1Ending(int status, List<String> fieldNames, String connectionHeader, String framing, boolean body,
            Connection after) {
        String summary() {
            return status + " Connection: " + connectionHeader + ", " + framing + ", then " + after;
        }
    }

    /**
     * A keep-alive request for {@code timing}, then: after a response with {@code Connection: close}, the connection
     * must end (EOF, or a reset); otherwise a second request on it tells whether the server kept it open.
     */
    private static Http1Ending http1Ending(int port, Timing timing) throws IOException {
        try (Socket socket = Wire.connect(port)) {
            Wire.send(socket, Wire.get(timing.path));
            InputStream input = socket.getInputStream();
            HttpTester.Response response;
            try {
                response = Wire.readResponse(input);
            } catch (SocketException e) {
                return new Http1Ending(0, List.of(), null, null, false, Connection.RESET);
            }
            String framing = response.contains(HttpHeader.TRANSFER_ENCODING, "chunked") ? "chunked"
                    : response.get(HttpHeader.CONTENT_LENGTH) != null ? "Content-Length" : "to EOF";
            Connection after;
            try {
                if (!response.contains(HttpHeader.CONNECTION, "close")) {
                    Wire.send(socket, Wire.get("/ok"));
                }
                after = input.read() < 0 ? Connection.CLOSED : Connection.OPEN;
            } catch (SocketException e) {
                after = Connection.RESET;
            }
            return new Http1Ending(response.getStatus(), List.copyOf(response.getFieldNamesCollection()),
                    response.get(HttpHeader.CONNECTION), framing, !response.getContent().isEmpty(), after);
        }
    }

    /**
     * What an HTTP/2 client sees: the status, the RST_STREAM error ({@link H2#NO_RESET} for a stream that ended
     * normally), whether there was a body, whether a GOAWAY came before a second stream ended, and that stream's
     * status (0: refused or failed).
     */
    record H2Ending(int status, int resetError, boolean body, boolean goAway, int secondStatus) {
    }

    private static H2Ending h2cEnding(int port, Timing timing) throws Exception {
        try (H2 h2 = new H2(port, false)) {
            H2.Response response = h2.get(timing.path);
            int second;
            try {
                second = h2.get("/ok").status();
            } catch (ExecutionException e) {
                second = 0;
            }
            boolean goAway = h2.eventsSoFar().stream().anyMatch(event -> event.startsWith("goaway"));
            return new H2Ending(response.status(), response.resetError(), !response.body().isEmpty(), goAway, second);
        }
    }

    /** Records what ran, as {@code <local port> <protocol> <what> <URI>}. */
    private static void ran(HttpServletRequest request, String what) {
        EVENTS.add(request.getLocalPort() + " " + request.getProtocol() + " " + what + " " + request.getRequestURI());
    }

    /** Starts async and never completes, with an async timeout of {@link #TIMEOUT} and no listener. */
    static final class NeverCompletingServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) {
            ran(request, "servlet");
            request.startAsync().setTimeout(TIMEOUT);
        }
    }

    static final class AnsweringServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            response.getWriter().print("ok");
        }
    }

    /** Subscribed to BEGIN_REQUEST alone, which it records. */
    public static final class NothingModule implements RegisterModule {
        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
            moduleInfo.setRequestNotifications(() -> new CHttpModule() {
                @Override
                public RequestNotificationStatus onBeginRequest(IHttpContext context, IHttpEventProvider provider) {
                    ran(context.getServletRequest(), "BEGIN_REQUEST");
                    return RQ_NOTIFICATION_CONTINUE;
                }
            }, RQ_BEGIN_REQUEST, 0);
        }
    }

    /** Returns its status in BEGIN_REQUEST and records END_REQUEST, which the pipeline raises whatever failed. */
    private static final class EndRecordingModule extends CHttpModule {
        private final RequestNotificationStatus beginRequest;

        EndRecordingModule(RequestNotificationStatus beginRequest) {
            this.beginRequest = beginRequest;
        }

        @Override
        public RequestNotificationStatus onBeginRequest(IHttpContext context, IHttpEventProvider provider) {
            return beginRequest;
        }

        @Override
        public RequestNotificationStatus onEndRequest(IHttpContext context, IHttpEventProvider provider) {
            ran(context.getServletRequest(), "END_REQUEST");
            return RQ_NOTIFICATION_CONTINUE;
        }
    }

    /** Subscribed to BEGIN_REQUEST, where it does nothing, and END_REQUEST, which it records. */
    public static final class ObservingModule implements RegisterModule {
        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
            moduleInfo.setRequestNotifications(() -> new EndRecordingModule(RQ_NOTIFICATION_CONTINUE),
                    RQ_BEGIN_REQUEST | RQ_END_REQUEST, 0);
        }
    }

    /** Returns PENDING in BEGIN_REQUEST and never completes it; records END_REQUEST. */
    public static final class NeverCompletingModule implements RegisterModule {
        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
            moduleInfo.setRequestNotifications(() -> new EndRecordingModule(RQ_NOTIFICATION_PENDING),
                    RQ_BEGIN_REQUEST | RQ_END_REQUEST, 0);
        }
    }
}
