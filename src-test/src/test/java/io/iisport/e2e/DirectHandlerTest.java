package io.iisport.e2e;

import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.iisport.filter.IisModuleFilter;
import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.HttpDataChunk;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpResponse;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotification;
import io.iisport.httpserv.RequestNotificationStatus;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
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
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A pipeline whose modules act only before the handler (the shape of request filtering, IP restriction and URL
 * rewrite modules), or read the response only once it was sent (RQ_LOG_REQUEST and RQ_END_REQUEST: logging modules),
 * hands the servlet the container's own request and response, on Jetty 12 and Tomcat: the servlet runs exactly as
 * without the filter, while the modules' last notifications and disposal still follow the request's end (after an
 * async completion too) and forwards and async dispatches stay one request for the pipeline. As soon as a module
 * changed something the servlet must see through the filter (a request header, the URL, a body chunk, the status), or
 * a module is subscribed to a notification between the handler's start and the send, the servlet gets the filter's
 * objects.
 */
class DirectHandlerTest {
    /** What the modules and servlets did, in order. */
    static final ConcurrentLinkedQueue<String> EVENTS = new ConcurrentLinkedQueue<>();
    /** The status {@link EndModule} saw at END_REQUEST. */
    static volatile int endStatus;
    /** The context a module kept past its request ({@code act=keep}). */
    static final AtomicReference<IHttpContext> KEPT = new AtomicReference<>();
    /** Counted down when the servlet holds a request ({@code op=hold}); it answers once {@link #release} is. */
    static volatile CountDownLatch holding = new CountDownLatch(1);
    static volatile CountDownLatch release = new CountDownLatch(1);

    enum Container { JETTY, TOMCAT }

    private static Server jetty;
    private static Path tomcatBase;
    private static Tomcat tomcat;

    /**
     * The module filters: BEGIN_REQUEST alone on /d/* and /c/*, BEGIN_REQUEST and END_REQUEST on /w/*, BEGIN_REQUEST
     * and LOG_REQUEST with END_REQUEST on /l/*, SEND_RESPONSE on /s/*, BEGIN_REQUEST and SEND_RESPONSE on /f/*, all of
     * these on /m/* (the filter's own objects, with a logging module). On
     * /c/* and /b/* (no module filter) {@link CommitFirst} runs before them.
     */
    private static Map<String, String> filters() {
        Map<String, String> filters = new LinkedHashMap<>();
        filters.put("/d/*", "Begin=" + BeginModule.class.getName());
        filters.put("/w/*", "Begin=" + BeginModule.class.getName() + "\nEnd=" + EndModule.class.getName());
        filters.put("/l/*", "Begin=" + BeginModule.class.getName() + "\nLog=" + LogModule.class.getName());
        filters.put("/c/*", "Begin=" + BeginModule.class.getName());
        filters.put("/s/*", "Send=" + SendModule.class.getName());
        filters.put("/f/*", "Begin=" + BeginModule.class.getName() + "\nSend=" + SendModule.class.getName());
        filters.put("/m/*", "Begin=" + BeginModule.class.getName() + "\nLog=" + LogModule.class.getName() + "\nSend="
                + SendModule.class.getName());
        return filters;
    }

    /** A filter before the module filter that writes and commits the response, then calls the chain. */
    static final class CommitFirst implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            response.getWriter().print("early-");
            response.flushBuffer();
            chain.doFilter(request, response);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        EnumSet<DispatcherType> dispatches = EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC,
                DispatcherType.FORWARD);
        for (String pattern : List.of("/c/*", "/b/*")) {
            context.addFilter(new FilterHolder(new CommitFirst()), pattern, EnumSet.of(DispatcherType.REQUEST));
        }
        for (Map.Entry<String, String> filter : filters().entrySet()) {
            FilterHolder holder = new FilterHolder(new IisModuleFilter());
            holder.setInitParameter("modules", filter.getValue());
            holder.setAsyncSupported(true);
            context.addFilter(holder, filter.getKey(), dispatches);
        }
        ServletHolder holder = new ServletHolder(new Servlet());
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/*");
        jetty.setHandler(context);
        jetty.start();

        tomcatBase = Files.createTempDirectory("iisport-direct");
        tomcat = TomcatTest.newTomcat(tomcatBase);
        Context tomcatContext = tomcat.addContext("", tomcatBase.toString());
        FilterDef commitFirst = new FilterDef();
        commitFirst.setFilterName("commitFirst");
        commitFirst.setFilter(new CommitFirst());
        tomcatContext.addFilterDef(commitFirst);
        FilterMap commitFirstMap = new FilterMap();
        commitFirstMap.setFilterName("commitFirst");
        commitFirstMap.addURLPattern("/c/*");
        commitFirstMap.addURLPattern("/b/*");
        tomcatContext.addFilterMap(commitFirstMap);
        int n = 0;
        for (Map.Entry<String, String> filter : filters().entrySet()) {
            TomcatTest.addModuleFilter(tomcatContext, "modules" + n++, new IisModuleFilter(), filter.getValue(),
                    filter.getKey(), DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.FORWARD);
        }
        Tomcat.addServlet(tomcatContext, "servlet", new Servlet()).setAsyncSupported(true);
        tomcatContext.addServletMappingDecoded("/*", "servlet");
        tomcat.start();
    }


    @AfterAll
    static void stop() throws Exception {
        if (jetty != null) {
            jetty.stop();
        }
        TomcatTest.stopAndDelete(tomcat, tomcatBase);
    }

    @BeforeEach
    void clear() {
        EVENTS.clear();
    }

    /** The servlet: says which objects it got, and does what {@code op} asks. */
    static final class Servlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String op = req.getParameter("op");
            EVENTS.add("servlet " + req.getDispatcherType());
            if ("forward".equals(op) && req.getDispatcherType() == DispatcherType.REQUEST) {
                try {
                    req.getRequestDispatcher(req.getServletPath() + req.getPathInfo() + "?op=forwarded")
                            .forward(req, resp);
                } catch (ServletException e) {
                    throw new IOException(e);
                }
                return;
            }
            if ("async".equals(op)) {
                AsyncContext async = req.startAsync();
                async.start(() -> {
                    try {
                        Thread.sleep(100);
                        async.getResponse().getWriter().print("async " + objects(req, resp));
                        EVENTS.add("servlet completes");
                    } catch (IOException | InterruptedException e) {
                        EVENTS.add("servlet failed " + e);
                    }
                    async.complete();
                });
                return;
            }
            if ("dispatch".equals(op) && req.getDispatcherType() == DispatcherType.REQUEST) {
                req.startAsync().dispatch();
                return;
            }
            if ("missing".equals(op)) {
                resp.sendError(404);
                return;
            }
            if ("missingThenOk".equals(op)) {
                // Changes after sendError, which the container ignores on the wire.
                resp.sendError(404);
                resp.setStatus(200);
                resp.setHeader("X-Late", "after sendError");
                return;
            }
            if ("dispatchMissing".equals(op)) {
                if (req.getDispatcherType() == DispatcherType.REQUEST) {
                    req.startAsync().dispatch();
                } else {
                    resp.sendError(404);
                }
                return;
            }
            if ("throw".equals(op)) {
                resp.getWriter().print("partial");
                throw new IOException("servlet failed");
            }
            if ("hold".equals(op)) {
                holding.countDown();
                try {
                    if (!release.await(Wire.TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                        throw new IOException("the test did not release the request");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            resp.setContentType("text/plain");
            if ("created".equals(op)) {
                resp.setStatus(201);
                resp.setHeader("X-Servlet", "yes");
            }
            if ("frames".equals(op)) {
                resp.getWriter().print(filterFrames());
                return;
            }
            resp.getWriter().print(objects(req, resp) + " header=" + req.getHeader("X-Added"));
        }

        /**
         * @return the frames of the filter's own classes from the innermost one above this servlet up to
         *     {@code IisModuleFilter.doFilter}, innermost first
         */
        private static List<String> filterFrames() {
            return StackWalker.getInstance().walk(frames -> {
                List<String> names = new ArrayList<>();
                for (StackWalker.StackFrame f : (Iterable<StackWalker.StackFrame>) frames
                        .dropWhile(f -> !f.getClassName().startsWith("io.iisport.filter."))::iterator) {
                    names.add(f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "."
                            + f.getMethodName());
                    if (f.getClassName().equals(IisModuleFilter.class.getName())) {
                        break;
                    }
                }
                return names;
            });
        }

        /** @return whether the filter's objects are among the request's or response's wrappers */
        private static String objects(HttpServletRequest req, HttpServletResponse resp) {
            boolean wrapped = false;
            for (Object r = req; r != null; r = r instanceof ServletRequestWrapper w ? w.getRequest() : null) {
                wrapped |= r.getClass().getName().startsWith("io.iisport.");
            }
            for (Object r = resp; r != null; r = r instanceof ServletResponseWrapper w ? w.getResponse() : null) {
                wrapped |= r.getClass().getName().startsWith("io.iisport.");
            }
            return wrapped ? "wrapped" : "container's";
        }
    }

    /** BEGIN_REQUEST only: changes what {@code act} names, or nothing. */
    public static final class BeginModule implements RegisterModule {
        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo,
                IHttpServer globalInfo) {
            moduleInfo.setRequestNotifications(Begin::new, RequestNotification.RQ_BEGIN_REQUEST, 0);
        }
    }

    static final class Begin extends CHttpModule {
        @Override
        public RequestNotificationStatus onBeginRequest(IHttpContext context, IHttpEventProvider provider) {
            EVENTS.add("BEGIN_REQUEST");
            String query = context.getRequest().getServletRequest().getQueryString();
            String act = query == null || !query.contains("act=") ? "" : query.replaceAll(".*act=([a-z]+).*", "$1");
            switch (act) {
                case "header" -> context.getRequest().setHeader("X-Added", "by the module", true);
                case "chunk" -> context.getResponse().writeEntityChunks(new HttpDataChunk[] {
                        HttpDataChunk.fromString("module+", StandardCharsets.UTF_8)}, false, true);
                case "status" -> context.getResponse().setStatus(202, "Accepted");
                case "seturl" -> context.getRequest().setUrl("/d/other?op=plain", true);
                case "keep" -> KEPT.set(context);
                default -> {
                }
            }
            return RQ_NOTIFICATION_CONTINUE;
        }

        @Override
        public void dispose() {
            EVENTS.add("dispose");
        }
    }

    /** SEND_RESPONSE: sets a header on every response, as a security-headers module does. */
    public static final class SendModule implements RegisterModule {
        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo,
                IHttpServer globalInfo) {
            moduleInfo.setRequestNotifications(() -> new CHttpModule() {
                @Override
                public RequestNotificationStatus onSendResponse(IHttpContext context,
                        io.iisport.httpserv.ISendResponseProvider provider) {
                    context.getResponse().setHeader("X-Frame-Options", "DENY", true);
                    return RQ_NOTIFICATION_CONTINUE;
                }
            }, RequestNotification.RQ_SEND_RESPONSE, 0);
        }
    }

    /** END_REQUEST: a module that reads the status the request ended with. */
    public static final class EndModule implements RegisterModule {
        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo,
                IHttpServer globalInfo) {
            moduleInfo.setRequestNotifications(() -> new CHttpModule() {
                @Override
                public RequestNotificationStatus onEndRequest(IHttpContext context, IHttpEventProvider provider) {
                    endStatus = context.getResponse().getStatus();
                    EVENTS.add("END_REQUEST");
                    return RQ_NOTIFICATION_CONTINUE;
                }
            }, RequestNotification.RQ_END_REQUEST, 0);
        }
    }

    /**
     * LOG_REQUEST and END_REQUEST, as a logging module: reads the status and a header of the response, then tries to
     * change it (which does nothing once the response was sent, as in IIS); with {@code act=pend} it completes
     * LOG_REQUEST from its own thread 300 ms later.
     */
    public static final class LogModule implements RegisterModule {
        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo,
                IHttpServer globalInfo) {
            moduleInfo.setRequestNotifications(Log::new,
                    RequestNotification.RQ_LOG_REQUEST | RequestNotification.RQ_END_REQUEST, 0);
        }
    }

    static final class Log extends CHttpModule {
        @Override
        public RequestNotificationStatus onLogRequest(IHttpContext context, IHttpEventProvider provider) {
            IHttpResponse response = context.getResponse();
            EVENTS.add("LOG_REQUEST " + response.getStatus() + " " + response.getHeader("X-Servlet"));
            response.setHeader("X-Late", "1", true);
            response.setStatus(503, "Late");
            response.writeEntityChunks(new HttpDataChunk[] {HttpDataChunk.fromString("late",
                    StandardCharsets.UTF_8)}, false, false);
            String query = context.getRequest().getServletRequest().getQueryString();
            if (query != null && query.contains("act=pend")) {
                Thread completer = new Thread(() -> {
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    EVENTS.add("LOG completes");
                    context.indicateCompletion(RQ_NOTIFICATION_CONTINUE);
                });
                completer.start();
                return RequestNotificationStatus.RQ_NOTIFICATION_PENDING;
            }
            return RQ_NOTIFICATION_CONTINUE;
        }

        /** Records END_REQUEST, marked if the container already recycled the request (its query is gone). */
        @Override
        public RequestNotificationStatus onEndRequest(IHttpContext context, IHttpEventProvider provider) {
            String query;
            try {
                query = context.getRequest().getServletRequest().getQueryString();
            } catch (RuntimeException e) {
                query = null;
            }
            EVENTS.add(query == null ? "END_REQUEST after the container recycled the request" : "END_REQUEST");
            return RQ_NOTIFICATION_CONTINUE;
        }
    }

    private static int port(Container container) {
        return container == Container.JETTY ? ((ServerConnector) jetty.getConnectors()[0]).getLocalPort()
                : tomcat.getConnector().getLocalPort();
    }

    private static HttpTester.Response get(Container container, String target) throws IOException {
        return Wire.exchange(port(container), Wire.get(target));
    }

    /**
     * @return the response to {@code target}, once the request's modules were disposed and what the modules and the
     *     servlet did was {@code events}, in order
     */
    private static HttpTester.Response getUntilDisposed(Container container, String target, String... events)
            throws Exception {
        HttpTester.Response response = get(container, target);
        awaitEvent("dispose");
        assertThat(target, List.copyOf(EVENTS), is(List.of(events)));
        return response;
    }

    private static void awaitEvent(String event) throws InterruptedException {
        for (int i = 0; i < 500 && !EVENTS.contains(event); i++) {
            Thread.sleep(10);
        }
        assertThat(List.copyOf(EVENTS), hasItem(event));
    }

    /** The container's error page for a servlet's exception carries what an RQ_SEND_RESPONSE module set on it. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void theErrorPageForAServletsExceptionGoesThroughSendResponse(Container container) throws Exception {
        HttpTester.Response response = get(container, "/s/x?op=throw");
        assertThat(response.getStatus(), is(500));
        assertThat(response.get("X-Frame-Options"), is("DENY"));
        // As without the filter: Jetty's error page replaces the servlet's unsent output, Tomcat's 500 keeps it.
        assertThat(response.getContent(), container == Container.JETTY ? not(containsString("partial")) : is("partial"));
    }

    /**
     * A malformed query ({@code getParameter} on {@code %ZZ}): Jetty fails the servlet with its 400, and the stages
     * after the handler see that status, not a 500; Tomcat 10.1 drops the parameter and answers 200 (Tomcat 11 fails
     * with its {@code InvalidParameterException}'s 400: see {@code ContainerRulesTest}).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void theStagesAfterTheHandlerSeeTheStatusTheContainerAnswersAMalformedQueryWith(Container container)
            throws Exception {
        endStatus = 0;
        HttpTester.Response response = get(container, "/w/x?p=%ZZ");
        assertThat(response.getStatus(), is(container == Container.JETTY ? 400 : 200));
        awaitEvent("END_REQUEST");
        assertThat(endStatus, is(response.getStatus()));
    }

    /**
     * A module's own thread that kept its {@code IHttpContext} past the request's end, while the container serves the
     * connection's next request (Jetty with the same request objects, Tomcat with recycled ones): the calls that
     * would read or change a request throw, and the response changes do nothing, on the direct path and through the
     * filter's objects.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aContextKeptPastTheRequestsEndNeitherReadsNorChangesTheNextRequest(Container container) throws Exception {
        for (String path : List.of("/d/", "/f/")) {
            EVENTS.clear();
            KEPT.set(null);
            holding = new CountDownLatch(1);
            release = new CountDownLatch(1);
            try (Socket socket = Wire.connect(port(container))) {
                InputStream in = socket.getInputStream();
                Wire.send(socket, Wire.get(path + "first?act=keep"));
                assertThat(Wire.readResponse(in).getStatus(), is(200));
                awaitEvent("dispose");
                IHttpContext kept = KEPT.get();
                Wire.send(socket, Wire.get(path + "next?op=hold"));
                assertThat(path, holding.await(Wire.TIMEOUT_SECONDS, TimeUnit.SECONDS), is(true));

                for (Executable late : List.<Executable>of(
                        () -> kept.getRequest().getHeader("Host"),
                        () -> kept.getRequest().getRawUrl(),
                        () -> kept.getRequest().setHeader("X-Late", "1", true),
                        () -> kept.getServerVariable("URL"),
                        () -> kept.setServerVariable("LATE", "1"),
                        () -> kept.getServletRequest(),
                        () -> kept.getResponse().getStatus())) {
                    IllegalStateException refused = assertThrows(IllegalStateException.class, late, path);
                    assertThat(refused.getMessage(), containsString("the request ended"));
                }
                kept.getResponse().setHeader("X-Late", "1", true);
                kept.getResponse().setStatus(503, "Late");
                release.countDown();

                HttpTester.Response next = Wire.readResponse(in);
                assertThat(path, next.getStatus(), is(200));
                assertThat(path, next.get("X-Late"), nullValue());
                assertThat(path, next.getContent(), endsWith("header=null"));
            } finally {
                release.countDown();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void modulesThatActOnlyBeforeTheHandlerLeaveTheServletTheContainersObjects(Container container)
            throws Exception {
        HttpTester.Response response = get(container, "/d/x?op=plain");
        assertThat(response.getStatus(), is(200));
        assertThat(response.getContent(), is("container's header=null"));
        awaitEvent("dispose");
        assertThat(List.copyOf(EVENTS), is(List.of("BEGIN_REQUEST", "servlet REQUEST", "dispose")));
    }

    /**
     * A response a filter before the module filter already committed: the servlet still gets the container's
     * objects, and the client gets what it gets without the module filter.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aResponseCommittedBeforeTheFilterIsWrittenAsWithoutIt(Container container) throws Exception {
        HttpTester.Response bare = get(container, "/b/x?op=plain");
        assertThat(bare.getContent(), is("early-container's header=null"));
        EVENTS.clear();
        HttpTester.Response filtered = get(container, "/c/x?op=plain");
        assertThat(filtered.getStatus(), is(bare.getStatus()));
        assertThat(filtered.getContent(), is(bare.getContent()));
        awaitEvent("dispose");
        assertThat(List.copyOf(EVENTS), is(List.of("BEGIN_REQUEST", "servlet REQUEST", "dispose")));
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aModuleSubscribedBetweenTheHandlersStartAndTheSendGetsTheServletsOutputThroughTheFilter(Container container)
            throws Exception {
        HttpTester.Response response = get(container, "/f/x?op=plain");
        assertThat(response.getContent(), is("wrapped header=null"));
        assertThat(response.get("X-Frame-Options"), is("DENY"));
    }

    /**
     * A logging module (LOG_REQUEST and END_REQUEST) reads the response the container sends — the servlet's status and
     * headers — and its changes go nowhere, as in IIS once the response was sent; the servlet runs as without it.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void modulesThatReadTheResponseOnlyOnceItWasSentLeaveTheServletTheContainersObjects(Container container)
            throws Exception {
        HttpTester.Response response = get(container, "/l/x?op=created");
        assertThat(response.getStatus(), is(201));
        assertThat(response.get("X-Servlet"), is("yes"));
        assertThat(response.get("X-Late"), nullValue());
        assertThat(response.getContent(), is("container's header=null"));
        awaitEvent("dispose");
        assertThat(List.copyOf(EVENTS), is(List.of("BEGIN_REQUEST", "servlet REQUEST", "LOG_REQUEST 201 yes",
                "END_REQUEST", "dispose")));

        EVENTS.clear();
        assertThat(get(container, "/w/x?op=plain").getContent(), is("container's header=null"));
        awaitEvent("dispose");
        assertThat(List.copyOf(EVENTS), is(List.of("BEGIN_REQUEST", "servlet REQUEST", "END_REQUEST", "dispose")));
        assertThat(endStatus, is(200));
    }

    /** On that path, LOG_REQUEST sees the status the container answers a servlet's exception with. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aLoggingModuleSeesTheStatusTheContainerAnswersAServletsExceptionWith(Container container) throws Exception {
        assertThat(getUntilDisposed(container, "/l/x?op=throw", "BEGIN_REQUEST", "servlet REQUEST",
                "LOG_REQUEST 500 null", "END_REQUEST", "dispose").getStatus(), is(500));
    }

    /** On that path, LOG_REQUEST follows an async servlet's completion. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aLoggingModuleFollowsAnAsyncServletsCompletion(Container container) throws Exception {
        assertThat(getUntilDisposed(container, "/l/x?op=async", "BEGIN_REQUEST", "servlet REQUEST", "servlet completes",
                "LOG_REQUEST 200 null", "END_REQUEST", "dispose").getContent(), is("async container's"));
    }

    /**
     * On that path, a PENDING in LOG_REQUEST: the client has the response while the module completes (see
     * PendingCompletionTest for the client's view); nothing is lost, and the request ends when the module completes.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aLoggingModulesPendingCompletesTheRequestWithTheServletsResponse(Container container) throws Exception {
        HttpTester.Response response = getUntilDisposed(container, "/l/x?op=created&act=pend", "BEGIN_REQUEST",
                "servlet REQUEST", "LOG_REQUEST 201 yes", "LOG completes", "END_REQUEST", "dispose");
        assertThat(response.getStatus(), is(201));
        assertThat(response.getContent(), is("container's header=null"));
    }

    /**
     * On that path, a PENDING in LOG_REQUEST after a servlet's exception: the container still answers it with its error
     * page once the module completed (a close of its output first sent an empty 500: fresh-user trial).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aLoggingModulesPendingAfterAServletsExceptionLeavesTheContainerItsErrorPage(Container container)
            throws Exception {
        HttpTester.Response response = getUntilDisposed(container, "/l/x?op=throw&act=pend", "BEGIN_REQUEST",
                "servlet REQUEST", "LOG_REQUEST 500 null", "LOG completes", "END_REQUEST", "dispose");
        assertThat(response.getStatus(), is(500));
        // As without the filter: Jetty's error page, Tomcat's 500 with the servlet's unsent output.
        assertThat(response.getContent(), container == Container.JETTY ? containsString("500") : is("partial"));
    }

    /**
     * On that path, a PENDING in LOG_REQUEST after an async dispatch whose target called {@code sendError}: Tomcat
     * never completed such a request when the filter started a new async cycle for the PENDING (no response at all:
     * fresh-user trial); the request's thread waits for the module instead.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aLoggingModulesPendingAfterAnAsyncDispatchsSendErrorEndsTheRequest(Container container) throws Exception {
        HttpTester.Response response = getUntilDisposed(container, "/l/x?op=dispatchMissing&act=pend", "BEGIN_REQUEST",
                "servlet REQUEST", "servlet ASYNC", "LOG_REQUEST 404 null", "LOG completes", "END_REQUEST", "dispose");
        assertThat(response.getStatus(), is(404));
        assertThat(response.getContent(), containsString("404"));
    }

    /**
     * On that path, a PENDING in LOG_REQUEST after the servlet's {@code sendError}: the close of the container's
     * output, which gives the client the response while the module completes, leaves the container its error page.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aLoggingModulesPendingLeavesTheContainerItsErrorPage(Container container) throws Exception {
        HttpTester.Response response = getUntilDisposed(container, "/l/x?op=missing&act=pend", "BEGIN_REQUEST",
                "servlet REQUEST", "LOG_REQUEST 404 null", "LOG completes", "END_REQUEST", "dispose");
        assertThat(response.getStatus(), is(404));
        assertThat(response.getContent(), containsString("404"));
    }

    /**
     * On that path, a PENDING in LOG_REQUEST after a {@code sendError} the servlet then changed the status of (which
     * the container ignores): LOG_REQUEST reads the status the client gets, and the request still ends once the
     * module completes (Jetty ends an async cycle started after a sendError: END_REQUEST then ran once it had recycled
     * the request, and the connection went on meanwhile; fresh-user trial).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aLoggingModulesPendingAfterSendErrorAndALaterSetStatusEndsTheRequest(Container container) throws Exception {
        HttpTester.Response response = getUntilDisposed(container, "/l/x?op=missingThenOk&act=pend", "BEGIN_REQUEST",
                "servlet REQUEST", "LOG_REQUEST 404 null", "LOG completes", "END_REQUEST", "dispose");
        assertThat(response.getStatus(), is(404));
        assertThat(response.getContent(), containsString("404"));
        EVENTS.clear();
        assertThat(getUntilDisposed(container, "/l/x?op=missingThenOk", "BEGIN_REQUEST", "servlet REQUEST",
                "LOG_REQUEST 404 null", "END_REQUEST", "dispose").getStatus(), is(404));
        // The same with the filter's own objects, whose final send carries the sendError out on the container's.
        EVENTS.clear();
        response = getUntilDisposed(container, "/m/x?op=missingThenOk&act=pend", "BEGIN_REQUEST", "servlet REQUEST",
                "LOG_REQUEST 404 null", "LOG completes", "END_REQUEST", "dispose");
        assertThat(response.getStatus(), is(404));
        assertThat(response.get("X-Frame-Options"), is("DENY"));
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void whatAModuleChangedBeforeTheHandlerReachesTheServletThroughTheFilter(Container container) throws Exception {
        assertThat(get(container, "/d/x?op=plain&act=header").getContent(), is("wrapped header=by the module"));
        assertThat(get(container, "/d/x?op=plain&act=chunk").getContent(), is("module+wrapped header=null"));
        HttpTester.Response status = get(container, "/d/x?op=plain&act=status");
        assertThat(status.getStatus(), is(202));
        assertThat(status.getContent(), is("wrapped header=null"));
        assertThat(get(container, "/d/x?act=seturl").getContent(), is("wrapped header=null"));
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void theModulesAreDisposedAfterTheServletsAsyncCompletion(Container container) throws Exception {
        HttpTester.Response response = get(container, "/d/x?op=async");
        assertThat(response.getContent(), is("async container's"));
        awaitEvent("dispose");
        assertThat(List.copyOf(EVENTS), is(List.of("BEGIN_REQUEST", "servlet REQUEST", "servlet completes",
                "dispose")));
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void forwardsAndAsyncDispatchesStayOneRequestForThePipeline(Container container) throws Exception {
        assertThat(get(container, "/d/x?op=forward").getContent(), is("container's header=null"));
        awaitEvent("dispose");
        assertThat(List.copyOf(EVENTS), is(List.of("BEGIN_REQUEST", "servlet REQUEST", "servlet FORWARD",
                "dispose")));
        EVENTS.clear();
        assertThat(get(container, "/d/x?op=dispatch").getContent(), is("container's header=null"));
        awaitEvent("dispose");
        assertThat(List.copyOf(EVENTS), is(List.of("BEGIN_REQUEST", "servlet REQUEST", "servlet ASYNC",
                "dispose")));
    }

    /**
     * The JIT inlines the servlet's code into the filter's compiled code only down to a fixed depth
     * ({@code MaxInlineLevel}): every frame the filter puts between itself and the servlet chain leaves the servlet
     * one level less, and a servlet whose string concatenation no longer fitted ran measurably slower behind the
     * filter (six frames then). None on the direct path, where the filter calls the chain itself as any filter
     * does; two on the filter's own objects.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void theFilterCallsTheServletChainItselfOnTheDirectPath(Container container) throws Exception {
        assertThat(get(container, "/d/x?op=frames").getContent(), is(List.of("IisModuleFilter.doFilter").toString()));
        assertThat(get(container, "/f/x?op=frames").getContent(),
                is(List.of("RequestRun.handle", "RequestRun.start", "IisModuleFilter.doFilter").toString()));
    }
}
