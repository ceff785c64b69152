package io.iisport.jetty;

import java.net.Socket;
import java.net.SocketException;

import io.iisport.spi.ConnectionBridge;
import jakarta.servlet.ServletOutputStream;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.http2.ErrorCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The same actions seen from an ee11 (Servlet 6.1) context.
 */
public class Ee11ConnectionActionsTest extends AbstractConnectionActionsTest
{
    @BeforeEach
    public void startEe11() throws Exception
    {
        start(new ServletContextHandler(), (request, response) ->
        {
            ServletOutputStream output = response.getOutputStream();
            output.print("first;");
            response.flushBuffer();
            switch (request.getRequestURI())
            {
                case "/disconnect" -> disconnect(request).run();
                case "/reset" -> reset(request).accept(ConnectionBridge.CANCEL);
                case "/close" -> close(request).run();
                default -> throw new IllegalArgumentException(request.getRequestURI());
            }
            output.print("second");
            output.flush();
        }, false);
    }

    private static String get(String path)
    {
        return """
            GET %s HTTP/1.1\r
            Host: localhost\r
            \r
            """.formatted(path);
    }

    @Test
    public void disconnectWhileStreaming() throws Exception
    {
        try (Socket socket = connect())
        {
            send(socket, get("/disconnect") + get("/disconnect"));
            String response = readToEof(socket.getInputStream());
            assertThat(response, containsString("second"));
            assertThat(response, endsWith("\r\n0\r\n\r\n"));
            assertEquals(1, count(response, "HTTP/1.1 "), response);
        }
        awaitCompletion();
        assertNoServletFailure();
        assertEquals(1, calls.get());
    }

    @Test
    public void resetAfterFlush() throws Exception
    {
        try (Socket socket = connect())
        {
            send(socket, get("/reset"));
            SocketException failure = assertThrows(SocketException.class, () -> readToEof(socket.getInputStream()));
            assertThat(failure.getMessage(), containsString("reset"));
        }
        awaitCompletion();
        assertNoServletFailure();
        assertEquals(1, customizer.getResets());
    }

    @Test
    public void closeAfterFlush() throws Exception
    {
        try (Socket socket = connect())
        {
            send(socket, get("/close"));
            String response = readToEof(socket.getInputStream());
            // The flushed chunk, then FIN: no terminal chunk, so the client knows the response is incomplete.
            assertThat(response, endsWith("\r\n6\r\nfirst;"));
        }
        awaitCompletion();
        assertNoServletFailure();
    }

    @Test
    public void h2Reset() throws Exception
    {
        try (Http2TestClient client = new Http2TestClient(port(), false))
        {
            Http2TestClient.Response response = client.get("/reset").get(TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(response.resetError(), is(ErrorCode.CANCEL_STREAM_ERROR.code));
            assertThat(response.body(), is("first;"));
        }
        awaitCompletion();
        assertNoServletFailure();
    }
}
