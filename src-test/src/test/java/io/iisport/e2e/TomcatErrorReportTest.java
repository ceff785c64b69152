package io.iisport.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.nullValue;

import io.iisport.filter.Events;
import io.iisport.filter.IisModuleFilter;
import io.iisport.filter.Recorder;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tomcat's error report for a servlet's exception, behind the module filter and with connector compression on.
 * Tomcat's {@code ErrorReportValve} (with {@code showReport}, its default) prints the exception with the stack frames
 * above the container's outermost {@code ApplicationFilterChain.internalDoFilter}: every filter's own frames are in
 * the page, so behind any filter it is longer by them. Connector compression then decides on that length: the page is
 * buffered whole, so Tomcat knows it when it commits, and {@code CompressionConfig.useCompression} compresses a
 * {@code text/html} response of {@code compressionMinSize} (2048 bytes) or more, adding
 * {@code Vary: accept-encoding}. A page those frames take past it is gzip-coded where bare it is not; the filter
 * changes nothing else in it.
 */
class TomcatErrorReportTest {
    /** Tomcat's default {@code compressionMinSize}. */
    private static final int COMPRESSION_MIN_SIZE = 2048;
    private static Path baseDir;
    private static Tomcat tomcat;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        baseDir = Files.createTempDirectory("iisport-tomcat-error-report");
        tomcat = TomcatTest.newTomcat(baseDir);
        tomcat.getConnector().setProperty("compression", "on");
        Context context = tomcat.addContext("", Files.createDirectories(baseDir.resolve("docs")).toString());
        Tomcat.addServlet(context, "throw", new Throwing());
        for (String prefix : new String[] {"/b", "/p", "/f"}) {
            context.addServletMappingDecoded(prefix + "/throw", "throw");
        }
        filter(context, "pass-through", new PassThrough(), "/p/*");
        // The Recorder module records in the event log of its servlet context; on every notification, so the servlet
        // gets the filter's request and response.
        context.addServletContainerInitializer((classes, servletContext) -> Events.install(servletContext), null);
        TomcatTest.addModuleFilter(context, "iis-modules", new IisModuleFilter(), "Every=" + Recorder.class.getName(),
                "/f/*", DispatcherType.REQUEST);
        tomcat.start();
        port = tomcat.getConnector().getLocalPort();
    }

    private static void filter(Context context, String name, Filter filter, String pattern) {
        FilterDef def = new FilterDef();
        def.setFilterName(name);
        def.setFilter(filter);
        context.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName(name);
        map.addURLPattern(pattern);
        context.addFilterMap(map);
    }

    @AfterAll
    static void stop() throws Exception {
        TomcatTest.stopAndDelete(tomcat, baseDir);
    }

    /** A filter that only calls the chain. */
    static final class PassThrough implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            chain.doFilter(request, response);
        }
    }

    /** Throws an IllegalStateException whose message is padded with {@code pad} characters. */
    static final class Throwing extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            int pad = Integer.parseInt(req.getParameter("pad"));
            throw new IllegalStateException("thrown by the servlet " + "x".repeat(pad));
        }
    }

    private static HttpTester.Response get(String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: gzip\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return HttpTester.parseResponse(HttpTester.from(socket.getInputStream()));
        }
    }

    /** @return the page, gunzipped if gzip-coded, without the stack frame lines that contain {@code frames} */
    private static String page(HttpTester.Response response, String frames) throws IOException {
        byte[] body = response.getContentBytes();
        if ("gzip".equals(response.get("Content-Encoding"))) {
            try (InputStream gunzip = new GZIPInputStream(new ByteArrayInputStream(body))) {
                body = gunzip.readAllBytes();
            }
        }
        return new String(body, StandardCharsets.UTF_8).lines().filter(line -> !line.contains(frames))
                .collect(Collectors.joining("\n"));
    }

    @Test
    void theErrorReportBehindTheFilterIsTheBarePageWithTheFiltersStackFrames() throws IOException {
        HttpTester.Response bare = get("/b/throw?pad=0");
        HttpTester.Response filtered = get("/f/throw?pad=0");

        assertThat(filtered.getStatus(), is(500));
        assertThat(filtered.get("Content-Encoding"), is(nullValue()));
        assertThat(bare.get("Content-Encoding"), is(nullValue()));
        assertThat(page(filtered, "\tio.iisport.filter."), is(page(bare, "\tio.iisport.filter.")));
    }

    @Test
    void aPageTheFramesOfAnyFilterTakePastCompressionMinSizeIsCompressed() throws IOException {
        int barePage = get("/b/throw?pad=0").getContentBytes().length;
        // The message is in the page twice: padded to just under compressionMinSize bare.
        int pad = (COMPRESSION_MIN_SIZE - 1 - barePage) / 2;
        String path = "/throw?pad=" + pad;

        HttpTester.Response bare = get("/b" + path);
        assertThat(bare.get("Content-Encoding"), is(nullValue()));
        assertThat(bare.get("Vary"), is(nullValue()));
        assertThat(Integer.parseInt(bare.get("Content-Length")), lessThan(COMPRESSION_MIN_SIZE));
        for (String[] behind : new String[][] {{"/p", "$PassThrough"}, {"/f", "\tio.iisport.filter."}}) {
            HttpTester.Response filtered = get(behind[0] + path);
            assertThat(behind[0], filtered.get("Content-Encoding"), is("gzip"));
            assertThat(behind[0], filtered.get("Vary"), is("accept-encoding"));
            assertThat(behind[0], page(filtered, behind[1]), is(page(bare, behind[1])));
        }
    }
}
