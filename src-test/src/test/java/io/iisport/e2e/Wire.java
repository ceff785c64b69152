package io.iisport.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.eclipse.jetty.http.HttpTester;

/** Raw-socket HTTP/1 helpers: every read has a timeout, so a wrong behaviour fails instead of hanging. */
final class Wire {
    static final int TIMEOUT_SECONDS = 10;
    /**
     * How soon, in ms, a server that closes promptly (after its final GOAWAY, or once a stream it disconnects has
     * ended) must have closed: far below the servers' 30 s idle and keep-alive timeouts, which a close that is not
     * made would wait for, and far above a close grace plus what a loaded machine adds to it.
     */
    static final long PROMPT_CLOSE_MILLIS = 5_000;

    private Wire() {
    }

    /** @return the built sample WAR, copied into target/wars by the build */
    static Path war() {
        String war = System.getProperty("iisport.sample.war");
        if (war == null) {
            fail("system property iisport.sample.war is not set: run the tests through Maven");
        }
        return Path.of(war);
    }

    static Socket connect(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(TIMEOUT_SECONDS * 1000);
        return socket;
    }

    /** A TLS socket offering only http/1.1 through ALPN, trusting any certificate (the sample's is self-signed). */
    static SSLSocket connectTls(int port) throws Exception {
        Socket plain = connect(port);
        SSLSocket socket = (SSLSocket) trustAll().getSocketFactory().createSocket(plain, "localhost", port, true);
        socket.setSoTimeout(TIMEOUT_SECONDS * 1000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    static SSLContext trustAll() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        TrustManager trustAll = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        context.init(null, new TrustManager[] {trustAll}, null);
        return context;
    }

    static String get(String path, String... headers) {
        return request("GET", path, headers);
    }

    static String request(String method, String path, String... headers) {
        StringBuilder request = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: localhost\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        return request.append("\r\n").toString();
    }

    static void send(Socket socket, String request) throws IOException {
        OutputStream output = socket.getOutputStream();
        output.write(request.getBytes(StandardCharsets.ISO_8859_1));
        output.flush();
    }

    /** Reads one response; fails if the connection ends before a complete one. */
    static HttpTester.Response readResponse(InputStream input) throws IOException {
        HttpTester.Response response = HttpTester.parseResponse(HttpTester.from(input));
        if (response == null) {
            throw new AssertionError("the connection ended without a complete response");
        }
        return response;
    }

    /**
     * Reads a response head, up to and including its empty line, and nothing past it: an interim response such as
     * 100 Continue can be read this way before the final one.
     */
    static String readHead(InputStream input) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = input.read();
            if (b < 0) {
                throw new AssertionError("the connection ended in a response head: "
                        + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Sends one request on a new connection and reads the response. */
    static HttpTester.Response exchange(int port, String request) throws IOException {
        try (Socket socket = connect(port)) {
            send(socket, request);
            return readResponse(socket.getInputStream());
        }
    }

    /** Reads until EOF; a connection that stays open fails with a SocketTimeoutException. */
    static String readToEof(InputStream input) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        input.transferTo(bytes);
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    /** What was read before the connection was reset, and the reset. */
    record Reset(String before, SocketException failure) {
    }

    /** Reads until the connection fails; fails the test on EOF (a close is not a reset) or timeout. */
    static Reset readToReset(InputStream input) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SocketException failure = readUntilEnd(input, bytes);
        if (failure == null) {
            throw new AssertionError("EOF instead of a reset, after: " + bytes.toString(StandardCharsets.ISO_8859_1));
        }
        return new Reset(bytes.toString(StandardCharsets.ISO_8859_1), failure);
    }

    /** Reads until the connection ends, by EOF or reset (an abort either way); fails on timeout (it stayed open). */
    static String readToEofOrReset(InputStream input) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        readUntilEnd(input, bytes);
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    /** @return the reset that ended the connection, or {@code null} for EOF; what was read is in {@code bytes} */
    private static SocketException readUntilEnd(InputStream input, ByteArrayOutputStream bytes) throws IOException {
        byte[] buffer = new byte[8192];
        try {
            for (int read; (read = input.read(buffer)) >= 0;) {
                bytes.write(buffer, 0, read);
            }
            return null;
        } catch (SocketException e) {
            return e;
        }
    }

    static int count(String text, String token) {
        int count = 0;
        for (int i = text.indexOf(token); i >= 0; i = text.indexOf(token, i + token.length())) {
            count++;
        }
        return count;
    }

    /** Waits, at most {@link #TIMEOUT_SECONDS}, until the condition holds. */
    static void awaitUntil(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }
}
