package io.iisport.jetty;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;

import io.iisport.spi.ConnectionBridge;
import jakarta.servlet.ServletOutputStream;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.http2.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP/1.1 over TLS with raw SSL sockets, and h2 negotiated with ALPN with the HTTP/2 client.
 */
public class TlsConnectionActionsTest extends AbstractConnectionActionsTest
{
    private final CountDownLatch releaseSlow = new CountDownLatch(1);
    private final CountDownLatch slowStarted = new CountDownLatch(1);
    private Http2TestClient client;

    @BeforeEach
    public void startTls() throws Exception
    {
        start(new ServletContextHandler(), (request, response) ->
        {
            ServletOutputStream output = response.getOutputStream();
            switch (request.getRequestURI())
            {
                case "/slow" ->
                {
                    slowStarted.countDown();
                    assertTrue(releaseSlow.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
                    output.print("slow-done");
                }
                case "/disconnect" ->
                {
                    output.print("first;");
                    response.flushBuffer();
                    disconnect(request).run();
                    output.print("second");
                }
                case "/reset" ->
                {
                    reset(request).accept(ConnectionBridge.CANCEL);
                    output.print("never sent");
                    output.flush();
                }
                default -> output.print("ok");
            }
        }, true);
    }

    @AfterEach
    public void stopClient()
    {
        if (client != null)
            client.close();
    }

    private SSLSocket connectTls() throws Exception
    {
        Socket plain = connect();
        SSLSocket socket = (SSLSocket)trustAllSslContext().getSocketFactory().createSocket(plain, "localhost", port(), true);
        socket.setSoTimeout(TIMEOUT_SECONDS * 1000);
        socket.startHandshake();
        return socket;
    }

    @Test
    public void http1DisconnectWhileStreamingOverTls() throws Exception
    {
        try (SSLSocket socket = connectTls())
        {
            send(socket, """
                GET /disconnect HTTP/1.1\r
                Host: localhost\r
                \r
                GET /ok HTTP/1.1\r
                Host: localhost\r
                \r
                """);
            String response = readToEof(socket.getInputStream());
            assertThat(response, containsString("first;"));
            assertThat(response, containsString("second"));
            assertThat(response, endsWith("\r\n0\r\n\r\n"));
            assertEquals(1, count(response, "HTTP/1.1 "), response);
        }
        awaitCompletion();
        assertNoServletFailure();
        assertEquals(1, calls.get());
    }

    @Test
    public void http1ResetOverTlsIsATcpReset() throws Exception
    {
        try (SSLSocket socket = connectTls())
        {
            send(socket, """
                GET /reset HTTP/1.1\r
                Host: localhost\r
                \r
                """);
            // Without close_notify: the TLS layer reports the TCP reset.
            IOException failure = assertThrows(IOException.class, () -> readToEof(socket.getInputStream()));
            assertThat(messages(failure), containsString("reset"));
            assertThat(messages(failure), not(containsString("close_notify")));
        }
        assertEquals("/reset", awaitCompletion());
        assertNoServletFailure();
        assertEquals(1, customizer.getResets());
    }

    @Test
    public void h2ResetOverTls() throws Exception
    {
        client = new Http2TestClient(port(), true);
        CompletableFuture<Http2TestClient.Response> slow = client.get("/slow");
        assertTrue(slowStarted.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        Http2TestClient.Response reset = client.get("/reset").get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertEquals(ErrorCode.CANCEL_STREAM_ERROR.code, reset.resetError());
        releaseSlow.countDown();
        assertEquals("slow-done", slow.get(TIMEOUT_SECONDS, TimeUnit.SECONDS).body());
        assertFalse(client.session.isClosed());
        assertEquals(1, customizer.getStreamResets());
        assertEquals(0, customizer.getResets());
    }

    @Test
    public void h2DisconnectOverTls() throws Exception
    {
        client = new Http2TestClient(port(), true);
        Http2TestClient.Response response = client.get("/disconnect").get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertEquals("first;second", response.body());
        assertEquals("/disconnect:complete", client.nextEvent());
        assertEquals("goaway:" + ErrorCode.NO_ERROR.code, client.nextEvent());
        awaitUntil("the connection is closed", () -> connector.getConnectedEndPoints().isEmpty());
        assertEquals(1, customizer.getGoAways());
    }

    private static String messages(Throwable failure)
    {
        StringBuilder messages = new StringBuilder();
        for (Throwable x = failure; x != null; x = x.getCause())
        {
            messages.append(x).append('\n');
        }
        return messages.toString();
    }
}
