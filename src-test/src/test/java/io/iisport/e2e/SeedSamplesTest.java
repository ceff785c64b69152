package io.iisport.e2e;

import static io.iisport.e2e.Wire.connect;
import static io.iisport.e2e.Wire.connectTls;
import static io.iisport.e2e.Wire.count;
import static io.iisport.e2e.Wire.get;
import static io.iisport.e2e.Wire.readResponse;
import static io.iisport.e2e.Wire.readToEof;
import static io.iisport.e2e.Wire.readToReset;
import static io.iisport.e2e.Wire.send;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import io.iisport.test.http2.Http2FrameClient;
import io.iisport.sample.server.SampleServer;
import java.net.Socket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two IIS documentation samples of the built WAR on Jetty with the iisport extension, over HTTP/1.0, HTTP/1.1
 * (plain and TLS), h2c and h2: the public contract of {@code /seed/set-need-disconnect} and
 * {@code /seed/reset-connection}. Each sample alone around a servlet, over HTTP/1.1 and h2c, is tested in
 * webapp-sample's {@code SeedSamplesTest}.
 */
class SeedSamplesTest {
    private static final String DISCONNECT = "/seed/set-need-disconnect";
    private static final String RESET = "/seed/reset-connection";
    private static final int CANCEL = 0x8;
    private static final int NO_ERROR = 0x0;

    private static SampleServer sample;

    @BeforeAll
    static void start() throws Exception {
        sample = JettySample.start(true, null);
    }

    @AfterAll
    static void stop() {
        if (sample != null) {
            sample.stop();
        }
    }

    @Test
    void setNeedDisconnectNeverRunsAPipelinedRequest() throws Exception {
        try (Socket socket = connect(sample.getHttpPort())) {
            send(socket, get(DISCONNECT) + get("/bench/plain") + get("/bench/plain"));
            String wire = readToEof(socket.getInputStream());
            assertThat(count(wire, "HTTP/1.1 "), is(1));
            assertThat(wire, containsString("Hello from GET " + DISCONNECT));
            assertThat(wire, not(containsString("/bench/plain")));
        }
    }

    @Test
    void setNeedDisconnectClosesAnHttp10KeepAliveConnection() throws Exception {
        try (Socket socket = connect(sample.getHttpPort())) {
            send(socket, "GET " + DISCONNECT + " HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            String wire = readToEof(socket.getInputStream());
            assertThat(wire, startsWith("HTTP/1.1 200 "));
            assertThat(wire, not(containsString("Connection: keep-alive")));
            assertThat(wire, containsString("Hello from GET " + DISCONNECT + "\n"));
        }
    }

    @Test
    void aPlainPathKeepsTheConnectionOpen() throws Exception {
        // The contrast that makes the two tests above meaningful: without the module the connection is reused.
        try (Socket socket = connect(sample.getHttpPort())) {
            send(socket, get("/bench/plain"));
            assertThat(readResponse(socket.getInputStream()).get("Connection"), is((String) null));
            send(socket, get("/bench/plain"));
            assertThat(readResponse(socket.getInputStream()).getStatus(), is(200));
        }
    }

    @Test
    void resetConnectionSendsATcpResetAndNothingOfTheResponse() throws Exception {
        long resets = sample.getCustomizer().getResets();
        try (Socket socket = connect(sample.getHttpPort())) {
            send(socket, get(RESET) + get("/bench/plain"));
            Wire.Reset reset = readToReset(socket.getInputStream());
            assertThat(reset.failure().getMessage(), containsString("Connection reset"));
            assertThat(reset.before(), is(emptyString()));
        }
        Wire.awaitUntil("the reset is counted", () -> sample.getCustomizer().getResets() == resets + 1);
    }

    @Test
    void resetConnectionOverHttp10() throws Exception {
        try (Socket socket = connect(sample.getHttpPort())) {
            send(socket, "GET " + RESET + " HTTP/1.0\r\n\r\n");
            Wire.Reset reset = readToReset(socket.getInputStream());
            assertThat(reset.before(), not(containsString("Status:")));
        }
    }

    @Test
    void overTlsSetNeedDisconnectClosesAfterTheResponse() throws Exception {
        try (Socket socket = connectTls(sample.getHttpsPort())) {
            send(socket, get(DISCONNECT) + get("/bench/plain"));
            String wire = readToEof(socket.getInputStream());
            assertThat(count(wire, "HTTP/1.1 "), is(1));
            assertThat(wire, containsString("Connection: close"));
            assertThat(wire, containsString("Hello from GET " + DISCONNECT + "\n"));
        }
    }

    @Test
    void overTlsResetConnectionResetsTheSocket() throws Exception {
        try (Socket socket = connectTls(sample.getHttpsPort())) {
            send(socket, get(RESET));
            Wire.Reset reset = readToReset(socket.getInputStream());
            assertThat(reset.before(), is(emptyString()));
        }
    }

    @Test
    void h2SetNeedDisconnectCompletesTheStreamThenSendsGoAway() throws Exception {
        try (H2 client = new H2(sample.getHttpsPort(), true)) {
            H2.Response response = client.get(DISCONNECT);
            assertThat(response.status(), is(200));
            assertThat(response.resetError(), is(H2.NO_RESET));
            assertThat(response.body(), is("Hello from GET " + DISCONNECT + "\n"));
            assertThat(client.nextEvent(), is(DISCONNECT + ":complete"));
            assertThat(client.nextEvent(), is("goaway:" + NO_ERROR));
        }
    }

    @Test
    void h2cSetNeedDisconnectClosesTheConnectionForAClientThatNeverCloses() throws Exception {
        h2SetNeedDisconnectCloses(Http2FrameClient.Transport.PRIOR_KNOWLEDGE, sample.getHttpPort());
    }

    @Test
    void h2SetNeedDisconnectClosesTheConnectionForAClientThatNeverCloses() throws Exception {
        h2SetNeedDisconnectCloses(Http2FrameClient.Transport.TLS, sample.getHttpsPort());
    }

    /** With a raw-frame client that never answers the GOAWAY nor closes: the server closes after the final GOAWAY. */
    private static void h2SetNeedDisconnectCloses(Http2FrameClient.Transport transport, int port) throws Exception {
        try (Http2FrameClient client = Http2FrameClient.connect(transport, port, Wire.trustAll(), Wire.TIMEOUT_SECONDS)) {
            client.get(1, DISCONNECT);
            Http2FrameClient.Closed closed = client.readUntilEof();
            assertThat(closed.body(1), is("Hello from GET " + DISCONNECT + "\n"));
            assertThat(closed.indexOfEndStream(1), lessThan(closed.indexOf(Http2FrameClient.GOAWAY, 0)));
            assertThat(closed.lastGoAway().errorCode(), is(NO_ERROR));
            assertThat(closed.lastGoAway().lastStreamId(), is(1));
            assertThat("EOF promptly after the final GOAWAY", closed.millisToEof(closed.lastGoAway()),
                    lessThan(Wire.PROMPT_CLOSE_MILLIS));
        }
    }

    @Test
    void h2cResetConnectionResetsOnlyThatStreamWithCancel() throws Exception {
        h2ResetConnection(false);
    }

    @Test
    void h2ResetConnectionResetsOnlyThatStreamWithCancel() throws Exception {
        h2ResetConnection(true);
    }

    private static void h2ResetConnection(boolean tls) throws Exception {
        long streamResets = sample.getCustomizer().getStreamResets();
        try (H2 client = new H2(tls ? sample.getHttpsPort() : sample.getHttpPort(), tls)) {
            H2.Response reset = client.get(RESET);
            assertThat(reset.resetError(), is(CANCEL));
            assertThat(reset.body(), not(containsString("Status:")));
            // The session carries on: the next stream on it is served.
            H2.Response next = client.get("/bench/plain");
            assertThat(next.status(), is(200));
            assertThat(next.body(), is("Hello from GET /bench/plain\n"));
            assertThat(client.eventsSoFar().contains("goaway:" + NO_ERROR), is(false));
        }
        assertThat(sample.getCustomizer().getStreamResets(), is(streamResets + 1));
    }
}
