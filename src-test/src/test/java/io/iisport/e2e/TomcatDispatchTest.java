package io.iisport.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import io.iisport.filter.Events;
import io.iisport.filter.IisModuleFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
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
        FilterDef filter = new FilterDef();
        filter.setFilterName("iis-modules");
        filter.setFilter(new IisModuleFilter());
        filter.addInitParameter("modules", "Every=" + io.iisport.filter.Recorder.class.getName());
        // The Recorder module records in the event log of its servlet context.
        context.addServletContainerInitializer((classes, servletContext) -> Events.install(servletContext), null);
        filter.setAsyncSupported("true");
        context.addFilterDef(filter);
        FilterMap map = new FilterMap();
        map.setFilterName("iis-modules");
        map.addURLPattern("/f/*");
        map.setDispatcher(DispatcherType.REQUEST.name());
        map.setDispatcher(DispatcherType.ASYNC.name());
        context.addFilterMap(map);
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
        try (Stream<Path> files = Files.walk(baseDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
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
