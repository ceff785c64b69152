package io.iisport.test;

import io.iisport.test.http2.Http2FrameClient;
import io.iisport.test.http2.Http2FrameClient.Frame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.function.IntUnaryOperator;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.hpack.HpackDecoder;
import org.eclipse.jetty.http2.hpack.HpackException;

/**
 * The clients of {@link ModuleTestServer}: one exchange on a new connection, reading until the response and the
 * end of the connection (or of the settle time, counted from when the server completed the exchange) are known.
 * They help the server in nothing: the HTTP/1.1 client does not close first, the HTTP/2 one
 * ({@link Http2FrameClient}) never answers GOAWAY.
 */
final class WireClient {
    private WireClient() {
    }

    /** Sends the request bytes on a new connection and reads the first response and the end of the connection. */
    static ClientResult http1(int port, byte[] request, Duration timeout, Duration settleTime,
            IntConsumer awaitExchangeEnd, IntUnaryOperator subStatus) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) timeout.toMillis());
            int clientPort = socket.getLocalPort();
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            HttpTester.Response response = parse(received.toByteArray(), false);
            ConnectionEnd end = null;
            boolean awaitingEnd = false;
            while (end == null) {
                if (!awaitingEnd) {
                    response = parse(received.toByteArray(), false);
                    if (response.isComplete()) {
                        awaitingEnd = true;
                        boolean announced = response.getValuesList("Connection").stream()
                                .anyMatch(value -> value.equalsIgnoreCase("close"));
                        if (!announced) {
                            awaitExchangeEnd.accept(clientPort);
                        }
                        socket.setSoTimeout((int) (announced ? timeout : settleTime).toMillis());
                    }
                }
                try {
                    int read = in.read(buffer);
                    if (read < 0) {
                        end = ConnectionEnd.FIN;
                    } else if (!awaitingEnd) {
                        received.write(buffer, 0, read);
                    }
                    // Bytes after the first response (an answer to a pipelined request) do not end the exchange.
                } catch (SocketTimeoutException x) {
                    if (!awaitingEnd) {
                        throw new SocketTimeoutException("no complete response within " + timeout.toMillis()
                                + " ms; received: " + received.toString(java.nio.charset.StandardCharsets.ISO_8859_1));
                    }
                    end = ConnectionEnd.OPEN;
                } catch (SocketException x) {
                    if (!String.valueOf(x.getMessage()).toLowerCase(Locale.ROOT).contains("reset")) {
                        throw x;
                    }
                    end = ConnectionEnd.RST;
                }
            }
            if (!awaitingEnd) {
                // The connection ended inside the response: parse what arrived, with the end of the input known.
                response = parse(received.toByteArray(), true);
            }
            return new ClientResult(Protocol.HTTP_1_1, response.getStatus(), headers(response),
                    response.getContentBytes() == null ? new byte[0] : response.getContentBytes(),
                    response.isComplete(), end, -1, () -> subStatus.applyAsInt(clientPort));
        }
    }

    /** Parses a response from the bytes received; {@code eof}: they are all there will be. */
    private static HttpTester.Response parse(byte[] received, boolean eof) {
        HttpTester.Response response = new HttpTester.Response();
        HttpParser parser = new HttpParser(response);
        ByteBuffer buffer = ByteBuffer.wrap(received);
        while (buffer.hasRemaining() && !response.isComplete() && parser.parseNext(buffer)) {
            // Each call parses up to the next event of the parser.
        }
        parser.parseNext(buffer);
        if (eof && !response.isComplete()) {
            parser.atEOF();
            parser.parseNext(ByteBuffer.allocate(0));
        }
        return response;
    }

    /** Sends {@code GET path} as stream 1 of a new h2c connection and reads until the stream and its end are known. */
    static ClientResult h2cGet(int port, String path, Duration timeout, Duration settleTime,
            IntConsumer awaitExchangeEnd, IntUnaryOperator subStatus) throws IOException {
        int timeoutSeconds = (int) Math.max(1, timeout.toSeconds());
        try (Http2FrameClient client = Http2FrameClient.connect(Http2FrameClient.Transport.PRIOR_KNOWLEDGE, port,
                null, timeoutSeconds)) {
            int clientPort = client.localPort();
            client.get(1, path);
            HpackDecoder decoder = new HpackDecoder(64 * 1024, System::nanoTime);
            int status = 0;
            Map<String, List<String>> headers = Map.of();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            boolean complete = false;
            ConnectionEnd end = null;
            int errorCode = -1;
            Frame goAway = null;
            boolean streamDone = false;
            while (end == null) {
                Frame frame;
                try {
                    frame = streamDone ? client.readWithin((int) settleTime.toMillis()) : client.read();
                } catch (SocketTimeoutException x) {
                    if (!streamDone) {
                        throw x;
                    }
                    end = goAway != null ? ConnectionEnd.GOAWAY : ConnectionEnd.OPEN;
                    break;
                }
                if (frame == null) {
                    end = goAway != null ? ConnectionEnd.GOAWAY : ConnectionEnd.FIN;
                    break;
                }
                switch (frame.type()) {
                    case Http2FrameClient.HEADERS -> {
                        MetaData metaData = decode(decoder, frame);
                        if (frame.stream() == 1 && metaData instanceof MetaData.Response response) {
                            status = response.getStatus();
                            headers = headers(response.getHttpFields());
                        }
                    }
                    case Http2FrameClient.DATA -> {
                        if (frame.stream() == 1) {
                            body.writeBytes(data(frame));
                        }
                    }
                    case Http2FrameClient.RST_STREAM -> {
                        if (frame.stream() == 1) {
                            end = ConnectionEnd.RST_STREAM;
                            errorCode = frame.errorCode();
                        }
                    }
                    case Http2FrameClient.GOAWAY -> {
                        goAway = frame;
                        errorCode = frame.errorCode();
                        // A GOAWAY that excludes stream 1 ends it unprocessed.
                        streamDone |= frame.lastStreamId() < 1;
                    }
                    default -> {
                        // SETTINGS (acknowledged by the client), PING, WINDOW_UPDATE: not part of the result.
                    }
                }
                if (frame.stream() == 1 && frame.isEndStream()) {
                    complete = true;
                    streamDone = true;
                    awaitExchangeEnd.accept(clientPort);
                }
            }
            if (end != ConnectionEnd.GOAWAY && end != ConnectionEnd.RST_STREAM) {
                errorCode = -1;
            }
            return new ClientResult(Protocol.H2C, status, headers, body.toByteArray(), complete, end, errorCode,
                    () -> subStatus.applyAsInt(clientPort));
        }
    }

    private static MetaData decode(HpackDecoder decoder, Frame frame) throws IOException {
        if ((frame.flags() & Http2FrameClient.END_HEADERS) == 0) {
            throw new IOException("HEADERS without END_HEADERS (CONTINUATION) is not supported by this client: " + frame);
        }
        ByteBuffer block = ByteBuffer.wrap(frame.payload());
        int padding = 0;
        if ((frame.flags() & Http2FrameClient.PADDED) != 0) {
            padding = block.get() & 0xFF;
        }
        if ((frame.flags() & Http2FrameClient.PRIORITY) != 0) {
            block.position(block.position() + 5);
        }
        block.limit(block.limit() - padding);
        try {
            return decoder.decode(block);
        } catch (HpackException.SessionException | HpackException.StreamException x) {
            throw new IOException("bad HPACK block in " + frame, x);
        }
    }

    private static byte[] data(Frame frame) {
        byte[] payload = frame.payload();
        if ((frame.flags() & Http2FrameClient.PADDED) == 0) {
            return payload;
        }
        int padding = payload[0] & 0xFF;
        byte[] data = new byte[payload.length - 1 - padding];
        System.arraycopy(payload, 1, data, 0, data.length);
        return data;
    }

    private static Map<String, List<String>> headers(HttpFields fields) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HttpField field : fields) {
            headers.computeIfAbsent(field.getName().toLowerCase(Locale.ROOT), name -> new ArrayList<>())
                    .add(field.getValue());
        }
        headers.replaceAll((name, values) -> List.copyOf(values));
        return Collections.unmodifiableMap(headers);
    }
}
