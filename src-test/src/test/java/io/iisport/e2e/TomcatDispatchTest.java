package io.iisport.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import io.iisport.filter.Events;
import io.iisport.filter.IisModuleFilter;
import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpRequest;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotification;
import io.iisport.httpserv.RequestNotificationStatus;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Forward and include behind the module filter on Tomcat, each compared with the same servlet without the filter:
 * Tomcat suspends a wrapped response after a forward (the default from Tomcat 11, set here on 10.1), and puts its
 * own include wrapper below the filter's response, where the included default servlet sets a Content-Length.
 */
class TomcatDispatchTest {
    private static Path baseDir;
    private static Tomcat tomcat;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        baseDir = Files.createTempDirectory("iisport-tomcat-dispatch");
        Path docBase = Files.createDirectories(baseDir.resolve("docs"));
        Files.writeString(docBase.resolve("small.txt"), "small file!", StandardCharsets.US_ASCII);
        tomcat = TomcatTest.newTomcat(baseDir);
        Context context = tomcat.addContext("", docBase.toString());
        context.setSuspendWrappedResponseAfterForward(true);
        Tomcat.addServlet(context, "default", "org.apache.catalina.servlets.DefaultServlet");
        context.addServletMappingDecoded("/", "default");
        servlet(context, "forward", "/forward", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                try {
                    req.getRequestDispatcher("/" + req.getServletPath().charAt(1) + "/view").forward(req, resp);
                } catch (jakarta.servlet.ServletException e) {
                    throw new IOException(e);
                }
                resp.getWriter().print("written after the forward");
            }
        });
        servlet(context, "view", "/view", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("text/plain");
                resp.getWriter().print("the view");
            }
        });
        servlet(context, "include", "/include", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                // The file and the response share a charset, so the default servlet would declare the file's length.
                resp.setCharacterEncoding("UTF-8");
                resp.getWriter().print("BEFORE-");
                try {
                    req.getRequestDispatcher("/small.txt").include(req, resp);
                } catch (jakarta.servlet.ServletException e) {
                    throw new IOException(e);
                }
                resp.getWriter().print("-AFTER");
            }
        });
        servlet(context, "params", "/params", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("text/plain");
                StringBuilder params = new StringBuilder();
                // Names sorted: the Servlet spec leaves their order open.
                new java.util.TreeMap<>(req.getParameterMap()).forEach((name, values) -> params.append(' ').append(name).append('=')
                        .append(String.join(",", values)));
                resp.getWriter().print(req.getRequestURI() + "?" + req.getQueryString() + params);
            }
        });
        TomcatTest.addModuleFilter(context, "set-url", new IisModuleFilter(), "SetUrl=" + SetUrlModule.class.getName(),
                "/r/*", DispatcherType.REQUEST);
        // The Recorder module records in the event log of its servlet context.
        context.addServletContainerInitializer((classes, servletContext) -> Events.install(servletContext), null);
        TomcatTest.addModuleFilter(context, "iis-modules", new IisModuleFilter(),
                "Every=" + io.iisport.filter.Recorder.class.getName(), "/f/*", DispatcherType.REQUEST,
                DispatcherType.ASYNC);
        tomcat.start();
        port = tomcat.getConnector().getLocalPort();
    }

    private static void servlet(Context context, String name, String path, HttpServlet servlet) {
        for (String prefix : new String[] {"/b", "/f"}) {
            String servletName = name + "-" + prefix.substring(1);
            Tomcat.addServlet(context, servletName, servlet);
            context.addServletMappingDecoded(prefix + path, servletName);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (tomcat != null) {
            tomcat.stop();
            tomcat.destroy();
        }
        TomcatTest.deleteRecursively(baseDir);
    }

    private static HttpTester.Response get(String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return HttpTester.parseResponse(HttpTester.from(socket.getInputStream()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/forward", "/include"})
    void behindTheFilterAsWithout(String path) throws IOException {
        HttpTester.Response bare = get("/b" + path);
        HttpTester.Response filtered = get("/f" + path);
        assertThat(filtered.getStatus(), is(bare.getStatus()));
        assertThat(filtered.get("Content-Length"), is(bare.get("Content-Length")));
        assertThat(filtered.get("Content-Type"), is(bare.get("Content-Type")));
        assertThat(filtered.getContent(), is(bare.getContent()));
    }

    /** Calls {@code SetUrl(X-Set-Url, X-Reset-Query)} in BEGIN_REQUEST. */
    public static final class SetUrlModule implements RegisterModule {
        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
            moduleInfo.setRequestNotifications(() -> new CHttpModule() {
                @Override
                public RequestNotificationStatus onBeginRequest(IHttpContext httpContext,
                        IHttpEventProvider provider) {
                    IHttpRequest request = httpContext.getRequest();
                    request.setUrl(request.getHeader("X-Set-Url"),
                            Boolean.parseBoolean(request.getHeader("X-Reset-Query")));
                    return RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
                }
            }, RequestNotification.RQ_BEGIN_REQUEST, 0);
        }
    }

    /**
     * SetUrl on Tomcat, whose forward wrapper goes below the filter's request: the servlet sees the new URL's query
     * and its parameters only, or the original ones when the new URL has no query and the query is kept (IIS
     * {@code fResetQueryString}).
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/b/params?r=1|false|/b/params?r=1 r=1",
        "/b/params?r=1&o=2|true|/b/params?r=1&o=2 o=2 r=1",
        "/b/params|false|/b/params?o=1 o=1",
        "/b/params|true|/b/params?null"})
    void setUrlServesTheNewUrlWithItsQueryParameters(String url, boolean reset, String served) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /r/x?o=1 HTTP/1.1\r\nHost: localhost\r\nX-Set-Url: " + url
                    + "\r\nX-Reset-Query: " + reset + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            HttpTester.Response response = HttpTester.parseResponse(HttpTester.from(socket.getInputStream()));
            assertThat(response.getStatus(), is(200));
            assertThat(response.getContent(), is(served));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/forward", "/include"})
    void theBareResponseIsTheOneTomcatDocuments(String path) throws IOException {
        HttpTester.Response bare = get("/b" + path);
        if (path.equals("/forward")) {
            assertThat(bare.getContent(), is("the view"));
        } else {
            assertThat(bare.getContent(), is("BEFORE-small file!-AFTER"));
            assertThat(bare.get("Content-Length"), is("24"));
        }
    }
}
