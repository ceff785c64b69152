package io.iisport.e2e;

import static io.iisport.e2e.Wire.exchange;
import static io.iisport.e2e.Wire.get;
import static io.iisport.e2e.Wire.request;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import io.iisport.sample.server.SampleServer;
import java.util.stream.Stream;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Request Filtering module of the built WAR on Jetty, with the settings of its web.xml: each rule rejects with
 * its IIS 404 sub-status, the request is still logged with that sub-status by the HTTP logging module at
 * RQ_LOG_REQUEST, and requests that break no rule are served.
 */
class RequestFilteringTest {
    private static LogCapture log;
    private static SampleServer sample;

    @BeforeAll
    static void start() throws Exception {
        log = new LogCapture();
        sample = JettySample.start(false, null);
    }

    @AfterAll
    static void stop() {
        if (sample != null) {
            sample.stop();
        }
        log.close();
    }

    static Stream<Arguments> rejected() {
        String x1100 = "x".repeat(1100);
        return Stream.of(
                Arguments.of(Named.of("denyUrlSequences '..' (raw, not normalized)", get("/demo/a/../hello")), 5, "GET /demo/a/../hello"),
                Arguments.of(Named.of("denyUrlSequences '~'", get("/demo/~backup")), 5, "GET /demo/~backup"),
                Arguments.of(Named.of("denyUrlSequences '~' percent-encoded", get("/demo/%7Ebackup")), 5, "GET /demo/%7Ebackup"),
                Arguments.of(Named.of("denyUrlSequences '/.git'", get("/demo/.git/config")), 5, "GET /demo/.git/config"),
                Arguments.of(Named.of("verbs.deny DELETE", request("DELETE", "/demo/hello")), 6, "DELETE /demo/hello"),
                Arguments.of(Named.of("verbs.deny TRACK", request("TRACK", "/demo/hello")), 6, "TRACK /demo/hello"),
                Arguments.of(Named.of("fileExtensions.deny .bak", get("/demo/settings.bak")), 7, "GET /demo/settings.bak"),
                Arguments.of(Named.of("fileExtensions.deny .CONFIG, any case", get("/demo/Web.CONFIG")), 7, "GET /demo/Web.CONFIG"),
                Arguments.of(Named.of("hiddenSegments App_Data", get("/demo/App_Data/users.txt")), 8, "GET /demo/App_Data/users.txt"),
                Arguments.of(Named.of("hiddenSegments bin, any case", get("/demo/BIN/tool")), 8, "GET /demo/BIN/tool"),
                Arguments.of(Named.of("requestLimits.maxAllowedContentLength", request("POST", "/demo/hello",
                        "Content-Length: 1048577")), 13, "POST /demo/hello"),
                Arguments.of(Named.of("requestLimits.maxUrl", get("/demo/" + x1100)), 14, "GET /demo/" + "x".repeat(150)),
                Arguments.of(Named.of("requestLimits.maxQueryString", get("/demo/hello?q=" + "y".repeat(300))), 15,
                        "GET /demo/hello"));
    }

    @ParameterizedTest
    @MethodSource("rejected")
    void aRejectedRequestGetsItsSubStatusAndIsStillLogged(String rawRequest, int subStatus, String logged) throws Exception {
        HttpTester.Response response = exchange(sample.getHttpPort(), rawRequest);
        assertThat(response.getStatus(), is(404));
        assertThat(response.getContent(), startsWith("HTTP Error 404." + subStatus + " - Not Found\n"));
        // HttpLogging at RQ_LOG_REQUEST: "<method> <url> <query> <c-ip> <version> <status> <sub-status> <time-taken>"
        log.awaitLine("HttpLoggingModule - " + logged, " 404 " + subStatus + " ");
        log.awaitLine("RequestFilteringModule - RequestFiltering: rejected " + logged, "with 404." + subStatus + ":");
    }

    static Stream<Arguments> allowed() {
        return Stream.of(
                Arguments.of(Named.of("a plain GET", get("/demo/hello")), "Hello from GET /demo/hello\n"),
                Arguments.of(Named.of("an unlisted verb (PUT)", request("PUT", "/demo/hello", "Content-Length: 3") + "abc"),
                        "Hello from PUT /demo/hello, read 3 body bytes\n"),
                Arguments.of(Named.of("an unlisted extension", get("/demo/page.html")), "Hello from GET /demo/page.html\n"),
                Arguments.of(Named.of("a hidden segment's name inside a segment", get("/demo/binary/x")), "Hello from GET /demo/binary/x\n"),
                Arguments.of(Named.of("a URL just within maxUrl", get("/demo/" + "x".repeat(1024 - "/demo/".length()))),
                        "Hello from GET /demo/" + "x".repeat(1024 - "/demo/".length()) + "\n"),
                Arguments.of(Named.of("a query just within maxQueryString", get("/demo/hello?" + "q".repeat(256))),
                        "Hello from GET /demo/hello\n"),
                Arguments.of(Named.of("a body just within maxAllowedContentLength", request("POST", "/demo/hello",
                        "Content-Length: 0")), "Hello from POST /demo/hello, read 0 body bytes\n"));
    }

    @ParameterizedTest
    @MethodSource("allowed")
    void aRequestThatBreaksNoRuleIsServedAndLogged(String rawRequest, String body) throws Exception {
        HttpTester.Response response = exchange(sample.getHttpPort(), rawRequest);
        assertThat(response.getStatus(), is(200));
        assertThat(response.getContent(), is(body));
        String target = rawRequest.substring(0, rawRequest.indexOf(" HTTP/1.1"));
        int query = target.indexOf('?');
        log.awaitLine("HttpLoggingModule - " + (query < 0 ? target : target.substring(0, query)) + " ", " 200 0 ");
    }

    @org.junit.jupiter.api.Test
    void theHomePageRunsThroughTheSitePipeline() throws Exception {
        HttpTester.Response response = exchange(sample.getHttpPort(), get("/"));
        assertThat(response.getStatus(), is(200));
        log.awaitLine("HttpLoggingModule - GET / - 127.0.0.1 HTTP/1.1 200 0 ");
    }
}
