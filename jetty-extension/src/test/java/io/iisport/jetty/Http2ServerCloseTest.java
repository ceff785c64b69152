package io.iisport.jetty;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.iisport.test.http2.Http2FrameClient;
import io.iisport.test.http2.Http2FrameClient.Closed;
import io.iisport.test.http2.Http2FrameClient.Frame;
import io.iisport.test.http2.Http2FrameClient.Transport;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.http2.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static io.iisport.test.http2.Http2FrameClient.DATA;
import static io.iisport.test.http2.Http2FrameClient.GOAWAY;
import static io.iisport.test.http2.Http2FrameClient.HEADERS;
import static io.iisport.test.http2.Http2FrameClient.RST_STREAM;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * <p>After a disconnect or close on HTTP/2, the server closes the connection itself once the last stream has
 * ended, with a client that never answers the GOAWAY and never closes ({@link Http2FrameClient}), over h2c with
 * prior knowledge, h2c through Upgrade and h2 over TLS.</p>
 * <p>The connector's idle timeout is {@value #IDLE_TIMEOUT_MILLIS} ms and every EOF must come within
 * {@value #PROMPT_MILLIS} ms of the final GOAWAY, so no test can pass by the idle timeout.</p>
 */
public class Http2ServerCloseTest extends AbstractConnectionActionsTest
{
    private static final long IDLE_TIMEOUT_MILLIS = 30_000;
    /** Far below the idle timeout, and far above the grace plus what a loaded machine adds to it. */
    private static final long PROMPT_MILLIS = 5_000;
    private static final int GRACEFUL = Integer.MAX_VALUE;

    private final CountDownLatch releaseSlow = new CountDownLatch(1);
    private final CountDownLatch slowStarted = new CountDownLatch(1);
    private Http2FrameClient client;

    @AfterEach
    public void closeClient() throws Exception
    {
        releaseSlow.countDown();
        if (client != null)
            client.close();
    }

    /**
     * /slow waits for the test, /disconnect and /close call the action; every path then writes a body.
     */
    private void handle(HttpServletRequest request, HttpServletResponse response) throws Exception
    {
        String path = request.getRequestURI();
        ServletOutputStream output = response.getOutputStream();
        switch (path)
        {
            case "/slow" ->
            {
                slowStarted.countDown();
                assertTrue(releaseSlow.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
            case "/disconnect" -> disconnect(request).run();
            case "/close" -> close(request).run();
            default ->
            {
            }
        }
        output.print(path.substring(1) + "-body");
    }

    private void startServer(Transport transport) throws Exception
    {
        start(new ServletContextHandler(), this::handle, transport == Transport.TLS);
        connector.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
    }

    /**
     * Starts the server, connects, and sends a GET of {@code path} on stream 1 (the upgraded request, with
     * Upgrade).
     */
    private void startWithStreamOne(Transport transport, String path) throws Exception
    {
        startServer(transport);
        connectWithStreamOne(transport, path);
    }

    private void connectWithStreamOne(Transport transport, String path) throws Exception
    {
        if (transport == Transport.UPGRADE)
        {
            client = Http2FrameClient.upgrade(port(), path, TIMEOUT_SECONDS);
        }
        else
        {
            client = Http2FrameClient.connect(transport, port(), trustAllSslContext(), TIMEOUT_SECONDS);
            client.get(1, path);
        }
    }

    private static void assertPromptEof(Closed closed)
    {
        Frame finalGoAway = closed.lastGoAway();
        assertTrue(finalGoAway != null, () -> "no GOAWAY in " + closed.frames());
        assertThat("EOF after the final GOAWAY, in ms: " + closed.frames(), closed.millisToEof(finalGoAway), lessThan(PROMPT_MILLIS));
    }

    private void awaitServerSideClosed() throws InterruptedException
    {
        awaitUntil("the server closed its end", () -> connector.getConnectedEndPoints().isEmpty());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    public void disconnectCompletesTheStreamThenGoAwayThenTheServerCloses(Transport transport) throws Exception
    {
        startWithStreamOne(transport, "/disconnect");

        Closed closed = client.readUntilEof();

        List<Frame> frames = closed.frames();
        assertEquals("disconnect-body", closed.body(1), frames::toString);
        int endStream = closed.indexOfEndStream(1);
        int goAway = closed.indexOf(GOAWAY, 0);
        assertThat("DATA with END_STREAM, then GOAWAY: " + frames, endStream, lessThan(goAway));
        assertThat(frames.get(endStream).type(), is(DATA));
        assertTrue(frames.get(goAway).isGoAway(GRACEFUL), frames::toString);
        Frame finalGoAway = closed.lastGoAway();
        assertEquals(ErrorCode.NO_ERROR.code, finalGoAway.errorCode());
        assertEquals(1, finalGoAway.lastStreamId());
        assertEquals(-1, closed.indexOf(RST_STREAM, 1), frames::toString);
        assertPromptEof(closed);
        awaitServerSideClosed();
        assertEquals(1, customizer.getDisconnects());
        assertEquals(1, customizer.getGoAways());
    }

    /**
     * With stream 1 in flight on /slow, sends {@code path} on stream 3 and reads until the graceful GOAWAY; checks
     * that the connection then stays open, longer than the grace, while stream 1 is in flight.
     *
     * @return the frames read
     */
    private List<Frame> slowThen(Transport transport, String path) throws Exception
    {
        startWithStreamOne(transport, "/slow");
        assertTrue(slowStarted.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        client.get(3, path);
        List<Frame> frames = client.readUntil("the graceful GOAWAY", frame -> frame.isGoAway(GRACEFUL));
        assertTrue(client.isSilentFor((int)(3 * customizer.getHttp2CloseGrace())));
        return frames;
    }

    /**
     * Lets stream 1 complete, then reads until the server closes, promptly after the final GOAWAY.
     */
    private Closed releaseSlowThenReadUntilEof() throws Exception
    {
        releaseSlow.countDown();
        Closed closed = client.readUntilEof();
        assertEquals("slow-body", closed.body(1), closed.frames()::toString);
        assertThat(closed.indexOfEndStream(1), lessThan(closed.frames().indexOf(closed.lastGoAway())));
        assertEquals(ErrorCode.NO_ERROR.code, closed.lastGoAway().errorCode());
        assertEquals(3, closed.lastGoAway().lastStreamId());
        assertPromptEof(closed);
        awaitServerSideClosed();
        return closed;
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"PRIOR_KNOWLEDGE", "TLS"})
    public void aStreamInFlightCompletesBeforeTheClose(Transport transport) throws Exception
    {
        slowThen(transport, "/disconnect");
        releaseSlowThenReadUntilEof();
    }

    @Test
    public void aStreamOpenedAfterTheFinalGoAwayIsNotProcessed() throws Exception
    {
        startServer(Transport.PRIOR_KNOWLEDGE);
        // Time enough for the new stream to reach the server before the close.
        customizer.setHttp2CloseGrace(500);
        connectWithStreamOne(Transport.PRIOR_KNOWLEDGE, "/disconnect");
        client.readUntil("the final GOAWAY", frame -> frame.isGoAway(1));

        client.get(3, "/ok");
        Closed closed = client.readUntilEof();

        assertEquals(-1, closed.indexOf(HEADERS, 3), closed.frames()::toString);
        assertEquals(-1, closed.indexOf(DATA, 3), closed.frames()::toString);
        awaitServerSideClosed();
        assertEquals(1, calls.get());
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"PRIOR_KNOWLEDGE", "TLS"})
    public void closeResetsTheStreamThenOtherStreamsFinishThenTheServerCloses(Transport transport) throws Exception
    {
        List<Frame> frames = slowThen(transport, "/close");
        Frame reset = frames.stream().filter(frame -> frame.type() == RST_STREAM).findFirst().orElseThrow(() -> new AssertionError(frames));
        assertEquals(3, reset.stream());
        assertEquals(ErrorCode.CANCEL_STREAM_ERROR.code, reset.errorCode());

        Closed closed = releaseSlowThenReadUntilEof();
        assertEquals(-1, closed.indexOf(DATA, 3), closed.frames()::toString);
        assertEquals(1, customizer.getCloses());
    }

    @Test
    public void theGraceIsASetting() throws Exception
    {
        startWithStreamOne(Transport.PRIOR_KNOWLEDGE, "/ok");
        client.readUntil("the response", Frame::isEndStream);
        customizer.setHttp2CloseGrace(300);
        client.get(3, "/disconnect");
        Closed closed = client.readUntilEof();
        // The grace begins when the server sends the final GOAWAY.
        assertThat(closed.millisToEof(closed.lastGoAway()), greaterThan(200L));
        assertPromptEof(closed);
    }

    @Test
    public void aNegativeGraceIsRejected()
    {
        IisportConnectionCustomizer customizer = new IisportConnectionCustomizer();
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> customizer.setHttp2CloseGrace(-1));
        assertThat(x.getMessage(), startsWith("Invalid http2CloseGrace: -1 ms"));
        assertThat(customizer.getHttp2CloseGrace(), is(IisportConnectionCustomizer.DEFAULT_HTTP2_CLOSE_GRACE));
        assertThat(IisportConnectionCustomizer.DEFAULT_HTTP2_CLOSE_GRACE, lessThanOrEqualTo(PROMPT_MILLIS / 2));
    }

    @Test
    public void http11DisconnectSendsFinRightAfterTheResponse() throws Exception
    {
        // The contrast: on HTTP/1.1 the FIN follows the response with no grace.
        startServer(Transport.PRIOR_KNOWLEDGE);
        try (Socket socket = connect())
        {
            send(socket, "GET /disconnect HTTP/1.1\r\nHost: localhost\r\n\r\n");
            InputStream input = socket.getInputStream();
            StringBuilder response = new StringBuilder();
            long lastByte = 0;
            byte[] buffer = new byte[8192];
            for (int read = input.read(buffer); read >= 0; read = input.read(buffer))
            {
                response.append(new String(buffer, 0, read, StandardCharsets.ISO_8859_1));
                lastByte = System.nanoTime();
            }
            long eof = System.nanoTime();
            assertThat(response.toString(), startsWith("HTTP/1.1 200 "));
            assertThat(response.toString(), endsWith("disconnect-body"));
            assertThat(TimeUnit.NANOSECONDS.toMillis(eof - lastByte), lessThan(PROMPT_MILLIS));
        }
        awaitServerSideClosed();
    }
}
