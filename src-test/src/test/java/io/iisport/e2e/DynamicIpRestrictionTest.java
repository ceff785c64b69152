package io.iisport.e2e;

import static io.iisport.e2e.Wire.connect;
import static io.iisport.e2e.Wire.exchange;
import static io.iisport.e2e.Wire.get;
import static io.iisport.e2e.Wire.readHead;
import static io.iisport.e2e.Wire.readResponse;
import static io.iisport.e2e.Wire.readToReset;
import static io.iisport.e2e.Wire.request;
import static io.iisport.e2e.Wire.send;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import io.iisport.sample.server.SampleServer;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Dynamic IP Restrictions pipelines of the built WAR on Jetty with the iisport extension, one per
 * {@code denyAction}, each with the settings of its web.xml (requests counted over 10 s, so none of these tests
 * depends on timing). Each test acts as its own client through {@code X-Forwarded-For} (the pipelines run in proxy
 * mode), so the tests do not share counters. Each deny action past the request rate, on the wire, is tested with
 * the module alone in webapp-sample's {@code DynamicIpRestrictionTest}.
 */
class DynamicIpRestrictionTest {
    private static final AtomicInteger CLIENTS = new AtomicInteger();
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

    /** @return a client address of its own, from TEST-NET-2 */
    private static String newClient() {
        return "198.51.100." + CLIENTS.incrementAndGet();
    }

    private static HttpTester.Response getAs(String client, String path) throws Exception {
        return exchange(sample.getHttpPort(), get(path, "X-Forwarded-For: " + client));
    }

    @Test
    void forbiddenDeniesTheRequestsPastMaxRequestsWith403502() throws Exception {
        String client = newClient();
        for (int i = 1; i <= 5; i++) {
            assertThat("request " + i, getAs(client, "/dynamic-ip/forbidden/").getStatus(), is(200));
        }
        HttpTester.Response denied = getAs(client, "/dynamic-ip/forbidden/");
        assertThat(denied.getStatus(), is(403));
        assertThat(denied.getContent(), startsWith("HTTP Error 403.502 - Forbidden\n"));
        // Another client is not affected.
        assertThat(getAs(newClient(), "/dynamic-ip/forbidden/").getStatus(), is(200));
        log.awaitLine("DynamicIpRestriction: denied GET /dynamic-ip/forbidden/ from " + client, "with Forbidden");
    }

    @Test
    void forbiddenDeniesAnAddressOnTheDenyListWith403503() throws Exception {
        for (String client : List.of("192.0.2.7", "192.0.2.255", "2001:db8::5", "[2001:db8:ffff::1]")) {
            HttpTester.Response denied = getAs(client, "/dynamic-ip/forbidden/");
            assertThat(client, denied.getStatus(), is(403));
            assertThat(client, denied.getContent(), startsWith("HTTP Error 403.503 - Forbidden\n"));
        }
        // Next to the denied blocks, served.
        assertThat(getAs("192.0.3.1", "/dynamic-ip/forbidden/").getStatus(), is(200));
        assertThat(getAs("2001:db9::1", "/dynamic-ip/forbidden/").getStatus(), is(200));
    }

    @Test
    void withoutProxyHeaderTheSocketAddressCounts() throws Exception {
        // An X-Forwarded-For that is no IP literal is ignored: the socket's address (127.0.0.1) is used.
        HttpTester.Response response = exchange(sample.getHttpPort(),
                get("/dynamic-ip/forbidden/", "X-Forwarded-For: unknown"));
        assertThat(response.getStatus(), is(200));
    }

    @Test
    void forbiddenDeniesConcurrentRequestsPastTheMaximumWith403501() throws Exception {
        String client = newClient();
        // Two requests whose bodies are held back stay in flight: the servlet waits for their bodies. Each asks for
        // 100 Continue, which the server sends when the servlet starts reading the body, so past the module's
        // count: only then is the next request sent. (Without that, a request sent later could be counted first,
        // and a held one would be the request denied.)
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Socket socket = connect(sample.getHttpPort());
                held.add(socket);
                send(socket, request("POST", "/dynamic-ip/forbidden/held", "X-Forwarded-For: " + client,
                        "Content-Length: 4", "Expect: 100-continue"));
                assertThat("held request " + (i + 1), readHead(socket.getInputStream()),
                        startsWith("HTTP/1.1 100 Continue\r\n"));
            }
            // A third is denied while both are in flight (its checks run before the request rate's).
            HttpTester.Response third = getAs(client, "/dynamic-ip/forbidden/");
            assertThat(third.getStatus(), is(403));
            assertThat(third.getContent(), startsWith("HTTP Error 403.501 - Forbidden\n"));
            // The held requests are served once their bodies arrive.
            for (Socket socket : held) {
                send(socket, "body");
                HttpTester.Response response = readResponse(socket.getInputStream());
                assertThat(response.getStatus(), is(200));
                assertThat(response.getContent(), is("Hello from POST /dynamic-ip/forbidden/held, read 4 body bytes\n"));
            }
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void abortRequestResetsAnAddressOnTheDenyList() throws Exception {
        try (Socket socket = connect(sample.getHttpPort())) {
            send(socket, get("/dynamic-ip/abort/", "X-Forwarded-For: 192.0.2.99"));
            assertThat(readToReset(socket.getInputStream()).before(), is(emptyString()));
        }
    }

    @Test
    void abortRequestOverHttp2ResetsTheStreamWithCancel() throws Exception {
        try (H2 client = new H2(sample.getHttpPort(), false)) {
            H2.Response reset = client.get("/dynamic-ip/abort/", "X-Forwarded-For", "192.0.2.98");
            assertThat(reset.resetError(), is(0x8));
            // Only that stream: another client's request on the same session is served.
            assertThat(client.get("/dynamic-ip/abort/", "X-Forwarded-For", newClient()).status(), is(200));
        }
    }

    @Test
    void loggingOnlyModeServesEveryRequestAndLogsWhatItWouldDeny() throws Exception {
        // This pipeline is not in proxy mode: the client is the socket's address.
        String client = "127.0.0.1";
        for (int i = 1; i <= 3; i++) {
            HttpTester.Response response = exchange(sample.getHttpPort(), get("/dynamic-ip/logging-only/"));
            assertThat(response.getStatus(), is(200));
            assertThat(response.getContent(), is("Hello from GET /dynamic-ip/logging-only/\n"));
        }
        log.awaitLine("logging only: would deny GET /dynamic-ip/logging-only/ from " + client,
                "(the client IP address is included in the deny list), with AbortRequest");
        assertThat(log.lines("denied GET /dynamic-ip/logging-only/").isEmpty(), is(true));
    }
}
