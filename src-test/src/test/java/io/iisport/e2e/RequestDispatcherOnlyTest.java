package io.iisport.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import io.iisport.filter.IisModuleFilter;
import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotification;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
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
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The module filter mapped with the REQUEST dispatcher only (no ASYNC), on Jetty 12 and Tomcat, behind a module on
 * every notification (the servlet gets the filter's objects): an async servlet that starts async with a wrapper of the
 * response it was given and dispatches back to itself from another thread, as Spring MVC's {@code DeferredResult} and
 * {@code Callable} do, writes its body through that wrapper in an ASYNC dispatch the filter does not see. The client gets that body, as without the filter (before, Jetty
 * sent an empty 200: the body stayed in the filter's buffer until the request's end, after Jetty had completed the
 * response).
 */
class RequestDispatcherOnlyTest {
    enum Container { JETTY, TOMCAT }

    private static final String BODY = "{\"written\":\"in the ASYNC dispatch\"}";

    private static Server jetty;
    private static Path tomcatBase;
    private static Tomcat tomcat;

    @BeforeAll
    static void start() throws Exception {
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ContextHandlerCollection contexts = new ContextHandlerCollection();
        contexts.addHandler(jettyContext("/bare", false));
        contexts.addHandler(jettyContext("/filtered", true));
        jetty.setHandler(contexts);
        jetty.start();

        tomcatBase = Files.createTempDirectory("iisport-request-only");
        tomcat = TomcatTest.newTomcat(tomcatBase);
        tomcatContext("/bare", false);
        tomcatContext("/filtered", true);
        tomcat.start();
    }

    private static ServletContextHandler jettyContext(String path, boolean filtered) {
        ServletContextHandler context = new ServletContextHandler(path);
        if (filtered) {
            FilterHolder modules = new FilterHolder(new IisModuleFilter());
            modules.setInitParameter("modules", "Every=" + EveryNotification.class.getName());
            modules.setAsyncSupported(true);
            context.addFilter(modules, "/*", EnumSet.of(DispatcherType.REQUEST));
        }
        ServletHolder holder = new ServletHolder(new DispatchingServlet());
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/deferred");
        return context;
    }

    private static void tomcatContext(String path, boolean filtered) {
        Context context = tomcat.addContext(path, tomcatBase.toString());
        if (filtered) {
            FilterDef def = new FilterDef();
            def.setFilterName("iis-modules");
            def.setFilter(new IisModuleFilter());
            def.addInitParameter("modules", "Every=" + EveryNotification.class.getName());
            def.setAsyncSupported("true");
            context.addFilterDef(def);
            FilterMap map = new FilterMap();
            map.setFilterName("iis-modules");
            map.addURLPattern("/*");
            map.setDispatcher(DispatcherType.REQUEST.name());
            context.addFilterMap(map);
        }
        Tomcat.addServlet(context, "deferred", new DispatchingServlet()).setAsyncSupported(true);
        context.addServletMappingDecoded("/deferred", "deferred");
    }

    @AfterAll
    static void stop() throws Exception {
        if (jetty != null) {
            jetty.stop();
        }
        TomcatTest.stopAndDelete(tomcat, tomcatBase);
    }

    private static int port(Container container) {
        return container == Container.JETTY ? ((ServerConnector) jetty.getConnectors()[0]).getLocalPort()
                : tomcat.getConnector().getLocalPort();
    }

    private static HttpTester.Response get(Container container, String target) throws IOException {
        try (Socket socket = Wire.connect(port(container))) {
            Wire.send(socket, Wire.get(target, "Connection: close"));
            HttpTester.Response response = Wire.readResponse(socket.getInputStream());
            assertThat("the connection closes after the full response", socket.getInputStream().read(), is(-1));
            return response;
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void whatAnAsyncDispatchTheFilterDoesNotSeeWritesReachesTheClient(Container container) throws Exception {
        HttpTester.Response bare = get(container, "/bare/deferred");
        HttpTester.Response filtered = get(container, "/filtered/deferred");
        assertThat(bare.getContent(), is(BODY));
        assertThat(filtered.getStatus(), is(bare.getStatus()));
        assertThat(filtered.get("Content-Type"), is(bare.get("Content-Type")));
        assertThat(filtered.getContent(), is(BODY));
    }

    /**
     * A {@code sendError} in that dispatch (Spring MVC's answer to a {@code DeferredResult}'s timeout) gets the
     * container's error page, as without the filter (before, an empty 503 on Jetty).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aSendErrorInAnAsyncDispatchTheFilterDoesNotSeeGetsTheErrorPage(Container container) throws Exception {
        HttpTester.Response bare = get(container, "/bare/deferred?error=503");
        HttpTester.Response filtered = get(container, "/filtered/deferred?error=503");
        assertThat(bare.getStatus(), is(503));
        assertThat(filtered.getStatus(), is(503));
        assertThat(filtered.get("Content-Type"), is(bare.get("Content-Type")));
        // (Jetty's page shows the request's URI.)
        assertThat(filtered.getContent().replace("/filtered/", "/bare/"), is(bare.getContent()));
    }

    /**
     * Starts async with a wrapper of the response it was given and dispatches back to itself from another thread; the
     * ASYNC dispatch writes the body.
     */
    static final class DispatchingServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            if (req.getDispatcherType() == DispatcherType.ASYNC) {
                if (req.getParameter("error") != null) {
                    resp.sendError(Integer.parseInt(req.getParameter("error")), "the result timed out");
                    return;
                }
                resp.setContentType("application/json");
                resp.getWriter().write(BODY);
                return;
            }
            // Spring MVC's async requests start with a response wrapper of its own.
            AsyncContext async = req.startAsync(req, new HttpServletResponseWrapper(resp));
            Thread result = new Thread(() -> {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                async.dispatch();
            }, "result");
            result.setDaemon(true);
            result.start();
        }
    }

    /** A module on every notification, doing nothing: the servlet gets the filter's request and response. */
    public static final class EveryNotification implements RegisterModule {
        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
            int all = RequestNotification.RQ_BEGIN_REQUEST | RequestNotification.RQ_SEND_RESPONSE
                    | RequestNotification.RQ_LOG_REQUEST | RequestNotification.RQ_END_REQUEST;
            moduleInfo.setRequestNotifications(() -> new CHttpModule() { }, all,
                    RequestNotification.RQ_BEGIN_REQUEST);
        }
    }
}
