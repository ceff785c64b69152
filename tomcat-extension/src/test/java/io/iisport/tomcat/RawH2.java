package io.iisport.tomcat;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A raw HTTP/2 frame client that does not help the server: it sends the preface, its SETTINGS, the ACKs of the
 * server's SETTINGS and GET requests, and nothing else: it never sends GOAWAY and never closes first. It records
 * every frame it reads, as text, in {@link #frames}: {@code data:<stream>:<text>}, {@code end:<stream>},
 * {@code headers:<stream>}, {@code rst:<stream>:<code>}, {@code goaway:<last stream>:<code>}, and {@code eof} or
 * {@code reset} for the end of the connection. (Also used by the end-to-end tests, through this module's test jar.)
 */
public final class RawH2 implements AutoCloseable {
    /** How long a read waits for the server, in seconds. */
    public static final int TIMEOUT_SECONDS = 10;
    private static final int DATA = 0x0;
    private static final int HEADERS = 0x1;
    private static final int RST_STREAM = 0x3;
    private static final int SETTINGS = 0x4;
    private static final int GOAWAY = 0x7;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;
    private static final int ACK = 0x1;

    public final List<String> frames = new ArrayList<>();
    private final Socket socket;
    private final boolean tls;
    private final DataInputStream input;
    private final OutputStream output;

    private RawH2(Socket socket, boolean tls) throws IOException {
        this.socket = socket;
        this.tls = tls;
        this.input = new DataInputStream(socket.getInputStream());
        this.output = socket.getOutputStream();
        output.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        writeFrame(SETTINGS, 0, 0, new byte[0]);
    }

    /** h2c with prior knowledge. */
    public static RawH2 h2c(int port) throws IOException {
        return new RawH2(connect(port), false);
    }

    /**
     * h2c through the HTTP/1.1 Upgrade of a GET of the path, which the server answers as stream 1.
     *
     * @throws IOException if the server does not switch protocols
     */
    public static RawH2 h2cUpgrade(int port, String path) throws IOException {
        Socket socket = connect(port);
        // HTTP2-Settings: SETTINGS_MAX_CONCURRENT_STREAMS 100, SETTINGS_INITIAL_WINDOW_SIZE 65535.
        String upgrade = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n";
        socket.getOutputStream().write(upgrade.getBytes(StandardCharsets.ISO_8859_1));
        StringBuilder head = new StringBuilder();
        InputStream input = socket.getInputStream();
        while (head.indexOf("\r\n\r\n") < 0) {
            int b = input.read();
            if (b < 0) {
                throw new IOException("EOF before the upgrade response ended: " + head);
            }
            head.append((char) b);
        }
        if (!head.toString().startsWith("HTTP/1.1 101 ")) {
            socket.close();
            throw new IOException("not upgraded: " + head);
        }
        return new RawH2(socket, false);
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(TIMEOUT_SECONDS * 1000);
        return socket;
    }

    /**
     * h2 over TLS, through ALPN.
     *
     * @param tls the client's TLS context (which must trust the server's certificate)
     */
    public static RawH2 h2(int port, SSLContext tls) throws Exception {
        Socket plain = connect(port);
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, "localhost", port, true);
        socket.setSoTimeout(TIMEOUT_SECONDS * 1000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"h2"});
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        if (!"h2".equals(socket.getApplicationProtocol())) {
            throw new IOException("ALPN did not select h2: " + socket.getApplicationProtocol());
        }
        return new RawH2(socket, true);
    }

    /** Sends GET of the path on the stream, with END_STREAM. */
    public void get(int streamId, String path) throws IOException {
        ByteBuffer block = ByteBuffer.allocate(256);
        block.put((byte) 0x82); // :method GET
        block.put((byte) (tls ? 0x87 : 0x86)); // :scheme https or http
        literal(block, 4, path); // :path
        literal(block, 1, "localhost"); // :authority
        byte[] bytes = new byte[block.position()];
        block.flip().get(bytes);
        writeFrame(HEADERS, END_STREAM | END_HEADERS, streamId, bytes);
    }

    /** HPACK literal header field without indexing, indexed name, no Huffman coding (RFC 7541 §6.2.2). */
    private static void literal(ByteBuffer block, int nameIndex, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.ISO_8859_1);
        if (bytes.length > 126) {
            throw new IllegalArgumentException("value too long for this client: " + value);
        }
        block.put((byte) nameIndex).put((byte) bytes.length).put(bytes);
    }

    private void writeFrame(int type, int flags, int streamId, byte[] payload) throws IOException {
        byte[] header = {(byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length,
                (byte) type, (byte) flags, (byte) (streamId >>> 24), (byte) (streamId >>> 16), (byte) (streamId >>> 8),
                (byte) streamId};
        output.write(header);
        output.write(payload);
        output.flush();
    }

    /**
     * Reads frames until the recorded event satisfies the predicate, or the connection ends.
     *
     * @return the event that matched, or {@code eof} / {@code reset}
     * @throws SocketTimeoutException if the server sends nothing for {@link #TIMEOUT_SECONDS}
     */
    public String readUntil(Predicate<String> until) throws IOException {
        while (true) {
            String event = readFrame();
            if (event == null) {
                continue;
            }
            frames.add(event);
            if (until.test(event) || event.equals("eof") || event.equals("reset")) {
                return event;
            }
        }
    }

    /**
     * Reads until the final GOAWAY, one with a last stream id below 2^31-1, and returns it (or the end of the
     * connection). A graceful GOAWAY (2^31-1) may come before it (RFC 9113 §6.8): the valve sends one when a stream
     * is still active when it checks, as the disconnecting stream itself can be just after its end.
     */
    public String readUntilFinalGoAway() throws IOException {
        return readUntil(event -> event.startsWith("goaway:") && !event.startsWith("goaway:2147483647:"));
    }

    /** Reads frames until the connection ends; returns {@code eof} or {@code reset}. */
    public String readToEnd() throws IOException {
        return readUntil(event -> false);
    }

    private String readFrame() throws IOException {
        byte[] header = new byte[9];
        try {
            input.readFully(header);
        } catch (EOFException e) {
            return "eof";
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (SocketException e) {
            return "reset";
        }
        int length = (header[0] & 0xFF) << 16 | (header[1] & 0xFF) << 8 | header[2] & 0xFF;
        int type = header[3] & 0xFF;
        int flags = header[4] & 0xFF;
        int streamId = ByteBuffer.wrap(header, 5, 4).getInt() & 0x7FFFFFFF;
        byte[] payload = new byte[length];
        input.readFully(payload);
        switch (type) {
            case SETTINGS:
                if ((flags & ACK) == 0) {
                    writeFrame(SETTINGS, ACK, 0, new byte[0]);
                }
                return null;
            case HEADERS:
                frames.add("headers:" + streamId);
                return (flags & END_STREAM) != 0 ? "end:" + streamId : null;
            case DATA:
                if (length > 0) {
                    frames.add("data:" + streamId + ":" + new String(payload, StandardCharsets.UTF_8));
                }
                return (flags & END_STREAM) != 0 ? "end:" + streamId : null;
            case RST_STREAM:
                return "rst:" + streamId + ":" + ByteBuffer.wrap(payload).getInt();
            case GOAWAY:
                ByteBuffer goAway = ByteBuffer.wrap(payload);
                return "goaway:" + (goAway.getInt() & 0x7FFFFFFF) + ":" + goAway.getInt();
            default:
                return null;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
