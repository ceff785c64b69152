package io.iisport.e2e;

import static io.iisport.e2e.Wire.connect;
import static io.iisport.e2e.Wire.count;
import static io.iisport.e2e.Wire.get;
import static io.iisport.e2e.Wire.readResponse;
import static io.iisport.e2e.Wire.readToEof;
import static io.iisport.e2e.Wire.send;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.apache.tomcat.util.scan.StandardJarScanner;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same built WAR on Tomcat 10.1 (Servlet 6.0), which has no iisport extension: it deploys, its modules run,
 * {@code setNeedDisconnect()} closes after the response through the portable {@code Connection: close}, and
 * {@code resetConnection()} degrades as the {@code IisModuleFilter} Javadoc documents: an empty 500 with
 * {@code Connection: close}, counted, with one WARN naming what to install. (Only Tomcat serves here; Jetty classes
 * on the test class path are the raw-socket helpers' response parser.)
 */
class TomcatTest {
    private static final String RESET_COUNTER = "io.iisport.filter.IisModuleFilter.ResetConnection.degradedCalls";

    private static LogCapture log;
    private static Path baseDir;
    private static Tomcat tomcat;
    private static Context context;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        log = new LogCapture();
        baseDir = Files.createTempDirectory("iisport-tomcat");
        tomcat = newTomcat(baseDir);
        context = deploySampleWar(tomcat, baseDir);
        tomcat.start();
        port = tomcat.getConnector().getLocalPort();
    }

    /** @return a Tomcat whose base directory is {@code baseDir}, with one HTTP/1.1 connector on 127.0.0.1, port 0 */
    static Tomcat newTomcat(Path baseDir) {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        return tomcat;
    }

    /**
     * Declares {@code filter} on {@code context} as a WAR would: async-supported, with the {@code modules} init-param,
     * mapped to {@code pattern} for the given dispatcher types.
     */
    static void addModuleFilter(Context context, String name, Filter filter, String modules, String pattern,
            DispatcherType... dispatchers) {
        FilterDef def = new FilterDef();
        def.setFilterName(name);
        def.setFilter(filter);
        def.addInitParameter("modules", modules);
        def.setAsyncSupported("true");
        context.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName(name);
        map.addURLPattern(pattern);
        for (DispatcherType dispatcher : dispatchers) {
            map.setDispatcher(dispatcher.name());
        }
        context.addFilterMap(map);
    }

    /** Deploys the built sample WAR at the root of the Tomcat's host, whose base directory is given. */
    static Context deploySampleWar(Tomcat tomcat, Path baseDir) throws IOException {
        Path appBase = Files.createDirectories(baseDir.resolve("webapps"));
        tomcat.getHost().setAppBase(appBase.toString());
        // Tomcat's default web.xml would add its JSP servlet, which tomcat-embed-core does not have; add only the
        // default servlet.
        tomcat.setAddDefaultWebXmlToWebapp(false);
        Context context = tomcat.addWebapp("", Wire.war().toAbsolutePath().toString());
        Tomcat.addServlet(context, "default", "org.apache.catalina.servlets.DefaultServlet");
        context.addServletMappingDecoded("/", "default");
        // Scan only the WAR, not the test class path.
        ((StandardJarScanner) context.getJarScanner()).setScanClassPath(false);
        return context;
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (tomcat != null) {
                tomcat.stop();
                tomcat.destroy();
            }
        } finally {
            log.close();
            deleteRecursively(baseDir);
        }
    }

    /** Stops and destroys {@code tomcat} (if started) and deletes its base directory {@code baseDir} (if made). */
    static void stopAndDelete(Tomcat tomcat, Path baseDir) throws Exception {
        try {
            if (tomcat != null) {
                tomcat.stop();
                tomcat.destroy();
            }
        } finally {
            deleteRecursively(baseDir);
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    @Test
    void theWarDeploysAndServesItsHomePage() throws Exception {
        assertThat(context.getState(), is(LifecycleState.STARTED));
        HttpTester.Response home = Wire.exchange(port, get("/"));
        assertThat(home.getStatus(), is(200));
        assertThat(home.getContent(), containsString("<h1>iisport sample</h1>"));
        assertThat(Wire.exchange(port, get("/bench/filtered")).getContent(), is("Hello from GET /bench/filtered\n"));
        assertThat(Wire.exchange(port, get("/nothing-here")).getStatus(), is(404));
    }

    @Test
    void setNeedDisconnectClosesAfterTheResponseThroughConnectionClose() throws Exception {
        try (Socket socket = connect(port)) {
            send(socket, get("/seed/set-need-disconnect") + get("/bench/plain"));
            InputStream input = socket.getInputStream();
            HttpTester.Response response = readResponse(input);
            assertThat(response.getStatus(), is(200));
            assertThat(response.get("Connection"), is("close"));
            assertThat(response.getContent(), is("Hello from GET /seed/set-need-disconnect\n"));
            // The pipelined request is never answered: EOF.
            assertThat(input.read(), is(-1));
        }
    }

    @Test
    void setNeedDisconnectOverHttp10() throws Exception {
        try (Socket socket = connect(port)) {
            send(socket, "GET /seed/set-need-disconnect HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            String wire = readToEof(socket.getInputStream());
            assertThat(wire, containsString(" 200 "));
            assertThat(wire, containsString("Hello from GET /seed/set-need-disconnect\n"));
        }
    }

    @Test
    void resetConnectionDegradesToAnEmpty500WithConnectionCloseAndOneWarning() throws Exception {
        LongSupplier counter = (LongSupplier) context.getServletContext().getAttribute(RESET_COUNTER);
        long before = counter.getAsLong();
        for (int i = 0; i < 2; i++) {
            try (Socket socket = connect(port)) {
                send(socket, get("/seed/reset-connection") + get("/bench/plain"));
                String wire = readToEof(socket.getInputStream());
                assertThat(wire, startsWith("HTTP/1.1 500 "));
                assertThat(wire, containsString("Connection: close"));
                assertThat(wire, not(containsString("Status:")));
                assertThat(wire, not(containsString("Hello from")));
                assertThat(count(wire, "HTTP/1.1 "), is(1));
                HttpTester.Response response = HttpTester.parseResponse(wire);
                assertThat(response.getContent(), is(""));
            }
        }
        assertThat(counter.getAsLong(), is(before + 2));
        log.awaitLine("WARNING", "iisport filter 'ResetConnection': resetConnection()/resetStream() cannot reset the "
                + "connection", "iisport-tomcat-extension");
        assertThat(log.lines("iisport filter 'ResetConnection'").size(), is(1));
    }

    @Test
    void requestFilteringRunsOnTomcat() throws Exception {
        HttpTester.Response response = Wire.exchange(port, get("/demo/App_Data/users.txt"));
        assertThat(response.getStatus(), is(404));
        assertThat(response.getContent(), startsWith("HTTP Error 404.8 - Not Found\n"));
        log.awaitLine("HttpLoggingModule - GET /demo/App_Data/users.txt ", " 404 8 ");
    }

    @Test
    void dynamicIpRestrictionsRunOnTomcat() throws Exception {
        String client = "X-Forwarded-For: 203.0.113.10";
        for (int i = 1; i <= 5; i++) {
            assertThat(Wire.exchange(port, get("/dynamic-ip/forbidden/", client)).getStatus(), is(200));
        }
        HttpTester.Response denied = Wire.exchange(port, get("/dynamic-ip/forbidden/", client));
        assertThat(denied.getStatus(), is(403));
        assertThat(denied.getContent(), startsWith("HTTP Error 403.502 - Forbidden\n"));
    }

    @Test
    void urlRewriteRedirectsAndRespondsOnTomcat() throws Exception {
        HttpTester.Response redirect = Wire.exchange(port, get("/rewrite/canonical/products/7?color=red"));
        assertThat(redirect.getStatus(), is(301));
        assertThat(redirect.get("Location"), is("http://www.example.com/rewrite/canonical/products/7?color=red"));
        HttpTester.Response custom = Wire.exchange(port, get("/rewrite/private/report.pdf"));
        assertThat(custom.getStatus(), is(403));
        assertThat(custom.getContent(), not(containsString("Served")));
    }

    @Test
    void abortRequestDegradesLikeResetConnection() throws Exception {
        try (Socket socket = connect(port)) {
            send(socket, get("/dynamic-ip/abort/", "X-Forwarded-For: 192.0.2.1"));
            String wire = readToEof(socket.getInputStream());
            assertThat(wire, startsWith("HTTP/1.1 500 "));
            assertThat(wire, containsString("Connection: close"));
        }
    }

    @Test
    void theRequestBodyInspectorLetsTheServletReadTheReinsertedBodyOnTomcat() throws Exception {
        RequestBodyInspection.aFormPostPassesAndTheServletReadsItsParameters(port);
        RequestBodyInspection.aMultipartUploadPassesAndTheServletSeesItsParts(port);
        RequestBodyInspection.aRawBodyReachesTheServletWhole(port);
        RequestBodyInspection.aChunkedBodyOfExactlyTheLimitPasses(port);
    }

    @Test
    void theRequestBodyInspectorDeniesAMatchingBodyAndRefusesOneOverTheLimitOnTomcat() throws Exception {
        RequestBodyInspection.aMatchingBodyIsDenied(port);
        RequestBodyInspection.aDeclaredBodyOverTheLimitIsRefusedWith413(port);
        RequestBodyInspection.aChunkedBodyOverTheLimitIsRefusedWith413(port);
    }

    @Test
    void drainingClosesConnectionsOnTomcat() throws Exception {
        try {
            Wire.exchange(port, Wire.request("POST", "/admin/drain?draining=true", "Content-Length: 0"));
            try (Socket socket = connect(port)) {
                send(socket, get("/demo/hello"));
                InputStream input = socket.getInputStream();
                HttpTester.Response response = readResponse(input);
                assertThat(response.getContent(), is("Hello from GET /demo/hello\n"));
                assertThat(response.get("Connection"), is("close"));
                assertThat(input.read(), is(-1));
            }
        } finally {
            Wire.exchange(port, Wire.request("POST", "/admin/drain?draining=false", "Content-Length: 0"));
        }
        try (Socket socket = connect(port)) {
            send(socket, get("/demo/hello"));
            assertThat(readResponse(socket.getInputStream()).get("Connection"), nullValue());
        }
    }
}
