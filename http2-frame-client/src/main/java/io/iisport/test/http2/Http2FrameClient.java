package io.iisport.test.http2;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * <p>An HTTP/2 client that writes and reads raw frames on a socket, and that does not help the server close: it
 * acknowledges SETTINGS, as it must, and nothing else; it never sends GOAWAY and never closes the connection
 * until {@link #close()}. Its requests are GETs encoded with the HPACK static table and literals only.</p>
 * <p>It connects in one of the three ways of RFC 9113 §3: h2c with prior knowledge, h2c through the HTTP/1.1
 * {@code Upgrade: h2c} handshake (the upgraded request is stream 1), or h2 over TLS negotiated with ALPN.
 * Every read has a timeout, so a server that does not send or close fails the test instead of hanging it.</p>
 */
public final class Http2FrameClient implements AutoCloseable
{
    /** The DATA frame type (RFC 9113 §6.1). */
    public static final int DATA = 0x0;
    /** The HEADERS frame type (RFC 9113 §6.2). */
    public static final int HEADERS = 0x1;
    /** The RST_STREAM frame type (RFC 9113 §6.4). */
    public static final int RST_STREAM = 0x3;
    /** The SETTINGS frame type (RFC 9113 §6.5). */
    public static final int SETTINGS = 0x4;
    /** The PING frame type (RFC 9113 §6.7). */
    public static final int PING = 0x6;
    /** The GOAWAY frame type (RFC 9113 §6.8). */
    public static final int GOAWAY = 0x7;
    /** The END_STREAM flag of DATA and HEADERS. */
    public static final int END_STREAM = 0x1;
    /** The ACK flag of SETTINGS and PING. */
    public static final int ACK = 0x1;
    /** The END_HEADERS flag of HEADERS (RFC 9113 §6.2). */
    public static final int END_HEADERS = 0x4;
    /** The PADDED flag of DATA and HEADERS. */
    public static final int PADDED = 0x8;
    /** The PRIORITY flag of HEADERS. */
    public static final int PRIORITY = 0x20;
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** How the client reaches HTTP/2. */
    public enum Transport
    {
        /** h2c, the connection preface sent first (RFC 9113 §3.3). */
        PRIOR_KNOWLEDGE,
        /** h2c through the HTTP/1.1 Upgrade handshake (RFC 7540 §3.2). */
        UPGRADE,
        /** h2 over TLS, chosen with ALPN (RFC 9113 §3.2). */
        TLS
    }

    /**
     * One frame as read off the socket.
     *
     * @param type the frame type
     * @param flags the frame flags
     * @param stream the stream id
     * @param payload the payload
     * @param nanoTime {@link System#nanoTime()} when the frame was read
     */
    public record Frame(int type, int flags, int stream, byte[] payload, long nanoTime)
    {
        /** @return whether this is a DATA or HEADERS frame with END_STREAM */
        public boolean isEndStream()
        {
            return (type == DATA || type == HEADERS) && (flags & END_STREAM) != 0;
        }

        /** @return the error code of a RST_STREAM or GOAWAY */
        public int errorCode()
        {
            return ByteBuffer.wrap(payload, type == GOAWAY ? 4 : 0, 4).getInt();
        }

        /** @return the last stream id of a GOAWAY: 2^31-1 for the graceful one (RFC 9113 §6.8) */
        public int lastStreamId()
        {
            return ByteBuffer.wrap(payload, 0, 4).getInt() & 0x7FFFFFFF;
        }

        /**
         * @param lastStreamId the last stream id, 2^31-1 for the graceful GOAWAY
         * @return whether this is a GOAWAY with that last stream id
         */
        public boolean isGoAway(int lastStreamId)
        {
            return type == GOAWAY && lastStreamId() == lastStreamId;
        }

        @Override
        public String toString()
        {
            String detail = switch (type)
            {
                case DATA -> " \"" + new String(payload, StandardCharsets.UTF_8) + "\"";
                case RST_STREAM -> " error=" + errorCode();
                case GOAWAY -> " last=" + lastStreamId() + " error=" + errorCode();
                default -> "";
            };
            return "frame[type=" + type + ",flags=" + flags + ",stream=" + stream + detail + "]";
        }
    }

    /**
     * What was read until the server closed the connection.
     *
     * @param frames the frames, in order
     * @param eofNanoTime {@link System#nanoTime()} when the end of the stream was read
     */
    public record Closed(List<Frame> frames, long eofNanoTime)
    {
        /**
         * @param frame one of {@link #frames()}
         * @return the milliseconds between the frame and the end of the stream
         */
        public long millisToEof(Frame frame)
        {
            return TimeUnit.NANOSECONDS.toMillis(eofNanoTime - frame.nanoTime());
        }

        /**
         * @param stream the stream id
         * @return the body of the stream, from its DATA frames
         */
        public String body(int stream)
        {
            StringBuilder body = new StringBuilder();
            frames.stream()
                .filter(frame -> frame.type() == DATA && frame.stream() == stream)
                .forEach(frame -> body.append(new String(frame.payload(), StandardCharsets.UTF_8)));
            return body.toString();
        }

        /**
         * @param type the frame type
         * @param stream the stream id
         * @return the index of the first frame of that type on that stream, or -1
         */
        public int indexOf(int type, int stream)
        {
            for (int i = 0; i < frames.size(); i++)
            {
                if (frames.get(i).type() == type && frames.get(i).stream() == stream)
                    return i;
            }
            return -1;
        }

        /**
         * @param stream the stream id
         * @return the index of the frame that ends the stream, or -1
         */
        public int indexOfEndStream(int stream)
        {
            for (int i = 0; i < frames.size(); i++)
            {
                if (frames.get(i).stream() == stream && frames.get(i).isEndStream())
                    return i;
            }
            return -1;
        }

        /** @return the last GOAWAY frame, or null */
        public Frame lastGoAway()
        {
            return frames.stream().filter(frame -> frame.type() == GOAWAY).reduce((first, second) -> second).orElse(null);
        }
    }

    private final Socket socket;
    private final boolean tls;
    private final DataInputStream input;
    private final OutputStream output;

    private Http2FrameClient(Socket socket, boolean tls) throws IOException
    {
        this.socket = socket;
        this.tls = tls;
        this.input = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        this.output = socket.getOutputStream();
    }

    /**
     * Connects with prior knowledge or TLS and sends the connection preface and an empty SETTINGS frame.
     *
     * @param transport {@link Transport#PRIOR_KNOWLEDGE} or {@link Transport#TLS}
     * @param port the port on 127.0.0.1
     * @param trustAll a TLS context that trusts the server's certificate, used by {@link Transport#TLS}
     * @param timeoutSeconds the timeout of every read
     * @return the connected client
     * @throws IOException if the connection fails
     */
    public static Http2FrameClient connect(Transport transport, int port, SSLContext trustAll, int timeoutSeconds) throws IOException
    {
        if (transport == Transport.UPGRADE)
            throw new IllegalArgumentException("Upgrade needs a request: use upgrade(port, path, timeoutSeconds)");
        Socket plain = new Socket("127.0.0.1", port);
        plain.setSoTimeout(timeoutSeconds * 1000);
        Socket socket = plain;
        if (transport == Transport.TLS)
        {
            SSLSocket ssl = (SSLSocket)trustAll.getSocketFactory().createSocket(plain, "localhost", port, true);
            SSLParameters parameters = ssl.getSSLParameters();
            parameters.setApplicationProtocols(new String[]{"h2"});
            ssl.setSSLParameters(parameters);
            ssl.startHandshake();
            if (!"h2".equals(ssl.getApplicationProtocol()))
                throw new IOException("ALPN chose " + ssl.getApplicationProtocol() + ", not h2");
            socket = ssl;
        }
        Http2FrameClient client = new Http2FrameClient(socket, transport == Transport.TLS);
        client.sendPreface();
        return client;
    }

    /**
     * Connects in clear text and upgrades to h2c with a GET of {@code path}, which becomes stream 1, then sends the
     * connection preface and an empty SETTINGS frame.
     *
     * @param port the port on 127.0.0.1
     * @param path the path of the upgraded request
     * @param timeoutSeconds the timeout of every read
     * @return the connected client, once the server answered 101
     * @throws IOException if the connection fails or the server does not switch protocols
     */
    public static Http2FrameClient upgrade(int port, String path, int timeoutSeconds) throws IOException
    {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(timeoutSeconds * 1000);
        Http2FrameClient client = new Http2FrameClient(socket, false);
        // HTTP2-Settings: SETTINGS_MAX_CONCURRENT_STREAMS = 100, base64url.
        client.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\n" +
            "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABk\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        String head = client.readHttp1Head();
        if (!head.startsWith("HTTP/1.1 101"))
            throw new IOException("no upgrade: " + head);
        client.sendPreface();
        return client;
    }

    /** @return the local port of the connection, which the server sees as the client's port */
    public int localPort()
    {
        return socket.getLocalPort();
    }

    /**
     * Sends a GET of {@code path} on a new stream, with END_STREAM.
     *
     * @param stream the stream id: odd, and greater than the ids used before
     * @param path the path
     * @throws IOException if the write fails
     */
    public void get(int stream, String path) throws IOException
    {
        get(stream, path, new String[0]);
    }

    /**
     * Sends a GET of {@code path} with request header fields on a new stream, with END_STREAM.
     *
     * @param stream the stream id: odd, and greater than the ids used before
     * @param path the path
     * @param fields the header fields, name and value in turn; names in lower case (RFC 9113 §8.2.1)
     * @throws IOException if the write fails
     */
    public void get(int stream, String path, String... fields) throws IOException
    {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        block.write(0x82); // :method GET, static table index 2
        block.write(tls ? 0x87 : 0x86); // :scheme https (7) or http (6)
        literal(block, 4, path); // :path, name at static index 4
        literal(block, 1, "localhost"); // :authority, name at static index 1
        for (int i = 0; i + 1 < fields.length; i += 2)
        {
            // Literal header field without indexing, new name (RFC 7541 §6.2.2).
            block.write(0);
            string(block, fields[i]);
            string(block, fields[i + 1]);
        }
        writeFrame(HEADERS, END_HEADERS | END_STREAM, stream, block.toByteArray());
    }

    /**
     * Sends a PING, which the server answers with a PING with the ACK flag while the session is open.
     *
     * @throws IOException if the write fails
     */
    public void ping() throws IOException
    {
        writeFrame(PING, 0, 0, new byte[8]);
    }

    /**
     * Reads the next frame, acknowledging a SETTINGS frame.
     *
     * @return the frame, or null at the end of the stream
     * @throws IOException if the read fails or times out
     */
    public Frame read() throws IOException
    {
        int length;
        try
        {
            length = input.readUnsignedByte() << 16 | input.readUnsignedByte() << 8 | input.readUnsignedByte();
        }
        catch (EOFException x)
        {
            return null;
        }
        int type = input.readUnsignedByte();
        int flags = input.readUnsignedByte();
        int stream = input.readInt() & 0x7FFFFFFF;
        byte[] payload = input.readNBytes(length);
        if (payload.length < length)
            throw new EOFException("end of stream inside a frame of type " + type);
        Frame frame = new Frame(type, flags, stream, payload, System.nanoTime());
        if (type == SETTINGS && (flags & ACK) == 0)
            writeFrame(SETTINGS, ACK, 0, new byte[0]);
        return frame;
    }

    /**
     * Reads frames until one matches.
     *
     * @param what the description of the frame, for the failure message
     * @param match the frame to wait for
     * @return the frames read, the matching one last
     * @throws IOException if the read fails, or the stream ends first
     */
    public List<Frame> readUntil(String what, Predicate<Frame> match) throws IOException
    {
        List<Frame> frames = new ArrayList<>();
        while (true)
        {
            Frame frame = read();
            if (frame == null)
                throw new EOFException("end of stream before " + what + " after " + frames);
            frames.add(frame);
            if (match.test(frame))
                return frames;
        }
    }

    /**
     * Reads frames until the server closes the connection.
     *
     * @return the frames and the time of the end of the stream
     * @throws IOException if the read fails, or nothing comes within the read timeout: the server did not close
     */
    public Closed readUntilEof() throws IOException
    {
        List<Frame> frames = new ArrayList<>();
        try
        {
            for (Frame frame = read(); frame != null; frame = read())
            {
                frames.add(frame);
            }
        }
        catch (SocketTimeoutException x)
        {
            throw new SocketTimeoutException("the server did not close the connection after " + frames);
        }
        return new Closed(List.copyOf(frames), System.nanoTime());
    }

    /**
     * Reads the next frame as {@link #read()} does, waiting at most {@code millis} for it to begin.
     *
     * @param millis how long to wait, in milliseconds, more than 0
     * @return the frame, or null at the end of the stream
     * @throws SocketTimeoutException if no frame began within {@code millis}: the connection is open and silent
     * @throws IOException if the read fails
     */
    public Frame readWithin(int millis) throws IOException
    {
        int timeout = socket.getSoTimeout();
        socket.setSoTimeout(millis);
        try
        {
            input.mark(1);
            if (input.read() < 0)
                return null;
            input.reset();
        }
        finally
        {
            socket.setSoTimeout(timeout);
        }
        return read();
    }

    /**
     * Waits for up to {@code millis} for a frame or the end of the stream.
     *
     * @param millis how long to wait, in milliseconds
     * @return whether nothing came: the connection is still open and silent
     * @throws IOException if the read fails
     */
    public boolean isSilentFor(int millis) throws IOException
    {
        int timeout = socket.getSoTimeout();
        socket.setSoTimeout(millis);
        try
        {
            int b = input.read();
            throw new AssertionError(b < 0 ? "end of stream" : "a frame began");
        }
        catch (SocketTimeoutException x)
        {
            return true;
        }
        finally
        {
            socket.setSoTimeout(timeout);
        }
    }

    private void sendPreface() throws IOException
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(PREFACE);
        bytes.write(frame(SETTINGS, 0, 0, new byte[0]));
        write(bytes.toByteArray());
    }

    private static void literal(ByteArrayOutputStream block, int nameIndex, String value)
    {
        // Literal header field without indexing, indexed name (RFC 7541 §6.2.2).
        block.write(nameIndex);
        string(block, value);
    }

    private static void string(ByteArrayOutputStream block, String value)
    {
        // A string literal (RFC 7541 §5.2), no Huffman; under 127 bytes.
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length > 126)
            throw new IllegalArgumentException("value too long for this client: " + value);
        block.write(bytes.length);
        block.writeBytes(bytes);
    }

    private void writeFrame(int type, int flags, int stream, byte[] payload) throws IOException
    {
        write(frame(type, flags, stream, payload));
    }

    private static byte[] frame(int type, int flags, int stream, byte[] payload)
    {
        ByteBuffer frame = ByteBuffer.allocate(9 + payload.length);
        frame.put((byte)(payload.length >>> 16)).put((byte)(payload.length >>> 8)).put((byte)payload.length);
        frame.put((byte)type).put((byte)flags).putInt(stream).put(payload);
        return frame.array();
    }

    private synchronized void write(byte[] bytes) throws IOException
    {
        output.write(bytes);
        output.flush();
    }

    private String readHttp1Head() throws IOException
    {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        InputStream in = input;
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n"))
        {
            int b = in.read();
            if (b < 0)
                throw new EOFException("end of stream in the HTTP/1.1 response head: " + head);
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
