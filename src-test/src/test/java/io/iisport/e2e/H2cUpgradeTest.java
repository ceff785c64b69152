package io.iisport.e2e;

import static io.iisport.test.http2.Http2FrameClient.ACK;
import static io.iisport.test.http2.Http2FrameClient.DATA;
import static io.iisport.test.http2.Http2FrameClient.GOAWAY;
import static io.iisport.test.http2.Http2FrameClient.PING;
import static io.iisport.test.http2.Http2FrameClient.RST_STREAM;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

import io.iisport.test.http2.Http2FrameClient;
import io.iisport.test.http2.Http2FrameClient.Closed;
import io.iisport.test.http2.Http2FrameClient.Frame;
import io.iisport.sample.server.SampleServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 reached by the HTTP/1.1 {@code Upgrade: h2c} handshake (RFC 7540 §3.2), as {@code curl --http2} does: the
 * upgraded request is stream 1. The frames are read off the socket by a client that never answers a GOAWAY and
 * never closes, so the disconnect case ends only if the server closes the connection itself.
 */
class H2cUpgradeTest {
    private static final int CANCEL = 0x8;

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

    @Test
    void resetConnectionOnTheUpgradedStreamIsRstStreamCancel() throws Exception {
        try (Http2FrameClient client = Http2FrameClient.upgrade(sample.getHttpPort(), "/seed/reset-connection",
                Wire.TIMEOUT_SECONDS)) {
            List<Frame> frames = new ArrayList<>(client.readUntil("RST_STREAM", f -> f.type() == RST_STREAM));
            Frame reset = frames.get(frames.size() - 1);
            assertThat(reset.stream(), is(1));
            assertThat(reset.errorCode(), is(CANCEL));
            // The session answers a PING after the reset: it carries on.
            client.ping();
            frames.addAll(client.readUntil("the PING ACK", f -> f.type() == PING && (f.flags() & ACK) != 0));
            assertThat(frames.stream().anyMatch(f -> f.type() == DATA && f.stream() == 1), is(false));
            assertThat(frames.stream().anyMatch(f -> f.type() == GOAWAY), is(false));
        }
    }

    @Test
    void setNeedDisconnectOnTheUpgradedStreamCompletesItThenGoAwayThenTheServerCloses() throws Exception {
        try (Http2FrameClient client = Http2FrameClient.upgrade(sample.getHttpPort(), "/seed/set-need-disconnect",
                Wire.TIMEOUT_SECONDS)) {
            Closed closed = client.readUntilEof();
            List<Frame> frames = closed.frames();
            int lastData = closed.indexOfEndStream(1);
            int firstGoAway = closed.indexOf(GOAWAY, 0);
            assertThat("the stream completes: " + frames, lastData, not(is(-1)));
            assertThat("then GOAWAY: " + frames, firstGoAway, not(is(-1)));
            assertThat(lastData, lessThan(firstGoAway));
            assertThat(frames.get(lastData).type(), is(DATA));
            assertThat(closed.body(1), is("Hello from GET /seed/set-need-disconnect\n"));
            assertThat(closed.lastGoAway().errorCode(), is(0));
            assertThat(closed.lastGoAway().lastStreamId(), is(1));
            assertThat(frames.stream().anyMatch(f -> f.type() == RST_STREAM), is(false));
            assertThat("EOF promptly after the final GOAWAY", closed.millisToEof(closed.lastGoAway()),
                    lessThan(Wire.PROMPT_CLOSE_MILLIS));
        }
    }
}
