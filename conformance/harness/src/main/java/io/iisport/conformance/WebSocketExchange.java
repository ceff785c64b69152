package io.iisport.conformance;

import io.iisport.conformance.Observation.Framing;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A WebSocket opening handshake (RFC 6455 section 4) on a raw socket, a masked text message and its echo, a pause of
 * {@value #PAUSE_MS} ms, a second message and its echo (so a connection closed soon after the 101 shows), then the
 * closing handshake. The observation's headers are the 101's, its body the echoed messages, its end how the
 * connection ended after the close frames.
 *
 * @param target the endpoint's path; {@code {p}} stands for the path prefix
 */
public record WebSocketExchange(String target) implements Probe {
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    /** The pause between the two messages, in milliseconds. */
    static final int PAUSE_MS = 200;

    @Override
    public Observation observe(int port, String prefix) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(Http1Exchange.READ_TIMEOUT_MS);
            OutputStream output = socket.getOutputStream();
            long start = System.nanoTime();
            output.write(("GET " + target.replace("{p}", prefix) + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + KEY
                    + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            output.flush();
            TimedInput input = new TimedInput(socket.getInputStream(), start);
            String statusLine = input.line();
            if (statusLine == null) {
                return new Observation(0, "", List.of(), new byte[0], Framing.NONE, List.of(), "closed", List.of());
            }
            int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
            List<Observation.Field> fields = new ArrayList<>();
            for (String line; (line = input.line()) != null && !line.isEmpty();) {
                int colon = line.indexOf(':');
                fields.add(new Observation.Field(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
            }
            if (status != 101) {
                return new Observation(status, "", List.copyOf(fields), new byte[0], Framing.NONE, List.of(),
                        "not upgraded", List.of());
            }
            String end;
            ByteArrayOutputStream echo = new ByteArrayOutputStream();
            try {
                output.write(frame(0x1, "hello".getBytes(StandardCharsets.UTF_8)));
                output.flush();
                echo.writeBytes(readFrame(input));
                Thread.sleep(PAUSE_MS);
                output.write(frame(0x1, "again".getBytes(StandardCharsets.UTF_8)));
                output.flush();
                echo.writeBytes(readFrame(input));
                output.write(frame(0x8, new byte[] {0x03, (byte) 0xe8}));
                output.flush();
                byte[] close = readFrame(input);
                end = "close frame " + close.length + " bytes, then " + (input.read() < 0 ? "EOF" : "more data");
            } catch (SocketTimeoutException e) {
                end = "timeout";
            } catch (SocketException e) {
                end = "reset";
            } catch (IOException e) {
                end = "closed early: " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted between the messages", e);
            }
            return new Observation(status, "", List.copyOf(fields), echo.toByteArray(), Framing.NONE, List.of(), end,
                    List.of());
        }
    }

    /** A masked client frame with FIN set (RFC 6455 section 5.2); payloads here are under 126 bytes. */
    private static byte[] frame(int opcode, byte[] payload) {
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x80 | opcode);
        frame.write(0x80 | payload.length);
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        return frame.toByteArray();
    }

    /** Reads one unmasked server frame and returns its payload; fails on EOF. */
    private static byte[] readFrame(TimedInput input) throws IOException {
        int first = input.read();
        int second = input.read();
        if (first < 0 || second < 0) {
            throw new IOException("EOF instead of a frame");
        }
        long length = second & 0x7f;
        if (length == 126) {
            length = (input.read() << 8) | input.read();
        } else if (length == 127) {
            throw new IOException("a 64-bit frame length in an echo test");
        }
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        if (!input.body(payload, length, new ArrayList<>())) {
            throw new IOException("EOF in a frame");
        }
        return payload.toByteArray();
    }
}
