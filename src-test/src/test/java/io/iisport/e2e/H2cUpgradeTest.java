package io.iisport.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import io.iisport.sample.server.SampleServer;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 reached by the HTTP/1.1 {@code Upgrade: h2c} handshake (RFC 7540 §3.2), as {@code curl --http2} does: the
 * upgraded request is stream 1. The frames are read off the socket, as a client sees them; the disconnect case
 * ends when the server closes the connection (EOF), so it also proves the close.
 */
class H2cUpgradeTest {
    private static final int DATA = 0x0;
    private static final int RST_STREAM = 0x3;
    private static final int GOAWAY = 0x7;
    private static final int END_STREAM = 0x1;
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY_SETTINGS = {0, 0, 0, 0x4, 0, 0, 0, 0, 0};

    private static SampleServer sample;

    /** One frame: type, flags, stream and, for RST_STREAM and GOAWAY, the error code. */
    record Frame(int type, int flags, int stream, int errorCode) {
        @Override
        public String toString() {
            return "type=" + type + " flags=" + flags + " stream=" + stream + " error=" + errorCode;
        }
    }

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

    /**
     * Upgrades a connection with a GET of {@code path}, then reads frames until the server closes it or, with
     * {@code pingAfterReset}, until the answer to a PING sent once stream 1 was reset.
     */
    private static List<Frame> upgrade(String path, boolean pingAfterReset) throws IOException {
        List<Frame> frames = new ArrayList<>();
        try (Socket socket = Wire.connect(sample.getHttpPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                    + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            assertThat(readHead(in), startsWith("HTTP/1.1 101"));
            out.write(PREFACE);
            out.write(EMPTY_SETTINGS);
            out.flush();
            while (true) {
                int length;
                try {
                    length = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
                } catch (EOFException closed) {
                    return frames;
                }
                int type = in.readUnsignedByte();
                int flags = in.readUnsignedByte();
                int stream = in.readInt() & 0x7fffffff;
                byte[] payload = in.readNBytes(length);
                int error = -1;
                if (type == RST_STREAM) {
                    error = readInt(payload, 0);
                } else if (type == GOAWAY) {
                    error = readInt(payload, 4);
                }
                frames.add(new Frame(type, flags, stream, error));
                if (type == 0x4 && (flags & 0x1) == 0) {
                    out.write(new byte[] {0, 0, 0, 0x4, 0x1, 0, 0, 0, 0}); // SETTINGS ack
                    out.flush();
                }
                if (type == RST_STREAM && pingAfterReset) {
                    out.write(new byte[] {0, 0, 8, 0x6, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8}); // PING
                    out.flush();
                }
                if (type == 0x6 && (flags & 0x1) != 0 && pingAfterReset) {
                    return frames; // the session answered after the reset: it carries on
                }
                if (type == GOAWAY) {
                    // Answer as clients do, so that the server closes its side.
                    out.write(new byte[] {0, 0, 8, 0x7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
                    out.flush();
                }
            }
        }
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed during the 101 response: " + head);
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void resetConnectionOnTheUpgradedStreamIsRstStreamCancel() throws IOException {
        List<Frame> frames = upgrade("/seed/reset-connection", true);
        assertThat(frames, hasItem(new Frame(RST_STREAM, 0, 1, 0x8)));
        assertThat("the session answers a PING after the reset", frames.get(frames.size() - 1).type(), is(0x6));
        assertThat(frames.stream().anyMatch(f -> f.type() == DATA && f.stream() == 1), is(false));
        assertThat(frames.stream().anyMatch(f -> f.type() == GOAWAY), is(false));
    }

    @Test
    void setNeedDisconnectOnTheUpgradedStreamCompletesItThenGoAway() throws IOException {
        List<Frame> frames = upgrade("/seed/set-need-disconnect", false);
        int lastData = -1;
        int firstGoAway = -1;
        for (int i = 0; i < frames.size(); i++) {
            Frame frame = frames.get(i);
            if (frame.type() == DATA && frame.stream() == 1 && (frame.flags() & END_STREAM) != 0) {
                lastData = i;
            }
            if (frame.type() == GOAWAY && firstGoAway < 0) {
                firstGoAway = i;
                assertThat(frame.errorCode(), is(0));
            }
        }
        assertThat("the stream completes: " + frames, lastData, not(is(-1)));
        assertThat("then GOAWAY: " + frames, firstGoAway, not(is(-1)));
        assertThat(lastData, lessThan(firstGoAway));
        assertThat(frames.stream().anyMatch(f -> f.type() == RST_STREAM), is(false));
    }
}
