package io.iisport.e2e;

import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_FINISH_REQUEST;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_PENDING;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.both;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.iisport.filter.IisModuleFilter;
import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.HttpDataChunk;
import io.iisport.httpserv.IHttpCompletionInfo;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotification;
import io.iisport.httpserv.RequestNotificationStatus;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code RQ_NOTIFICATION_PENDING} completed later from another thread, on Jetty 12 and Tomcat, each with a small
 * request thread pool: {@code IndicateCompletion}, {@code PostCompletion} with {@code OnAsyncCompletion}, PENDING in
 * LOG_REQUEST after a synchronous servlet, SetUrl before a PENDING, the {@code pendingTimeout} init-param, and more
 * PENDING requests at once than the container has request threads, which only completes if no thread waits.
 */
class PendingCompletionTest {
    /** Request threads each container has for requests (Jetty's pool has its acceptor and selector besides). */
    private static final int REQUEST_THREADS = 4;
    /**
     * The context whose module filter has a {@code pendingTimeout} init-param of {@link #PENDING_TIMEOUT}: its
     * suspensions end then, not at the async timeout the test filter sets.
     */
    private static final String LIMITED = "/limited";
    /**
     * The context whose module filter looks for filters around it ({@code filtersAround} {@code auto}, the default),
     * and finds the async timeout filter; the root and {@link #LIMITED} say to ignore it ({@code ignore}), as it does
     * nothing with the response once its chain returned, so that their PENDINGs free the request's thread.
     */
    private static final String AROUND = "/around";
    /** The context with no filter around the module filter. */
    private static final String ALONE = "/alone";
    /** The context whose module filter has the {@link #PENDING_TIMEOUT} and finds the filter around it. */
    private static final String LIMITED_AROUND = "/limited-around";
    /** The context with the filter around and no module filter: the container's own behaviour, to compare with. */
    private static final String BARE = "/bare";
    /** The {@code pendingTimeout} of {@link #LIMITED}, in ms: the test of a module that never completes waits for it. */
    private static final long PENDING_TIMEOUT = 600;
    /**
     * The async timeout the test filter sets on every async cycle, in ms, as a deployment may: more than the client's
     * read timeout, so that a slow machine does not end a request by timeout (a response held back still fails the
     * read).
     */
    private static final long ASYNC_TIMEOUT = 30_000;
    /** What a {@code ?pend=log} request records: the servlet, LOG_REQUEST's PENDING completed on another thread. */
    private static final List<String> LOG_PENDING_EVENTS = List.of("servlet /echo", "LOG_REQUEST pending",
            "indicate CONTINUE", "POST_LOG_REQUEST on another thread", "END_REQUEST");
    /** What the modules and servlets did, in order. */
    static final ConcurrentLinkedQueue<String> EVENTS = new ConcurrentLinkedQueue<>();
    /** Counted down by each request of {@link #morePendingRequestsThanThreadsAllComplete}. */
    static volatile CountDownLatch barrier = new CountDownLatch(0);
    /** Released by the test once the client has the whole response: a LOG_REQUEST module completes then. */
    static volatile CountDownLatch responseRead = new CountDownLatch(0);
    /**
     * The request attribute holding a {@link CountDownLatch} counted down when the request's thread has left the
     * filters: a module's completion waits for it, so that it comes after PENDING freed that thread.
     */
    static final String REQUEST_THREAD_LEFT = "io.iisport.test.requestThreadLeft";
    /** The same for the request's first ASYNC dispatch. */
    static final String ASYNC_THREAD_LEFT = "io.iisport.test.asyncThreadLeft";
    /** How each {@code ?pend=race} request's completion went, by its {@code a}: accepted or refused. */
    static final Map<String, String> RACE_OUTCOMES = new ConcurrentHashMap<>();
    /** How many {@code ?pend=race} requests the race test sends; their completions are spread over 1.7 s. */
    private static final int RACE_REQUESTS = 40;
    /** The context of the last request whose module never completes. */
    static final AtomicReference<IHttpContext> ABANDONED = new AtomicReference<>();

    enum Container { JETTY, TOMCAT }

    private static Server jetty;
    private static Path tomcatBase;
    private static Tomcat tomcat;
    private static ExecutorService clients;

    @BeforeAll
    static void start() throws Exception {
        QueuedThreadPool pool = new QueuedThreadPool(REQUEST_THREADS + 2, 2);
        pool.setReservedThreads(0);
        jetty = new Server(pool);
        ServerConnector connector = new ServerConnector(jetty, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ContextHandlerCollection contexts = new ContextHandlerCollection();
        contexts.addHandler(jettyContext("/", Map.of("filtersAround", "ignore")));
        contexts.addHandler(jettyContext(LIMITED, Map.of("pendingTimeout", Long.toString(PENDING_TIMEOUT),
                "filtersAround", "ignore")));
        contexts.addHandler(jettyContext(AROUND, Map.of()));
        contexts.addHandler(jettyContext(ALONE, Map.of()));
        contexts.addHandler(jettyContext(BARE, null));
        contexts.addHandler(jettyContext(LIMITED_AROUND, Map.of("pendingTimeout", Long.toString(PENDING_TIMEOUT))));
        jetty.setHandler(contexts);
        jetty.start();

        tomcatBase = Files.createTempDirectory("iisport-pending");
        tomcat = TomcatTest.newTomcat(tomcatBase);
        tomcat.getConnector().setProperty("maxThreads", Integer.toString(REQUEST_THREADS));
        tomcat.getConnector().setProperty("minSpareThreads", "1");
        tomcatContext("", Map.of("filtersAround", "ignore"));
        tomcatContext(LIMITED, Map.of("pendingTimeout", Long.toString(PENDING_TIMEOUT), "filtersAround", "ignore"));
        tomcatContext(AROUND, Map.of());
        tomcatContext(ALONE, Map.of());
        tomcatContext(BARE, null);
        tomcatContext(LIMITED_AROUND, Map.of("pendingTimeout", Long.toString(PENDING_TIMEOUT)));
        tomcat.start();
        clients = Executors.newCachedThreadPool();
    }

    /**
     * A context with the async timeout filter (but on {@link #ALONE}), the module filter with {@code moduleParams}
     * besides its modules (none if {@code null}), and the servlets.
     */
    private static ServletContextHandler jettyContext(String path, Map<String, String> moduleParams) {
        ServletContextHandler context = new ServletContextHandler(path);
        EnumSet<DispatcherType> dispatches = EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC);
        if (!path.equals(ALONE)) {
            FilterHolder timeout = new FilterHolder(new AsyncTimeoutFilter());
            timeout.setAsyncSupported(true);
            context.addFilter(timeout, "/*", dispatches);
        }
        if (moduleParams != null) {
            FilterHolder modules = new FilterHolder(new IisModuleFilter());
            modules.setInitParameter("modules", "Deferred=" + DeferredModule.class.getName());
            moduleParams.forEach(modules::setInitParameter);
            modules.setAsyncSupported(true);
            context.addFilter(modules, "/*", dispatches);
        }
        for (Map.Entry<String, HttpServlet> servlet : servlets().entrySet()) {
            ServletHolder holder = new ServletHolder(servlet.getValue());
            holder.setAsyncSupported(true);
            context.addServlet(holder, servlet.getKey());
        }
        return context;
    }

    /** The same context on Tomcat ({@code ""} for the root). */
    private static void tomcatContext(String path, Map<String, String> moduleParams) {
        Context context = tomcat.addContext(path, tomcatBase.toString());
        if (!path.equals(ALONE)) {
            tomcatFilter(context, "timeout", new AsyncTimeoutFilter(), Map.of());
        }
        if (moduleParams != null) {
            Map<String, String> params = new java.util.HashMap<>(moduleParams);
            params.put("modules", "Deferred=" + DeferredModule.class.getName());
            tomcatFilter(context, "iis-modules", new IisModuleFilter(), params);
        }
        for (Map.Entry<String, HttpServlet> servlet : servlets().entrySet()) {
            String name = servlet.getKey().substring(1);
            Tomcat.addServlet(context, name, servlet.getValue()).setAsyncSupported(true);
            context.addServletMappingDecoded(servlet.getKey(), name);
        }
    }

    private static void tomcatFilter(Context context, String name, Filter filter, Map<String, String> params) {
        FilterDef def = new FilterDef();
        def.setFilterName(name);
        def.setFilter(filter);
        params.forEach(def::addInitParameter);
        def.setAsyncSupported("true");
        context.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName(name);
        map.addURLPattern("/*");
        map.setDispatcher(DispatcherType.REQUEST.name());
        map.setDispatcher(DispatcherType.ASYNC.name());
        context.addFilterMap(map);
    }

    private static Map<String, HttpServlet> servlets() {
        return Map.of("/echo", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                EVENTS.add("servlet " + req.getServletPath());
                if (req.getParameter("sendError") != null) {
                    resp.sendError(Integer.parseInt(req.getParameter("sendError")));
                    return;
                }
                resp.setContentType("text/plain");
                resp.getWriter().print("echo " + req.getDispatcherType() + " a=" + Arrays.toString(
                        req.getParameterValues("a")) + " async-uri=" + req.getAttribute(AsyncContext.ASYNC_REQUEST_URI));
                if (req.getParameter("names") != null) {
                    resp.getWriter().print(" names=" + Collections.list(req.getAttributeNames()).stream()
                            .filter(name -> !name.startsWith("io.iisport.test.")).sorted().toList());
                }
            }
        }, "/async", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                EVENTS.add("servlet " + req.getServletPath() + (req.getDispatcherType() == DispatcherType.ASYNC
                        ? " again" : ""));
                if (req.getDispatcherType() == DispatcherType.ASYNC) {
                    resp.setContentType("text/plain");
                    resp.getWriter().print("dispatched by the listener after the error");
                    return;
                }
                AsyncContext async = req.startAsync();
                if ("dispatch".equals(req.getParameter("listen"))) {
                    // As Spring MVC's async does: the error goes back to the servlet in an ASYNC dispatch.
                    async.addListener(new NoOpListener() {
                        @Override
                        public void onError(AsyncEvent event) {
                            event.getAsyncContext().dispatch();
                        }
                    });
                    return;
                }
                if (req.getParameter("listen") != null) {
                    async.addListener(new NoOpListener());
                }
                CountDownLatch left = (CountDownLatch) req.getAttribute(REQUEST_THREAD_LEFT);
                // With ?throwAfter the filter around throws once its chain returned: the container's answer to that
                // comes first.
                long settle = req.getParameter("throwAfter") != null ? 300 : 0;
                onItsOwnThread("servlet's own", () -> {
                    try {
                        // Once the dispatch returned: the servlet's complete() then ends the request on this thread.
                        left.await(Wire.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                        Thread.sleep(settle);
                        async.getResponse().setContentType("text/plain");
                        async.getResponse().getWriter().print("completed by the servlet's own thread");
                        async.complete();
                        EVENTS.add("complete() returned");
                    } catch (IOException | InterruptedException | RuntimeException e) {
                        EVENTS.add("servlet failed");
                    }
                });
            }
        }, "/stale", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                if (req.getDispatcherType() == DispatcherType.ASYNC) {
                    EVENTS.add("servlet /stale again");
                    resp.setContentType("text/plain");
                    resp.getWriter().print("written by the ASYNC dispatch");
                    return;
                }
                EVENTS.add("servlet /stale");
                AsyncContext async = req.startAsync();
                CountDownLatch left = (CountDownLatch) req.getAttribute(ASYNC_THREAD_LEFT);
                onItsOwnThread("servlet's own", () -> {
                    async.dispatch();
                    try {
                        // Once the ASYNC dispatch, whose end a module holds in LOG_REQUEST, left the filters: an
                        // application bug the container refuses once the request ended.
                        left.await(Wire.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                        EVENTS.add("stale complete()");
                        async.complete();
                    } catch (InterruptedException | RuntimeException e) {
                        EVENTS.add("stale complete() failed");
                    }
                });
            }
        }, "/rewritten", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                EVENTS.add("servlet " + req.getServletPath());
                resp.setContentType("text/plain");
                resp.getWriter().print("rewritten " + req.getDispatcherType() + " query=" + req.getQueryString());
            }
        });
    }

    @AfterAll
    static void stop() throws Exception {
        if (clients != null) {
            clients.shutdownNow();
        }
        if (jetty != null) {
            jetty.stop();
        }
        TomcatTest.stopAndDelete(tomcat, tomcatBase);
    }

    @BeforeEach
    void clear() {
        EVENTS.clear();
    }

    private static int port(Container container) {
        return container == Container.JETTY ? ((ServerConnector) jetty.getConnectors()[0]).getLocalPort()
                : tomcat.getConnector().getLocalPort();
    }

    /** One HTTP/1.1 exchange on a raw socket; the server closes the connection after the response. */
    private static HttpTester.Response get(Container container, String target) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port(container))) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            HttpTester.Response response = HttpTester.parseResponse(in);
            assertThat("the connection closes after the full response", in.read(), is(-1));
            return response;
        }
    }

    /** Runs {@code run} on a daemon thread of its own named {@code name}, as a servlet's or a module's executor. */
    static void onItsOwnThread(String name, Runnable run) {
        Thread thread = new Thread(run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits, at most {@link Wire#TIMEOUT_SECONDS}, until the event is recorded. */
    private static void awaitEvent(String event) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Wire.TIMEOUT_SECONDS);
        while (!EVENTS.contains(event) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(List.copyOf(EVENTS), hasItem(event));
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void indicateCompletionRunsTheServletOnceAsForARequest(Container container) throws Exception {
        HttpTester.Response response = get(container, "/echo?pend=indicate&a=1");
        assertThat(response.getStatus(), is(200));
        assertThat(response.getContent(), is("echo REQUEST a=[1] async-uri=null"));
        awaitEvent("END_REQUEST");
        assertThat(List.copyOf(EVENTS), is(List.of("BEGIN_REQUEST pending", "indicate CONTINUE",
                "POST_BEGIN_REQUEST on another thread", "servlet /echo", "LOG_REQUEST", "END_REQUEST")));
    }

    /**
     * The servlet run after a PENDING sees the request attributes it sees without the filter: not the container's
     * async ones (its dispatch is reported as REQUEST), nor the one under which the filter follows the request's
     * async cycles (before, {@code getAttributeNames()} listed it).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void theServletRunAfterAPendingSeesTheAttributesItSeesBare(Container container) throws Exception {
        HttpTester.Response bare = get(container, BARE + "/echo?a=1&names=1");
        HttpTester.Response response = get(container, "/echo?pend=indicate&a=1&names=1");
        assertThat(response.getContent(), is(bare.getContent()));
        awaitEvent("END_REQUEST");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void postCompletionCallsOnAsyncCompletionWhoseContinueRunsTheServlet(Container container) throws Exception {
        HttpTester.Response response = get(container, "/echo?pend=post&a=2");
        assertThat(response.getStatus(), is(200));
        assertThat(response.get("X-Completion"), is("bytes=7 status=0 notification=RQ_BEGIN_REQUEST post=false"));
        assertThat(response.getContent(), is("echo REQUEST a=[2] async-uri=null"));
        awaitEvent("END_REQUEST");
        assertThat(List.copyOf(EVENTS), hasItem("OnAsyncCompletion on another thread"));
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void onAsyncCompletionReturningFinishRequestSendsTheModulesResponse(Container container) throws Exception {
        HttpTester.Response response = get(container, "/echo?pend=postfinish");
        assertThat(response.getStatus(), is(203));
        assertThat(response.getContent(), is("finished by the module after 9 bytes"));
        awaitEvent("END_REQUEST");
        assertThat(List.copyOf(EVENTS), not(hasItem("servlet /echo")));
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void setUrlThenPendingRunsTheRewrittenServlet(Container container) throws Exception {
        HttpTester.Response response = get(container, "/echo?pend=seturl&a=3");
        assertThat(response.getStatus(), is(200));
        assertThat(response.getContent(), is("rewritten FORWARD query=b=4"));
        awaitEvent("END_REQUEST");
        assertThat(List.copyOf(EVENTS), not(hasItem("servlet /echo")));
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void pendingInLogRequestAfterASynchronousServletEndsTheRequestWhenCompleted(Container container)
            throws Exception {
        HttpTester.Response response = get(container, "/echo?pend=log&a=5");
        assertThat(response.getStatus(), is(200));
        assertThat(response.getContent(), is("echo REQUEST a=[5] async-uri=null"));
        awaitEvent("END_REQUEST");
        assertThat(List.copyOf(EVENTS), is(LOG_PENDING_EVENTS));
    }

    /**
     * IIS sends the response before RQ_LOG_REQUEST: an asynchronous logger does not hold it back, when no filter is
     * around the module filter (what it would write after its chain is not lost then).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void theClientHasTheWholeResponseWhileALogRequestModuleIsPending(Container container) throws Exception {
        theClientHasTheWholeResponseWhileALogRequestModuleIsPending(container, ALONE);
    }

    /** {@code filtersAround=ignore}: the response is sent so too with a filter around the module filter. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void theClientHasTheWholeResponseWhileALogRequestModuleIsPendingWhenTheFiltersAroundAreIgnored(
            Container container) throws Exception {
        theClientHasTheWholeResponseWhileALogRequestModuleIsPending(container, "");
    }

    private void theClientHasTheWholeResponseWhileALogRequestModuleIsPending(Container container, String contextPath)
            throws Exception {
        responseRead = new CountDownLatch(1);
        try (Socket socket = new Socket("127.0.0.1", port(container))) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + contextPath + "/echo?pend=logheld&a=6 HTTP/1.1\r\nHost: test\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            // The module completes only after this read: a response held back until then times the read out.
            HttpTester.Response response = HttpTester.parseResponse(in);
            assertThat(response.getStatus(), is(200));
            assertThat(response.getContent(), is("echo REQUEST a=[6] async-uri=null"));
            responseRead.countDown();
            assertThat("the connection closes once the request ended", in.read(), is(-1));
        } finally {
            responseRead.countDown();
        }
        awaitEvent("END_REQUEST");
        // Not ended by the async timeout: the module completed after the client had the response.
        assertThat(List.copyOf(EVENTS), is(List.of("servlet /echo", "indicate CONTINUE", "END_REQUEST")));
    }

    /**
     * A filter around the module filter that sets a header and writes after its chain returns, as a compressing or
     * caching wrapper does: with a module pending in LOG_REQUEST the request's thread waits for the module, and the
     * response has what the filter added, as without the module filter (before, the response was finished on the wire
     * first and both were lost).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void whatAFilterAroundWritesAfterItsChainIsSentWithALogRequestModulePending(Container container)
            throws Exception {
        assertTheFilterAroundWroteAfterTheServlet(get(container, AROUND + "/echo?pend=log&a=7&after=1"), "7");
        assertThat(List.copyOf(EVENTS), is(List.of("servlet /echo", "LOG_REQUEST pending", "indicate CONTINUE",
                "POST_LOG_REQUEST on the pending thread", "END_REQUEST")));
    }

    /**
     * A filter around that keeps the body and writes it once its chain returned unless the request went async, as
     * filters built on Spring's {@code ContentCachingResponseWrapper} do: with a module pending in LOG_REQUEST the
     * request is not in async processing when that filter looks (its thread waits for the module), so the body goes
     * out (before, async held the response: the filter left the body to an ASYNC dispatch that never came, and the
     * client got an empty 200).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aFilterAroundThatLeavesAsyncRequestsToTheirDispatchSendsTheBodyWithALogRequestModulePending(
            Container container) throws Exception {
        HttpTester.Response response = get(container, AROUND + "/echo?pend=log&a=12&cache=1");
        assertThat(response.getStatus(), is(200));
        String body = "echo REQUEST a=[12] async-uri=null";
        assertThat(response.get("X-Cached"), is(Integer.toString(body.length())));
        assertThat(response.getContent(), is(body));
        awaitEvent("END_REQUEST");
    }

    /** With {@code filtersAround=ignore} what the filter around adds after its chain is dropped, as documented. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void whatAFilterAroundWritesAfterItsChainIsDroppedWhenTheFiltersAroundAreIgnored(Container container)
            throws Exception {
        HttpTester.Response response = get(container, "/echo?pend=log&a=8&after=1");
        assertThat(response.getStatus(), is(200));
        assertThat(response.get("X-After"), is((String) null));
        assertThat(response.getContent(), is("echo REQUEST a=[8] async-uri=null"));
        awaitEvent("END_REQUEST");
    }

    /**
     * A PENDING at BEGIN_REQUEST under a filter around the module filter that writes once its chain returned: the
     * request's thread waits for the completion, so the servlet runs inside that filter, in the request's own
     * dispatch, and the filter's writes follow the servlet's, as without the module filter (before, the thread was
     * freed: the filter wrote first and the servlet ran later in an ASYNC dispatch).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aPendingBeforeTheHandlerUnderAFilterAroundRunsTheServletInsideIt(Container container) throws Exception {
        assertTheFilterAroundWroteAfterTheServlet(get(container, AROUND + "/echo?pend=delayed&a=9&after=1"), "9");
        assertThat(List.copyOf(EVENTS), is(List.of("BEGIN_REQUEST pending", "indicate CONTINUE", "servlet /echo",
                "LOG_REQUEST", "END_REQUEST")));
    }

    /**
     * A filter around the module filter that throws once its chain returned, with a module pending in LOG_REQUEST: the
     * request's thread waits for the module, and the client gets the container's answer to the exception, as without
     * the pending module (which answers as bare, see the conformance suite's {@code outerFilter.throw}); the end ran
     * before the exception, so END_REQUEST read the servlet's status (before, async held the response and it went out
     * as a 200 on Jetty).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aFilterAroundThatThrowsAfterItsChainGetsTheContainersAnswerWithALogRequestModulePending(Container container)
            throws Exception {
        aFilterAroundThatThrowsAfterItsChainGetsTheContainersAnswer(container, "", 200);
    }

    /** The same after the servlet's {@code sendError(404)} (before: an empty 500 on Tomcat). */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aFilterAroundThatThrowsAfterASendErrorGetsTheContainersAnswerWithALogRequestModulePending(
            Container container) throws Exception {
        aFilterAroundThatThrowsAfterItsChainGetsTheContainersAnswer(container, "&sendError=404", 404);
    }

    /**
     * @param query added to the request's
     * @param endStatus what END_REQUEST reads
     */
    private void aFilterAroundThatThrowsAfterItsChainGetsTheContainersAnswer(Container container, String query,
            int endStatus) throws Exception {
        HttpTester.Response unpending = get(container, AROUND + "/echo?a=10&throwAfter=1" + query);
        awaitEvent("END_REQUEST");
        EVENTS.clear();
        HttpTester.Response response = get(container, AROUND + "/echo?pend=log&a=10&throwAfter=1" + query);
        assertThat(response.getStatus(), is(unpending.getStatus()));
        // (Jetty's page shows the request's URI.)
        assertThat(response.getContent().replace("pend=log&amp;", ""), is(unpending.getContent()));
        awaitEvent("END_REQUEST");
        assertThat(List.copyOf(EVENTS), is(List.of("servlet /echo", "LOG_REQUEST pending", "indicate CONTINUE",
                "POST_LOG_REQUEST on the pending thread", "END_REQUEST reads " + endStatus, "END_REQUEST")));
    }

    /**
     * An async servlet on the filter's objects that completes from a thread of its own, with a module pending in
     * LOG_REQUEST: its {@code complete()} returns at once, as without the filter (the request stays suspended on the
     * servlet's cycle, the end goes on on a container thread once the module completes and completes the cycle), and
     * the client gets the response. (Before, the servlet's thread waited for the module.)
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void anAsyncServletsCompleteDoesNotWaitForAModulePendingInLogRequest(Container container) throws Exception {
        HttpTester.Response response = get(container, "/async?pend=asynclogbuffered");
        assertThat(response.getStatus(), is(203));
        assertThat(response.getContent(), is("completed by the servlet's own thread"));
        awaitEvent("END_REQUEST");
        assertThat(List.copyOf(EVENTS), is(List.of("servlet /async", "LOG_REQUEST pending", "complete() returned",
                "indicate CONTINUE", "END_REQUEST")));
    }

    /**
     * The same with a module that never completes, where the {@code pendingTimeout} (600 ms) is shorter than the
     * servlet's cycle's timeout (30 s): the servlet's {@code complete()} still returns at once, and the request ends at
     * the {@code pendingTimeout}, which the filter's own timer runs (before, the servlet's thread waited for the module
     * until then; and before that, the request stayed suspended on the servlet's cycle until its 30 s timeout).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aModulePendingAfterAnAsyncServletsCompleteEndsAtThePendingTimeout(Container container) throws Exception {
        long start = System.nanoTime();
        HttpTester.Response response = get(container, LIMITED + "/async?pend=asynclognever");
        assertThat(response.getStatus(), is(203));
        assertThat(response.getContent(), is("completed by the servlet's own thread"));
        awaitEvent("END_REQUEST");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat("the request ended at the pendingTimeout, not the cycle's", millis,
                both(greaterThanOrEqualTo(PENDING_TIMEOUT)).and(lessThan(ASYNC_TIMEOUT / 6)));
        assertThat(List.copyOf(EVENTS), is(List.of("servlet /async", "LOG_REQUEST pending", "complete() returned",
                "END_REQUEST")));
    }

    /**
     * A filter around the module filter that throws once its chain returned while the servlet is in async processing
     * (it completes later from a thread of its own), no module pending: the client gets what the container answers
     * without the module filter, to a cycle with an {@code AsyncListener} (the filter listens to every async cycle to
     * raise LOG_REQUEST and END_REQUEST; Jetty sends its error page then, and ignores the exception only for a cycle
     * without listeners), and LOG_REQUEST and END_REQUEST are raised once. Tomcat closes the connection without a
     * response, and neither completes the cycle nor calls {@code onComplete}: the request ends when the listeners
     * return from {@code onError} (before, it never ended: no LOG_REQUEST, no END_REQUEST).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aFilterAroundThatThrowsAfterItsChainWhileTheServletIsAsyncEndsTheRequestOnce(Container container)
            throws Exception {
        aFilterAroundThatThrowsAfterItsChainWhileTheServletIsAsync(container, "");
    }

    /** The same where the servlet has the filter's objects (a module set the status before the handler). */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aFilterAroundThatThrowsAfterItsChainWhileTheServletIsAsyncOnTheFiltersObjectsEndsTheRequestOnce(
            Container container) throws Exception {
        aFilterAroundThatThrowsAfterItsChainWhileTheServletIsAsync(container, "&pend=buffered");
    }

    private void aFilterAroundThatThrowsAfterItsChainWhileTheServletIsAsync(Container container, String query)
            throws Exception {
        HttpTester.Response bare = get(container, BARE + "/async?throwAfter=1&listen=1");
        awaitEvent("servlet failed");
        EVENTS.clear();
        HttpTester.Response response = get(container, AROUND + "/async?throwAfter=1" + query);
        if (container == Container.TOMCAT) {
            assertThat("no response without the module filter", bare, is(nullValue()));
            assertThat(response, is(nullValue()));
        } else {
            assertThat(response.getStatus(), is(bare.getStatus()));
            assertThat(response.getContent().replace(AROUND, BARE).replace(query.replace("&", "&amp;"), ""),
                    is(bare.getContent().replace("&amp;listen=1", "")));
        }
        // The servlet's complete() then fails, as without the module filter.
        awaitEvent("servlet failed");
        awaitEvent("END_REQUEST");
        assertThat(List.copyOf(EVENTS), containsInAnyOrder("servlet /async", "LOG_REQUEST", "END_REQUEST reads 500",
                "END_REQUEST", "servlet failed"));
    }

    /**
     * The same where the servlet's listener dispatches the cycle in {@code onError}, as Spring MVC's async does: the
     * client gets the container's answer (Jetty: what the ASYNC dispatch wrote; Tomcat: its error page after it), as
     * without the module filter, and the request ends once, after that dispatch.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aFilterAroundThatThrowsAfterItsChainWhileTheServletIsAsyncLetsItsListenerDispatch(Container container)
            throws Exception {
        HttpTester.Response bare = get(container, BARE + "/async?throwAfter=1&listen=dispatch");
        EVENTS.clear();
        HttpTester.Response response = get(container, AROUND + "/async?throwAfter=1&listen=dispatch");
        assertThat(response.getStatus(), is(bare.getStatus()));
        assertThat(response.getContent(), is(bare.getContent()));
        awaitEvent("END_REQUEST");
        assertThat(List.copyOf(EVENTS), contains("servlet /async", "servlet /async again", "LOG_REQUEST",
                "END_REQUEST reads " + bare.getStatus(), "END_REQUEST"));
    }

    /**
     * A servlet that dispatches its async cycle, and later calls {@code complete()} on the {@code AsyncContext} it kept
     * (an application bug: without the filter the request has ended by then and the call throws) while a module pends
     * in LOG_REQUEST and the filter's suspension holds the request in an async cycle of its own: that call completes
     * the suspension's cycle (both containers keep one {@code AsyncContext} a request), so the request is kept until
     * the module completes, and the end goes on from it on that thread (before, the container recycled the request:
     * the module's {@code indicateCompletion} failed with a {@code NullPointerException} on Jetty and END_REQUEST was
     * never raised).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aStaleCompleteWhileAModuleIsPendingInLogRequestEndsTheRequestOnce(Container container) throws Exception {
        HttpTester.Response response = get(container, "/stale?pend=stale");
        assertThat(response.getStatus(), is(200));
        assertThat(response.getContent(), is("written by the ASYNC dispatch"));
        awaitEvent("END_REQUEST");
        awaitEvent("indicated CONTINUE");
        Thread.sleep(200);
        assertThat(List.copyOf(EVENTS), containsInAnyOrder("servlet /stale", "servlet /stale again",
                "LOG_REQUEST pending", "stale complete()", "indicated CONTINUE", "END_REQUEST"));
    }

    /** An {@code AsyncListener} that does nothing. */
    private static class NoOpListener implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent event) {
        }

        @Override
        public void onTimeout(AsyncEvent event) {
        }

        @Override
        public void onError(AsyncEvent event) {
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }
    }

    /** The servlet's answer to {@code a}, then what the filter around set and wrote once its chain returned. */
    private static void assertTheFilterAroundWroteAfterTheServlet(HttpTester.Response response, String a)
            throws InterruptedException {
        assertThat(response.getStatus(), is(200));
        assertThat(response.get("X-After"), is("set after the chain"));
        assertThat(response.getContent(), is("echo REQUEST a=[" + a + "] async-uri=null[after the chain]"));
        awaitEvent("END_REQUEST");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aModuleThatNeverCompletesEndsWithA500AtThePendingTimeout(Container container) throws Exception {
        long start = System.nanoTime();
        HttpTester.Response response = get(container, LIMITED + "/echo?pend=never");
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(response.getStatus(), is(500));
        // The init-param's timeout, not the longer one set on the async cycle before the filter.
        assertThat(tookMillis, both(greaterThanOrEqualTo(PENDING_TIMEOUT)).and(lessThan(ASYNC_TIMEOUT)));
        awaitEvent("END_REQUEST");
        assertThat(List.copyOf(EVENTS), is(List.of("BEGIN_REQUEST pending", "LOG_REQUEST", "END_REQUEST")));
        IHttpContext late = ABANDONED.get();
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> late.indicateCompletion(RQ_NOTIFICATION_CONTINUE));
        assertThat(refused.getMessage(), is("indicateCompletion: no notification of this request is pending"));
    }

    /**
     * The same under a filter around that sets a header and writes once its chain returned: the request's thread waits
     * for the module, and at the {@code pendingTimeout} the client gets what a servlet's {@code sendError(500)} gets
     * without the module filter, the filter's header included (before, on Jetty, the filter's write after the 500 also
     * logged "onError not handled due to prior sendError()").
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aModuleThatNeverCompletesUnderAFilterAroundAnswersAsASendErrorDoesBare(Container container)
            throws Exception {
        HttpTester.Response bare = get(container, BARE + "/echo?sendError=500&after=1");
        EVENTS.clear();
        HttpTester.Response response = get(container, LIMITED_AROUND + "/echo?pend=never&after=1");
        assertThat(response.getStatus(), is(500));
        assertThat(response.get("X-After"), is(bare.get("X-After")));
        assertThat(response.get("Content-Type"), is(bare.get("Content-Type")));
        // (Jetty's page shows the request's URI.)
        assertThat(response.getContent().replace(LIMITED_AROUND + "/echo?pend=never&amp;",
                BARE + "/echo?sendError=500&amp;"), is(bare.getContent()));
        awaitEvent("END_REQUEST");
        assertThat(List.copyOf(EVENTS), is(List.of("BEGIN_REQUEST pending", "LOG_REQUEST", "END_REQUEST")));
    }

    /**
     * Completions racing the {@code pendingTimeout} (on Tomcat, its once-a-second check of async timeouts): whichever
     * comes first decides, and the module learns which. A completion accepted runs the servlet, even when the timeout
     * comes while the pipeline goes on from it; one refused means the module failed: the 500.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aCompletionRacingThePendingTimeoutEitherRunsTheServletOrIsRefused(Container container) throws Exception {
        RACE_OUTCOMES.clear();
        int requests = RACE_REQUESTS;
        List<Future<HttpTester.Response>> responses = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            String target = LIMITED + "/echo?pend=race&a=" + i;
            responses.add(clients.submit(() -> get(container, target)));
        }
        Set<String> seen = new TreeSet<>();
        for (int i = 0; i < requests; i++) {
            HttpTester.Response response = responses.get(i).get(20, TimeUnit.SECONDS);
            String id = Integer.toString(i);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Wire.TIMEOUT_SECONDS);
            while (!RACE_OUTCOMES.containsKey(id) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            String outcome = RACE_OUTCOMES.get(id);
            String what = "request " + id + ": " + response.getStatus() + ", completion " + outcome;
            if ("accepted".equals(outcome)) {
                assertThat(what, response.getStatus(), is(200));
                assertThat(what, response.getContent(), is("echo REQUEST a=[" + id + "] async-uri=null"));
            } else {
                assertThat(what, outcome, is("refused"));
                assertThat(what, response.getStatus(), is(500));
            }
            seen.add(outcome);
        }
        // Both sides of the race happened, or the test proved nothing.
        assertThat(seen, contains("accepted", "refused"));
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void morePendingRequestsThanThreadsAllComplete(Container container) throws Exception {
        int requests = REQUEST_THREADS * 3;
        // Each module completes only once every request is pending at once: a waiting thread each would starve.
        barrier = new CountDownLatch(requests);
        List<Future<HttpTester.Response>> responses = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            String target = "/echo?pend=barrier&a=" + i;
            responses.add(clients.submit(() -> get(container, target)));
        }
        for (int i = 0; i < requests; i++) {
            HttpTester.Response response = responses.get(i).get(20, TimeUnit.SECONDS);
            assertThat(response.getContent(), response.getStatus(), is(200));
            assertThat(response.getContent(), is("echo REQUEST a=[" + i + "] async-uri=null"));
        }
    }

    /**
     * Sets an async timeout of {@link #ASYNC_TIMEOUT} on the async cycles started behind it, as a deployment may.
     * Counts down the request's {@link #REQUEST_THREAD_LEFT} latch when the request's first dispatch leaves it, and
     * its {@link #ASYNC_THREAD_LEFT} latch when its first ASYNC dispatch does. With
     * {@code ?after}, sets a header and writes once its chain returned; with {@code ?throwAfter}, throws then.
     */
    public static final class AsyncTimeoutFilter implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            CountDownLatch left = new CountDownLatch(1);
            if (request.getDispatcherType() == DispatcherType.REQUEST) {
                request.setAttribute(REQUEST_THREAD_LEFT, left);
                request.setAttribute(ASYNC_THREAD_LEFT, new CountDownLatch(1));
            } else if (request.getDispatcherType() == DispatcherType.ASYNC
                    && request.getAttribute(ASYNC_THREAD_LEFT) instanceof CountDownLatch asyncLeft) {
                left = asyncLeft;
            }
            try {
                if (request.getParameter("cache") != null) {
                    cacheUnlessAsync(request, (HttpServletResponse) response, chain);
                    return;
                }
                timeoutOnStartAsync(request, response, chain);
                if (request.getDispatcherType() == DispatcherType.REQUEST && request.getParameter("after") != null) {
                    ((HttpServletResponse) response).setHeader("X-After", "set after the chain");
                    response.getWriter().print("[after the chain]");
                }
                if (request.getDispatcherType() == DispatcherType.REQUEST
                        && request.getParameter("throwAfter") != null) {
                    throw new ServletException("thrown by the filter around once its chain returned");
                }
            } finally {
                left.countDown();
            }
        }

        /**
         * As filters built on Spring's {@code ContentCachingResponseWrapper} do: keeps the body the servlet writes, and
         * writes it out once its chain returned, unless the request went async (its ASYNC dispatch would do it then).
         */
        private static void cacheUnlessAsync(ServletRequest request, HttpServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            java.io.PrintWriter writer = new java.io.PrintWriter(new java.io.OutputStreamWriter(body,
                    StandardCharsets.UTF_8));
            timeoutOnStartAsync(request, new jakarta.servlet.http.HttpServletResponseWrapper(response) {
                @Override
                public java.io.PrintWriter getWriter() {
                    return writer;
                }
            }, chain);
            if (!request.isAsyncStarted()) {
                writer.flush();
                response.setHeader("X-Cached", Integer.toString(body.size()));
                response.getOutputStream().write(body.toByteArray());
            }
        }

        private static void timeoutOnStartAsync(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            chain.doFilter(new HttpServletRequestWrapper((HttpServletRequest) request) {
                @Override
                public AsyncContext startAsync() {
                    AsyncContext started = super.startAsync();
                    started.setTimeout(ASYNC_TIMEOUT);
                    return started;
                }

                @Override
                public AsyncContext startAsync(ServletRequest request, ServletResponse response) {
                    AsyncContext started = super.startAsync(request, response);
                    started.setTimeout(ASYNC_TIMEOUT);
                    return started;
                }
            }, response);
        }
    }

    /**
     * Returns PENDING as {@code ?pend=} says and completes from a thread of its own once the request's thread has left
     * the filters.
     */
    public static final class DeferredModule implements RegisterModule {
        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
            moduleInfo.setRequestNotifications(Module::new, RequestNotification.RQ_BEGIN_REQUEST
                    | RequestNotification.RQ_LOG_REQUEST | RequestNotification.RQ_END_REQUEST,
                    RequestNotification.RQ_BEGIN_REQUEST | RequestNotification.RQ_LOG_REQUEST);
        }

        static final class Module extends CHttpModule {
            /** The thread that returned PENDING, and its request's {@link #REQUEST_THREAD_LEFT} latch. */
            private Thread pendingThread;
            private CountDownLatch pendingThreadLeft;

            private static String mode(IHttpContext context) {
                String mode = context.getServletRequest().getParameter("pend");
                return mode == null ? "" : mode;
            }

            private void pending(IHttpContext context) {
                pendingThread = Thread.currentThread();
                pendingThreadLeft = (CountDownLatch) context.getServletRequest().getAttribute(REQUEST_THREAD_LEFT);
            }

            /**
             * Whether {@code dispatch}, the thread that returned PENDING, waits in the module filter for the
             * completion (filters around the module filter keep it there).
             */
            private static boolean waitsForTheCompletion(Thread dispatch) {
                Thread.State state = dispatch.getState();
                return (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING)
                        && Arrays.stream(dispatch.getStackTrace()).anyMatch(frame -> frame.getClassName().equals(
                                "io.iisport.filter.PendingCompletion") && frame.getMethodName().equals("await"));
            }

            private static void onItsOwnThread(Runnable completion) {
                PendingCompletionTest.onItsOwnThread("module completion", completion);
            }

            /**
             * Completes once the thread that returned PENDING has left the filters, or waits in the module filter for
             * the completion (filters around keep it), so the completion cannot come first, whatever the load.
             */
            private void later(Runnable completion) {
                CountDownLatch left = pendingThreadLeft;
                Thread dispatch = pendingThread;
                onItsOwnThread(() -> {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Wire.TIMEOUT_SECONDS);
                    try {
                        while (left.getCount() > 0 && !waitsForTheCompletion(dispatch)
                                && System.nanoTime() < deadline) {
                            Thread.sleep(5);
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                    completion.run();
                });
            }

            private void indicateLater(IHttpContext context) {
                later(() -> {
                    EVENTS.add("indicate CONTINUE");
                    context.indicateCompletion(RQ_NOTIFICATION_CONTINUE);
                });
            }

            /**
             * Whether the notification after the completion runs on the thread that returned PENDING while that
             * thread is still in the filters (it waited for the completion): a pool thread that has left them and
             * took the continuation is another thread in all that matters.
             */
            private String thread() {
                return Thread.currentThread() == pendingThread && pendingThreadLeft.getCount() > 0
                        ? "on the pending thread" : "on another thread";
            }

            @Override
            public RequestNotificationStatus onBeginRequest(IHttpContext context, IHttpEventProvider provider) {
                pending(context);
                switch (mode(context)) {
                    case "indicate" -> indicateLater(context);
                    case "post" -> later(() -> context.postCompletion(7));
                    case "postfinish" -> later(() -> context.postCompletion(9));
                    case "seturl" -> {
                        context.getRequest().setUrl("/rewritten?b=4", true);
                        indicateLater(context);
                    }
                    case "never" -> ABANDONED.set(context);
                    case "delayed" -> {
                        // Completes on its own, whether or not the request's thread waits for it.
                        EVENTS.add("BEGIN_REQUEST pending");
                        onItsOwnThread(() -> {
                            try {
                                Thread.sleep(200);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            EVENTS.add("indicate CONTINUE");
                            context.indicateCompletion(RQ_NOTIFICATION_CONTINUE);
                        });
                        return RQ_NOTIFICATION_PENDING;
                    }
                    case "race" -> {
                        String id = context.getServletRequest().getParameter("a");
                        // Spread evenly from well before the pendingTimeout to past Tomcat's next check of async
                        // timeouts: the first few are surely accepted and the last few surely refused, whatever the
                        // machine's speed, and those between race the timeout.
                        long delay = PENDING_TIMEOUT - 300 + Integer.parseInt(id) * 1700L / RACE_REQUESTS;
                        onItsOwnThread(() -> {
                            try {
                                Thread.sleep(delay);
                                context.indicateCompletion(RQ_NOTIFICATION_CONTINUE);
                                RACE_OUTCOMES.put(id, "accepted");
                            } catch (IllegalStateException e) {
                                RACE_OUTCOMES.put(id, "refused");
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            } catch (RuntimeException e) {
                                RACE_OUTCOMES.put(id, "threw " + e);
                            }
                        });
                        return RQ_NOTIFICATION_PENDING;
                    }
                    case "barrier" -> {
                        CountDownLatch all = barrier;
                        all.countDown();
                        onItsOwnThread(() -> {
                            try {
                                boolean together = all.await(15, TimeUnit.SECONDS);
                                context.indicateCompletion(together ? RQ_NOTIFICATION_CONTINUE
                                        : RQ_NOTIFICATION_FINISH_REQUEST);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        });
                        return RQ_NOTIFICATION_PENDING;
                    }
                    case "asynclogbuffered", "asynclognever", "buffered" -> {
                        // A status set before the handler: the servlet gets the filter's objects.
                        context.getResponse().setStatus(203, "Non-Authoritative Information");
                        return RQ_NOTIFICATION_CONTINUE;
                    }
                    default -> {
                        return RQ_NOTIFICATION_CONTINUE;
                    }
                }
                // Recorded after the completion was set off: it waits until this thread has left the filters.
                EVENTS.add("BEGIN_REQUEST pending");
                return RQ_NOTIFICATION_PENDING;
            }

            @Override
            public RequestNotificationStatus onPostBeginRequest(IHttpContext context, IHttpEventProvider provider) {
                if (mode(context).equals("indicate")) {
                    EVENTS.add("POST_BEGIN_REQUEST " + thread());
                }
                return RQ_NOTIFICATION_CONTINUE;
            }

            @Override
            public RequestNotificationStatus onAsyncCompletion(IHttpContext context, int notification,
                    boolean postNotification, IHttpEventProvider provider, IHttpCompletionInfo completionInfo) {
                EVENTS.add("OnAsyncCompletion " + thread());
                if (mode(context).equals("postfinish")) {
                    context.getResponse().setStatus(203, "Non-Authoritative Information");
                    context.getResponse().writeEntityChunks(new HttpDataChunk[] {HttpDataChunk.fromString(
                            "finished by the module after " + completionInfo.getCompletionBytes() + " bytes",
                            StandardCharsets.UTF_8)}, false, false);
                    return RQ_NOTIFICATION_FINISH_REQUEST;
                }
                context.getResponse().setHeader("X-Completion", "bytes=" + completionInfo.getCompletionBytes()
                        + " status=" + completionInfo.getCompletionStatus() + " notification="
                        + RequestNotification.nameOf(notification) + " post=" + postNotification, true);
                return RQ_NOTIFICATION_CONTINUE;
            }

            @Override
            public RequestNotificationStatus onLogRequest(IHttpContext context, IHttpEventProvider provider) {
                if (mode(context).equals("logheld")) {
                    CountDownLatch read = responseRead;
                    onItsOwnThread(() -> {
                        try {
                            read.await(15, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        EVENTS.add("indicate CONTINUE");
                        context.indicateCompletion(RQ_NOTIFICATION_CONTINUE);
                    });
                    return RQ_NOTIFICATION_PENDING;
                }
                if (mode(context).equals("stale")) {
                    EVENTS.add("LOG_REQUEST pending");
                    onItsOwnThread(() -> {
                        try {
                            awaitEvent("stale complete()");
                            Thread.sleep(100);
                            context.indicateCompletion(RQ_NOTIFICATION_CONTINUE);
                            EVENTS.add("indicated CONTINUE");
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } catch (RuntimeException | AssertionError e) {
                            EVENTS.add("indicateCompletion threw " + e);
                        }
                    });
                    return RQ_NOTIFICATION_PENDING;
                }
                if (mode(context).equals("asynclognever")) {
                    EVENTS.add("LOG_REQUEST pending");
                    return RQ_NOTIFICATION_PENDING;
                }
                if (mode(context).startsWith("asynclog")) {
                    EVENTS.add("LOG_REQUEST pending");
                    onItsOwnThread(() -> {
                        try {
                            // The servlet's complete() returns while this module is pending, as it returns at once
                            // without the filter: it does not wait for the completion.
                            awaitEvent("complete() returned");
                        } catch (InterruptedException e) {
                            return;
                        }
                        EVENTS.add("indicate CONTINUE");
                        context.indicateCompletion(RQ_NOTIFICATION_CONTINUE);
                    });
                    return RQ_NOTIFICATION_PENDING;
                }
                if (mode(context).equals("log")) {
                    pending(context);
                    EVENTS.add("LOG_REQUEST pending");
                    indicateLater(context);
                    return RQ_NOTIFICATION_PENDING;
                }
                if (!mode(context).equals("barrier")) {
                    EVENTS.add("LOG_REQUEST");
                }
                return RQ_NOTIFICATION_CONTINUE;
            }

            @Override
            public RequestNotificationStatus onPostLogRequest(IHttpContext context, IHttpEventProvider provider) {
                if (mode(context).equals("log")) {
                    EVENTS.add("POST_LOG_REQUEST " + thread());
                }
                return RQ_NOTIFICATION_CONTINUE;
            }

            @Override
            public RequestNotificationStatus onEndRequest(IHttpContext context, IHttpEventProvider provider) {
                if (context.getServletRequest().getParameter("throwAfter") != null) {
                    EVENTS.add("END_REQUEST reads " + context.getResponse().getStatus());
                }
                if (!mode(context).equals("barrier")) {
                    EVENTS.add("END_REQUEST");
                }
                return RQ_NOTIFICATION_CONTINUE;
            }
        }
    }
}
