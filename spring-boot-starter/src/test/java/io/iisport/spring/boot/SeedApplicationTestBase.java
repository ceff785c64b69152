package io.iisport.spring.boot;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.iisport.filter.IisModuleFilter;
import io.iisport.spring.boot.sample.SeedApplication;
import jakarta.servlet.ServletException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.mock.web.MockFilterConfig;

/**
 * The sample Boot application ({@link SeedApplication}, configured by its {@code application.properties}) on an
 * embedded server bound to 127.0.0.1 on a random port, driven by raw sockets: each subclass runs it on one server,
 * with that server's Spring Boot module alone on the class path (see the surefire executions of the pom).
 */
@SpringBootTest(classes = SeedApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "server.address=127.0.0.1")
abstract class SeedApplicationTestBase {
    static final String DISCONNECT = "/seed/set-need-disconnect";
    static final String RESET = "/seed/reset-connection";
    private static final int TIMEOUT_MILLIS = 10_000;

    @LocalServerPort
    int port;

    @Autowired
    ServletWebServerApplicationContext context;

    /** @return the type of web server the application must run on */
    abstract Class<? extends WebServer> expectedServer();

    @Test
    void theApplicationRunsOnTheExpectedServerWithItsFiltersInDeclarationOrder() {
        assertThat(context.getWebServer(), instanceOf(expectedServer()));
        assertThat(Arrays.asList(context.getBeanNamesForType(IisModuleFilterRegistrationBean.class)),
                contains("iisport.filters.set-need-disconnect", "iisport.filters.reset-connection", "iisport.filters.site"));
        Map<String, String> site = context.getServletContext().getFilterRegistration("site").getInitParameters();
        assertThat(site.get("modules"), is("HttpLogging=io.iisport.sample.logging.HttpLoggingModule\n"
                + "RequestFiltering=io.iisport.sample.requestfiltering.RequestFilteringModule"));
        assertThat(site.get("RequestFiltering.requestLimits.maxQueryString"), is("64"));
    }

    @Test
    void setNeedDisconnectSendsTheFullResponseThenCloses() throws Exception {
        try (Socket socket = connect()) {
            // The pipelined second request is never answered.
            send(socket, get(DISCONNECT) + get(DISCONNECT));
            InputStream input = socket.getInputStream();
            String response = readResponse(input);
            assertThat(response, startsWith("HTTP/1.1 200 "));
            assertThat(response, containsString("\r\nConnection: close\r\n"));
            assertThat(response, endsWith("\r\n\r\nHello from GET " + DISCONNECT + "\n"));
            assertThat(input.read(), is(-1));
        }
    }

    @Test
    void plainPathsKeepTheConnectionOpenAndModuleSettingsApply() throws Exception {
        try (Socket socket = connect()) {
            send(socket, get("/demo/hello"));
            String hello = readResponse(socket.getInputStream());
            assertThat(hello, startsWith("HTTP/1.1 200 "));
            assertThat(hello, endsWith("Hello from GET /demo/hello\n"));
            // The same connection: fileExtensions.deny, then requestLimits.maxQueryString (64).
            send(socket, get("/demo/settings.bak"));
            String denied = readResponse(socket.getInputStream());
            assertThat(denied, startsWith("HTTP/1.1 404 "));
            assertThat(denied, containsString("\r\n\r\nHTTP Error 404.7 - Not Found\n"));
            send(socket, get("/demo/hello?" + "q".repeat(65)));
            assertThat(readResponse(socket.getInputStream()), containsString("\r\n\r\nHTTP Error 404.15 - Not Found\n"));
        }
    }

    @Test
    void aWrongPropertyFailsStartUpWithTheFiltersOwnMessage() {
        String requestFiltering = "RequestFiltering=io.iisport.sample.requestfiltering.RequestFilteringModule";
        String badNumber = initFailure("modules", requestFiltering, "responseBufferLimit", "lots");
        assertThat(startFailure("iisport.filters.bad.modules=" + requestFiltering,
                "iisport.filters.bad.response-buffer-limit=lots"), is(badNumber));
        String unreadSetting = initFailure("modules", requestFiltering, "RequestFiltering.fileExtension.deny", ".bak");
        assertThat(startFailure("iisport.filters.bad.modules=" + requestFiltering,
                "iisport.filters.bad.settings.RequestFiltering.fileExtension.deny=.bak"), is(unreadSetting));
    }

    @Test
    void aMisspeltPropertyFailsStartUpNamingIt() {
        SpringApplicationBuilder application = new SpringApplicationBuilder(SeedApplication.class)
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                        "iisport.filters.bad.modules=RequestFiltering=io.iisport.sample.requestfiltering."
                                + "RequestFilteringModule",
                        "iisport.filters.bad.response-bufer-limit=0");
        RuntimeException failure = assertThrows(RuntimeException.class, () -> application.run().close());
        StringBuilder messages = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        assertThat(messages.toString(), org.hamcrest.Matchers.containsString("iisport.filters.bad.response-bufer-limit"));
    }

    /** @return the message of the exception that init of a module filter "bad" declared in web.xml throws */
    private static String initFailure(String... initParams) {
        MockFilterConfig config = new MockFilterConfig("bad");
        for (int i = 0; i < initParams.length; i += 2) {
            config.addInitParameter(initParams[i], initParams[i + 1]);
        }
        return assertThrows(ServletException.class, () -> new IisModuleFilter().init(config)).getMessage();
    }

    /**
     * Starts the application with more properties; it must fail.
     *
     * @return the message of the root cause of the failure
     */
    private static String startFailure(String... properties) {
        SpringApplicationBuilder application = new SpringApplicationBuilder(SeedApplication.class)
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off")
                .properties(properties);
        RuntimeException failure = assertThrows(RuntimeException.class, () -> application.run().close());
        Throwable cause = NestedExceptionUtils.getRootCause(failure);
        assertThat(cause, instanceOf(ServletException.class));
        return cause.getMessage();
    }

    Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        return socket;
    }

    static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
    }

    static void send(Socket socket, String requests) throws IOException {
        socket.getOutputStream().write(requests.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /**
     * Reads one response with a {@code Content-Length}, and nothing past it.
     *
     * @return the response as it came, head and body
     */
    static String readResponse(InputStream input) throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = input.read();
            if (b < 0) {
                throw new AssertionError("the connection ended in a response head: " + wire.toString(StandardCharsets.ISO_8859_1));
            }
            wire.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
        }
        String head = wire.toString(StandardCharsets.ISO_8859_1);
        Matcher length = Pattern.compile("(?i)\r\nContent-Length: *(\\d+)\r\n").matcher(head);
        if (!length.find()) {
            throw new AssertionError("no Content-Length: " + head);
        }
        wire.write(input.readNBytes(Integer.parseInt(length.group(1))));
        return wire.toString(StandardCharsets.ISO_8859_1);
    }

    /** @return what arrived before the connection ended */
    static String readToEnd(InputStream input) throws IOException {
        return new String(input.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /** Reads until the connection is reset; fails if it ends otherwise. */
    static String readToReset(InputStream input) throws IOException {
        ByteArrayOutputStream before = new ByteArrayOutputStream();
        SocketException reset = assertThrows(SocketException.class, () -> {
            for (int b; (b = input.read()) >= 0;) {
                before.write(b);
            }
        }, () -> "no reset; the connection ended after: " + before.toString(StandardCharsets.ISO_8859_1));
        assertThat(reset.getMessage(), containsString("Connection reset"));
        return before.toString(StandardCharsets.ISO_8859_1);
    }
}
