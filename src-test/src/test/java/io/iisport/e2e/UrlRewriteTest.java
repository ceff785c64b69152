package io.iisport.e2e;

import static io.iisport.e2e.Wire.connect;
import static io.iisport.e2e.Wire.exchange;
import static io.iisport.e2e.Wire.get;
import static io.iisport.e2e.Wire.readToReset;
import static io.iisport.e2e.Wire.request;
import static io.iisport.e2e.Wire.send;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import io.iisport.sample.server.SampleServer;
import java.net.Socket;
import java.util.stream.Stream;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The URL Rewrite port of the built WAR on Jetty, with the rules of its WEB-INF/rewrite.config (IIS's own XML): each
 * action as IIS sends it on the wire.
 */
class UrlRewriteTest {
    private static SampleServer sample;

    @BeforeAll
    static void start() throws Exception {
        sample = JettySample.start(false, null);
    }

    @AfterAll
    static void stop() {
        if (sample != null) {
            sample.stop();
        }
    }

    static Stream<Arguments> redirects() {
        return Stream.of(
                Arguments.of(Named.of("Permanent: canonical host name, query appended",
                        get("/rewrite/canonical/products/7?color=red")), 301,
                        "http://www.example.com/rewrite/canonical/products/7?color=red"),
                Arguments.of(Named.of("Found: HTTP to HTTPS on the host asked for",
                        request("GET", "/rewrite/secure/cart").replace("Host: localhost", "Host: shop.example:8080")), 302,
                        "https://shop.example:8080/rewrite/secure/cart"),
                Arguments.of(Named.of("PermanentRedirect: a relative Location, query not appended",
                        request("POST", "/rewrite/old-page?x=1", "Content-Length: 0")), 308, "new-page"));
    }

    @ParameterizedTest
    @MethodSource("redirects")
    void aRedirectRuleSendsItsStatusAndLocation(String rawRequest, int status, String location) throws Exception {
        HttpTester.Response response = exchange(sample.getHttpPort(), rawRequest);
        assertThat(response.getStatus(), is(status));
        assertThat(response.get("Location"), is(location));
        assertThat(response.getContent(), not(containsString("Served")));
    }

    @Test
    void theCanonicalHostIsNotRedirected() throws Exception {
        HttpTester.Response response = exchange(sample.getHttpPort(),
                get("/rewrite/canonical/products/7").replace("Host: localhost", "Host: www.example.com"));
        assertThat(response.getStatus(), is(200));
        assertThat(response.getContent(), is("Served GET /rewrite/canonical/products/7\n"));
    }

    static Stream<Arguments> customResponses() {
        return Stream.of(
                Arguments.of(Named.of("a private path", get("/rewrite/private/report.pdf"))),
                Arguments.of(Named.of("a User-Agent condition (MatchAny)", get("/rewrite/anything", "User-Agent: BadBot/2.1"))),
                Arguments.of(Named.of("the second MatchAny condition", get("/rewrite/anything", "User-Agent: EvilCrawler/1"))));
    }

    // The body is whatever the filter sends for a module's bare status: empty until custom errors map it onto the
    // container's error page, so only the status (and that no handler ran) is asserted.
    @ParameterizedTest
    @MethodSource("customResponses")
    void aCustomResponseRuleSendsItsStatusWithoutRunningTheHandler(String rawRequest) throws Exception {
        HttpTester.Response response = exchange(sample.getHttpPort(), rawRequest);
        assertThat(response.getStatus(), is(403));
        assertThat(response.getContent(), not(containsString("Served")));
    }

    @Test
    void aNoneRuleWithStopProcessingShieldsStaticFilesFromLaterRules() throws Exception {
        HttpTester.Response response = exchange(sample.getHttpPort(),
                get("/rewrite/static/site.css", "User-Agent: BadBot/2.1"));
        assertThat(response.getStatus(), is(200));
        assertThat(response.getContent(), is("Served GET /rewrite/static/site.css\n"));
    }

    @Test
    void aRequestNoRuleAppliesToIsServedAsAsked() throws Exception {
        HttpTester.Response response = exchange(sample.getHttpPort(), get("/rewrite/article/x/y?a=1"));
        assertThat(response.getStatus(), is(200));
        assertThat(response.getContent(), is("Served GET /rewrite/article/x/y?a=1\n"));
    }

    @ParameterizedTest
    @MethodSource("probes")
    void anAbortRequestRuleResetsTheConnection(String path) throws Exception {
        try (Socket socket = connect(sample.getHttpPort())) {
            send(socket, get(path));
            Wire.Reset reset = readToReset(socket.getInputStream());
            assertThat(reset.failure().getMessage(), containsString("Connection reset"));
            assertThat(reset.before(), is(emptyString()));
        }
    }

    static Stream<String> probes() {
        return Stream.of("/rewrite/wp-login.php", "/rewrite/xmlrpc.php?x=1");
    }

    @Test
    void aRewriteRuleHasTheRewrittenUrlServed() throws Exception {
        HttpTester.Response article = exchange(sample.getHttpPort(), get("/rewrite/article/234/some-title?ref=home"));
        assertThat(article.getStatus(), is(200));
        assertThat(article.getContent(), is("Served GET /rewrite/article.aspx?id=234&title=some-title&ref=home\n"));

        HttpTester.Response profile = exchange(sample.getHttpPort(), get("/rewrite/profile?name=ada"));
        assertThat(profile.getStatus(), is(200));
        assertThat(profile.getContent(), is("Served GET /rewrite/users/ada\n"));
    }
}
