package io.iisport.jetty;

import java.net.Socket;
import java.net.SocketException;

import io.iisport.spi.ConnectionBridge;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Many resets and disconnects: every connection is released, nothing leaks.
 */
public class ConnectionActionsLoopTest extends AbstractConnectionActionsTest
{
    private static final int ROUNDS = 2000;

    @Test
    public void manyResetsAndDisconnectsReleaseEveryConnection() throws Exception
    {
        startPlain((request, response) ->
        {
            response.getOutputStream().print("partial;");
            if (request.getRequestURI().equals("/reset"))
            {
                response.flushBuffer();
                reset(request).accept(ConnectionBridge.CANCEL);
            }
            else
            {
                disconnect(request).run();
            }
            response.getOutputStream().print("done");
        });
        int baseline = connector.getConnectedEndPoints().size();

        for (int i = 0; i < ROUNDS; i++)
        {
            try (Socket socket = connect())
            {
                send(socket, "GET /reset HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertThrows(SocketException.class, () -> readToEof(socket.getInputStream()));
            }
            try (Socket socket = connect())
            {
                send(socket, "GET /disconnect HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertThat(readToEof(socket.getInputStream()), endsWith("partial;done"));
            }
        }

        awaitUntil("the open endpoints are back to " + baseline, () -> connector.getConnectedEndPoints().size() == baseline);
        awaitUntil("all servlets completed", () -> servletCompletions.size() == 2 * ROUNDS);
        assertNoServletFailure();
        assertEquals(ROUNDS, customizer.getResets());
        assertEquals(ROUNDS, customizer.getDisconnects());
    }
}
