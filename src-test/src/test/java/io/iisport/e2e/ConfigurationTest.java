package io.iisport.e2e;

import static io.iisport.e2e.Wire.exchange;
import static io.iisport.e2e.Wire.get;
import static io.iisport.e2e.Wire.request;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.iisport.sample.server.SampleServer;
import java.net.Socket;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Module settings of the built WAR changed by an override web.xml on Jetty: a wrong value fails the deployment with
 * a message naming the setting and the value, and the settings the WAR's own web.xml leaves at one value take effect
 * with the other.
 */
class ConfigurationTest {
    @TempDir
    Path dir;
    private SampleServer sample;

    @AfterEach
    void stop() {
        if (sample != null) {
            sample.stop();
        }
    }

    static Stream<Arguments> wrongSettings() {
        return Stream.of(
                wrong("dynamic-ip-forbidden", "DynamicIpRestriction.denyAction", "Block", "expected one of AbortRequest, Unauthorized, Forbidden, NotFound"),
                wrong("dynamic-ip-forbidden", "DynamicIpRestriction.ipSecurity.deny", "192.0.2.0/33", "prefix length outside 0 to 32"),
                wrong("dynamic-ip-forbidden", "DynamicIpRestriction.ipSecurity.deny", "example.com", "is not an IP address or CIDR block"),
                wrong("dynamic-ip-forbidden", "DynamicIpRestriction.denyByRequestRate.maxRequests", "0", "expected a number from 1"),
                wrong("dynamic-ip-forbidden", "DynamicIpRestriction.denyByRequestRate.requestIntervalInMilliseconds", "ten", "expected a whole number"),
                wrong("dynamic-ip-forbidden", "DynamicIpRestriction.denyByConcurrentRequests.enabled", "yes", "expected true or false"),
                wrong("dynamic-ip-forbidden", "DynamicIpRestriction.denyByConcurrentRequests.maxConcurrentRequests", "-2", "expected a number from 1"),
                wrong("dynamic-ip-forbidden", "DynamicIpRestriction.enableLoggingOnlyMode", "sometimes", "expected true or false"),
                wrong("dynamic-ip-forbidden", "DynamicIpRestriction.enableProxyMode", "on", "expected true or false"),
                wrong("dynamic-ip-forbidden", "DynamicIpRestriction.maxTrackedClients", "0", "expected a number from 1"),
                wrong("site", "RequestFiltering.fileExtensions.deny", "bak", "expected file extensions with their dot"),
                wrong("site", "RequestFiltering.fileExtensions.allowUnlisted", "no", "expected true or false"),
                wrong("site", "RequestFiltering.verbs.deny", "GET POST", "expected HTTP methods"),
                wrong("site", "RequestFiltering.requestLimits.maxUrl", "-1", "expected a number from 1"),
                wrong("site", "RequestFiltering.requestLimits.maxQueryString", "2k", "expected a whole number"),
                wrong("site", "RequestFiltering.requestLimits.maxAllowedContentLength", "-5", "expected a number from 0"),
                wrong("site", "RequestFiltering.maxUrl", "10", "is unknown: module 'RequestFiltering' does not read a setting 'maxUrl'"),
                wrong("site", "Drain.draining", "yes", "expected true or false"),
                wrong("site", "HttpLogging.selectiveLogging", "Sometimes", "expected one of LogAll, LogSuccessful, LogError"),
                wrong("site", "HttpLogging.dontLog", "1", "expected true or false"),
                wrong("rewrite", "UrlRewrite.configSource", "/WEB-INF/missing.config", "the web application has no such file"),
                wrong("rewrite", "UrlRewrite.configSource", "WEB-INF/rewrite.config", "expected a path in the web application"),
                wrong("rewrite", "UrlRewrite.configSource", "/WEB-INF/web.xml",
                        "/WEB-INF/web.xml, line 12: the root element is <web-app>: expected <rewrite>"));
    }

    private static Arguments wrong(String filter, String param, String value, String reason) {
        return Arguments.of(Named.of(param + "=" + value, new String[] {filter, param, value}), reason);
    }

    @ParameterizedTest
    @MethodSource("wrongSettings")
    void aWrongSettingFailsTheDeploymentNamingTheSettingAndTheValue(String[] setting, String reason) throws Exception {
        Path override = Overrides.write(dir, setting);
        Throwable failure = assertThrows(Throwable.class, () -> sample = JettySample.start(false, override));
        String messages = messages(failure);
        assertThat(messages, containsString("'" + setting[1] + "'"));
        assertThat(messages, containsString("'" + setting[2] + "'"));
        assertThat(messages, containsString(reason));
        assertThat(messages, containsString("filter '" + setting[0] + "'"));
    }

    private static String messages(Throwable failure) {
        StringBuilder text = new StringBuilder();
        append(failure, text, 0);
        return text.toString();
    }

    private static void append(Throwable failure, StringBuilder text, int depth) {
        if (failure == null || depth > 10) {
            return;
        }
        text.append(failure).append('\n');
        for (Throwable suppressed : failure.getSuppressed()) {
            append(suppressed, text, depth + 1);
        }
        append(failure.getCause(), text, depth + 1);
    }

    @Test
    void settingsLeftAtTheirOtherValueInTheWarTakeEffect() throws Exception {
        Path override = Overrides.write(dir,
                new String[] {"site",
                    "RequestFiltering.verbs.allowUnlisted", "false",
                    "RequestFiltering.verbs.allow", "GET, HEAD",
                    "RequestFiltering.fileExtensions.allowUnlisted", "false",
                    "RequestFiltering.fileExtensions.allow", ".html, .",
                    "HttpLogging.selectiveLogging", "LogError"},
                new String[] {"dynamic-ip-not-found", "DynamicIpRestriction.maxTrackedClients", "1"},
                new String[] {"dynamic-ip-unauthorized",
                    "DynamicIpRestriction.denyByRequestRate.maxRequests", "1",
                    "DynamicIpRestriction.denyByRequestRate.requestIntervalInMilliseconds", "200"});
        try (LogCapture log = new LogCapture()) {
            sample = JettySample.start(false, override);
            int port = sample.getHttpPort();

            // verbs.allowUnlisted=false: only the allowed verbs pass.
            assertThat(exchange(port, get("/demo/page.html")).getStatus(), is(200));
            assertThat(exchange(port, request("POST", "/demo/page.html", "Content-Length: 0")).getContent(),
                    startsWith("HTTP Error 404.6 "));
            // fileExtensions.allowUnlisted=false: only the allowed extensions, "." for none.
            // selectiveLogging=LogError: the 404 is logged, the 200 is not. One connection keeps the order: the
            // first request's RQ_LOG_REQUEST runs before the second request is read.
            try (Socket socket = Wire.connect(port)) {
                Wire.send(socket, get("/demo/hello"));
                assertThat(Wire.readResponse(socket.getInputStream()).getStatus(), is(200));
                Wire.send(socket, get("/demo/page.php"));
                assertThat(Wire.readResponse(socket.getInputStream()).getContent(), startsWith("HTTP Error 404.7 "));
            }
            log.awaitLine("HttpLoggingModule - GET /demo/page.php ", " 404 7 ");
            assertThat(log.lines("HttpLoggingModule - GET /demo/hello ").isEmpty(), is(true));

            // maxTrackedClients=1: tracking a second client evicts the first, which then starts afresh.
            String a = "X-Forwarded-For: 198.51.100.1";
            for (int i = 1; i <= 3; i++) {
                assertThat(exchange(port, get("/dynamic-ip/not-found/", a)).getStatus(), is(200));
            }
            assertThat(exchange(port, get("/dynamic-ip/not-found/", "X-Forwarded-For: 198.51.100.2")).getStatus(), is(200));
            assertThat(exchange(port, get("/dynamic-ip/not-found/", a)).getStatus(), is(200));

            // requestIntervalInMilliseconds=200, maxRequests=1: a client is denied within an interval and served
            // again in the next one (waits are bounded, no timing is asserted).
            String c = "X-Forwarded-For: 198.51.100.3";
            Wire.awaitUntil("a second request within the interval is denied",
                    () -> status(port, get("/dynamic-ip/unauthorized/", c)) == 401);
            Wire.awaitUntil("a request in a later interval is served",
                    () -> status(port, get("/dynamic-ip/unauthorized/", c)) == 200);
        }
    }

    private static int status(int port, String request) {
        try {
            return exchange(port, request).getStatus();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void drainingAtStart() throws Exception {
        Path override = Overrides.write(dir, new String[] {"site", "Drain.draining", "true"});
        sample = JettySample.start(false, override);
        try (Socket socket = Wire.connect(sample.getHttpPort())) {
            // Rejected by Request Filtering, yet drained: the Drain module runs first.
            Wire.send(socket, get("/demo/settings.bak") + get("/demo/hello"));
            HttpTester.Response response = Wire.readResponse(socket.getInputStream());
            assertThat(response.getStatus(), is(404));
            assertThat(response.get("Connection"), is("close"));
            assertThat(socket.getInputStream().read(), is(-1));
        }
        assertThat(exchange(sample.getHttpPort(), get("/admin/drain")).getContent(), is("draining=true\n"));
    }

    @Test
    void logSuccessfulLogsOnlyTheSuccessfulRequests() throws Exception {
        Path override = Overrides.write(dir, new String[] {"site", "HttpLogging.selectiveLogging", "LogSuccessful"});
        try (LogCapture log = new LogCapture()) {
            sample = JettySample.start(false, override);
            try (Socket socket = Wire.connect(sample.getHttpPort())) {
                Wire.send(socket, get("/demo/settings.bak"));
                assertThat(Wire.readResponse(socket.getInputStream()).getStatus(), is(404));
                Wire.send(socket, get("/demo/hello"));
                assertThat(Wire.readResponse(socket.getInputStream()).getStatus(), is(200));
            }
            log.awaitLine("HttpLoggingModule - GET /demo/hello ", " 200 0 ");
            assertThat(log.lines("HttpLoggingModule - GET /demo/settings.bak").isEmpty(), is(true));
        }
    }

    @Test
    void dontLogSilencesTheHttpLog() throws Exception {
        Path override = Overrides.write(dir, new String[] {"site", "HttpLogging.dontLog", "true"});
        try (LogCapture log = new LogCapture()) {
            sample = JettySample.start(false, override);
            try (Socket socket = Wire.connect(sample.getHttpPort())) {
                Wire.send(socket, get("/demo/hello"));
                assertThat(Wire.readResponse(socket.getInputStream()).getStatus(), is(200));
                Wire.send(socket, get("/demo/settings.bak"));
                assertThat(Wire.readResponse(socket.getInputStream()).getStatus(), is(404));
            }
            // Logged by Request Filtering at RQ_BEGIN_REQUEST of the second request, after the first one's
            // RQ_LOG_REQUEST: had the first been logged, its line would be there.
            log.awaitLine("RequestFiltering: rejected GET /demo/settings.bak with 404.7");
            assertThat(log.lines("HttpLoggingModule").isEmpty(), is(true));
        }
    }
}
