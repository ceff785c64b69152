package io.iisport.e2e;

import static io.iisport.e2e.Wire.connect;
import static io.iisport.e2e.Wire.count;
import static io.iisport.e2e.Wire.exchange;
import static io.iisport.e2e.Wire.get;
import static io.iisport.e2e.Wire.readResponse;
import static io.iisport.e2e.Wire.readToEof;
import static io.iisport.e2e.Wire.request;
import static io.iisport.e2e.Wire.send;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import io.iisport.sample.server.SampleServer;
import java.io.InputStream;
import java.net.Socket;
import java.util.List;
import java.util.function.LongSupplier;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The drain switch and the benchmark paths of the built WAR on Jetty with the iisport extension.
 */
class DrainAndBenchTest {
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

    @AfterEach
    void stopDraining() throws Exception {
        exchange(sample.getHttpPort(), request("POST", "/admin/drain?draining=false", "Content-Length: 0"));
    }

    private static HttpTester.Response drain(String value) throws Exception {
        return exchange(sample.getHttpPort(), request("POST", "/admin/drain?draining=" + value, "Content-Length: 0"));
    }

    @Test
    void theSwitchStartsOffAndIsSwitchedByPost() throws Exception {
        assertThat(exchange(sample.getHttpPort(), get("/admin/drain")).getContent(), is("draining=false\n"));
        assertThat(drain("true").getContent(), is("draining=true\n"));
        assertThat(exchange(sample.getHttpPort(), get("/admin/drain")).getContent(), is("draining=true\n"));
        assertThat(drain("FALSE").getContent(), is("draining=false\n"));
    }

    @Test
    void aWrongValueIsABadRequest() throws Exception {
        assertThat(drain("maybe").getStatus(), is(400));
        assertThat(exchange(sample.getHttpPort(), request("POST", "/admin/drain", "Content-Length: 0")).getStatus(), is(400));
        assertThat(exchange(sample.getHttpPort(), get("/admin/drain")).getContent(), is("draining=false\n"));
    }

    @Test
    void whileDrainingEverySiteResponseIsServedThenItsConnectionCloses() throws Exception {
        drain("true");
        for (String path : List.of("/", "/demo/hello")) {
            try (Socket socket = connect(sample.getHttpPort())) {
                send(socket, get(path) + get("/demo/hello"));
                String wire = readToEof(socket.getInputStream());
                assertThat(path, count(wire, "HTTP/1.1 200 "), is(1));
                assertThat(path, wire, containsString("Connection: close"));
            }
        }
    }

    @Test
    void drainingLeavesPathsOutsideTheSitePipelineAlone() throws Exception {
        drain("true");
        try (Socket socket = connect(sample.getHttpPort())) {
            send(socket, get("/bench/plain"));
            InputStream input = socket.getInputStream();
            assertThat(readResponse(input).get("Connection"), nullValue());
            send(socket, get("/bench/filtered"));
            assertThat(readResponse(input).getStatus(), is(200));
        }
    }

    @Test
    void afterDrainingConnectionsAreKeptAgain() throws Exception {
        drain("true");
        drain("false");
        try (Socket socket = connect(sample.getHttpPort())) {
            send(socket, get("/demo/hello"));
            InputStream input = socket.getInputStream();
            assertThat(readResponse(input).get("Connection"), nullValue());
            send(socket, get("/demo/hello"));
            assertThat(readResponse(input).getContent(), is("Hello from GET /demo/hello\n"));
        }
    }

    @Test
    void whileDrainingHttp2ResponsesAreServedThenTheSessionGetsGoAway() throws Exception {
        drain("true");
        try (H2 client = new H2(sample.getHttpPort(), false)) {
            H2.Response response = client.get("/demo/hello");
            assertThat(response.status(), is(200));
            assertThat(response.body(), is("Hello from GET /demo/hello\n"));
            assertThat(client.nextEvent(), is("/demo/hello:complete"));
            assertThat(client.nextEvent(), is("goaway:0"));
        }
    }

    @Test
    void theBenchmarkPathsServeTheSameServletTwoThroughAModuleFilter() throws Exception {
        HttpTester.Response plain = exchange(sample.getHttpPort(), get("/bench/plain"));
        HttpTester.Response filtered = exchange(sample.getHttpPort(), get("/bench/filtered"));
        HttpTester.Response observed = exchange(sample.getHttpPort(), get("/bench/observed"));
        HttpTester.Response emptyFilter = exchange(sample.getHttpPort(), get("/bench/empty-filter"));
        assertThat(emptyFilter.getContent(), is("Hello from GET /bench/empty-filter\n"));
        assertThat(plain.getContent(), is("Hello from GET /bench/plain\n"));
        assertThat(filtered.getContent(), is("Hello from GET /bench/filtered\n"));
        assertThat(observed.getContent(), is("Hello from GET /bench/observed\n"));
        for (String filter : new String[] {"bench", "bench-observed"}) {
            assertThat(sample.getWebApp().getServletContext().getAttribute(
                    "io.iisport.filter.IisModuleFilter." + filter + ".degradedCalls"), instanceOf(LongSupplier.class));
        }
        // The bench filter is deployed (it publishes its degraded-call counter) and degrades nothing.
        Object counter = sample.getWebApp().getServletContext()
                .getAttribute("io.iisport.filter.IisModuleFilter.bench.degradedCalls");
        assertThat(counter, instanceOf(LongSupplier.class));
        assertThat(((LongSupplier) counter).getAsLong(), is(0L));
    }

    @Test
    void anUnknownPathIsANotFoundFromTheContainer() throws Exception {
        assertThat(exchange(sample.getHttpPort(), get("/nothing-here")).getStatus(), is(404));
    }
}
