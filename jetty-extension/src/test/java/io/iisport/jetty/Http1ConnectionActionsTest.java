package io.iisport.jetty;

import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

import io.iisport.spi.ConnectionBridge;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

public class Http1ConnectionActionsTest extends AbstractConnectionActionsTest
{
    private static final String GET = """
        GET /%s HTTP/1.1\r
        Host: localhost\r
        \r
        """;

    @Test
    public void attributesAreJdkTypedAndListed() throws Exception
    {
        AtomicReference<List<String>> names = new AtomicReference<>();
        startPlain((request, response) ->
        {
            assertThat(request.getAttribute(ConnectionBridge.DISCONNECT_ATTRIBUTE), instanceOf(Runnable.class));
            assertThat(request.getAttribute(ConnectionBridge.RESET_ATTRIBUTE), instanceOf(IntConsumer.class));
            assertThat(request.getAttribute(ConnectionBridge.CLOSE_ATTRIBUTE), instanceOf(Runnable.class));
            names.set(Collections.list(request.getAttributeNames()));
            response.getWriter().print("ok");
        });

        try (Socket socket = connect())
        {
            send(socket, GET.formatted("names"));
            socket.shutdownOutput();
            assertThat(readToEof(socket.getInputStream()), endsWith("ok"));
        }
        awaitCompletion();
        assertNoServletFailure();
        assertThat(names.get(), hasItems(ConnectionBridge.DISCONNECT_ATTRIBUTE, ConnectionBridge.RESET_ATTRIBUTE, ConnectionBridge.CLOSE_ATTRIBUTE));
    }

    @Test
    public void disconnectBeforeCommitSendsConnectionCloseThenFin() throws Exception
    {
        startPlain((request, response) ->
        {
            disconnect(request).run();
            response.setContentType("text/plain");
            response.getWriter().print("hello");
        });

        try (Socket socket = connect())
        {
            send(socket, GET.formatted("disconnect"));
            String response = readToEof(socket.getInputStream());
            assertThat(response, startsWith("HTTP/1.1 200 "));
            assertThat(response, containsString("Connection: close"));
            assertThat(response, endsWith("hello"));
        }
        awaitCompletion();
        assertNoServletFailure();
        assertEquals(1, customizer.getDisconnects());
    }

    @Test
    public void disconnectWhileStreamingChunkedSendsTerminalChunkThenFin() throws Exception
    {
        startPlain((request, response) ->
        {
            response.setContentType("text/plain");
            ServletOutputStream output = response.getOutputStream();
            output.print("first;");
            response.flushBuffer();
            disconnect(request).run();
            output.print("second;");
            output.flush();
            output.print("third");
        });

        try (Socket socket = connect())
        {
            send(socket, GET.formatted("chunked"));
            String response = readToEof(socket.getInputStream());
            assertThat(response, containsString("Transfer-Encoding: chunked"));
            assertThat(response, not(containsString("Connection: close")));
            assertThat(response, containsString("first;"));
            assertThat(response, containsString("second;"));
            assertThat(response, containsString("third"));
            assertThat(response, endsWith("\r\n0\r\n\r\n"));
        }
        awaitCompletion();
        assertNoServletFailure();
    }

    @Test
    public void disconnectAfterResponseCompletedClosesAfterIt() throws Exception
    {
        startPlain((request, response) ->
        {
            response.setContentLength(5);
            response.getOutputStream().print("hello");
            // The content length is reached: the response is complete before the action.
            assertTrue(response.isCommitted());
            disconnect(request).run();
        });

        try (Socket socket = connect())
        {
            send(socket, GET.formatted("complete"));
            String response = readToEof(socket.getInputStream());
            assertThat(response, containsString("Content-Length: 5"));
            assertThat(response, endsWith("hello"));
        }
        awaitCompletion();
        assertNoServletFailure();
    }

    @Test
    public void disconnectOnHttp10KeepAlive() throws Exception
    {
        startPlain((request, response) ->
        {
            disconnect(request).run();
            response.getWriter().print("hello");
        });

        try (Socket socket = connect())
        {
            send(socket, """
                GET /http10 HTTP/1.0\r
                Connection: keep-alive\r
                \r
                """);
            String response = readToEof(socket.getInputStream());
            // Jetty answers HTTP/1.0 requests with an HTTP/1.1 status line.
            assertThat(response, startsWith("HTTP/1.1 200 "));
            assertThat(response, containsString("Connection: close"));
            assertThat(response, not(containsString("keep-alive")));
            assertThat(response, endsWith("hello"));
        }
        awaitCompletion();
        assertNoServletFailure();
    }

    @Test
    public void readingTheAttributesWithoutCallingKeepsTheConnectionPersistent() throws Exception
    {
        // Control: reading the attributes without calling an action changes nothing.
        startPlain((request, response) ->
        {
            disconnect(request);
            reset(request);
            response.getWriter().print("hello");
        });

        try (Socket socket = connect())
        {
            send(socket, GET.formatted("one") + GET.formatted("two").replace("Host", "Connection: close\r\nHost"));
            String response = readToEof(socket.getInputStream());
            assertEquals(2, count(response, "HTTP/1.1 200 "), response);
        }
        assertEquals(2, calls.get());
    }

    @Test
    public void pipelinedRequestAfterDisconnectIsNotExecuted() throws Exception
    {
        startPlain((request, response) ->
        {
            disconnect(request).run();
            response.getWriter().print("first");
        });

        try (Socket socket = connect())
        {
            send(socket, GET.formatted("first") + GET.formatted("second"));
            String response = readToEof(socket.getInputStream());
            assertEquals(1, count(response, "HTTP/1.1 "), response);
            assertThat(response, endsWith("first"));
        }
        awaitUntil("the connection is closed", () -> connector.getConnectedEndPoints().isEmpty());
        assertEquals(1, calls.get());
    }

    @Test
    public void resetBeforeCommitSendsRstAndLaterWritesAreDiscarded() throws Exception
    {
        startPlain((request, response) ->
        {
            reset(request).accept(ConnectionBridge.CANCEL);
            ServletOutputStream output = response.getOutputStream();
            // More than the socket buffers: this would block, or throw, if the writes were not discarded.
            byte[] kilobyte = new byte[1024];
            for (int i = 0; i < 4096; i++)
            {
                output.write(kilobyte);
                output.flush();
            }
            response.flushBuffer();
        });

        try (Socket socket = connect())
        {
            send(socket, GET.formatted("reset"));
            InputStream input = socket.getInputStream();
            SocketException failure = assertThrows(SocketException.class, () -> readToEof(input));
            assertThat(failure.getMessage(), containsString("reset"));
        }
        assertEquals("/reset", awaitCompletion());
        assertNoServletFailure();
        assertEquals(1, customizer.getResets());
    }

    @Test
    public void resetBeforeCommitSendsNoStatusLine() throws Exception
    {
        startPlain((request, response) ->
        {
            reset(request).accept(ConnectionBridge.CANCEL);
            response.getWriter().print("never sent");
        });

        try (Socket socket = connect())
        {
            send(socket, GET.formatted("reset"));
            Reset reset = readToReset(socket.getInputStream());
            assertThat(reset.failure().getMessage(), containsString("reset"));
            assertThat(reset.before(), is(""));
        }
        assertEquals("/reset", awaitCompletion());
        assertNoServletFailure();
        assertEquals(1, customizer.getResets());
    }

    @Test
    public void resetAfterFlushDeliversTheFlushedBytesThenRst() throws Exception
    {
        CountDownLatch clientRead = new CountDownLatch(1);
        startPlain((request, response) ->
        {
            response.setContentType("text/plain");
            ServletOutputStream output = response.getOutputStream();
            output.print("partial");
            response.flushBuffer();
            assertTrue(clientRead.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            reset(request).accept(ConnectionBridge.CANCEL);
            output.print("never sent");
            output.flush();
        });

        try (Socket socket = connect())
        {
            send(socket, GET.formatted("partial"));
            InputStream input = socket.getInputStream();
            StringBuilder received = new StringBuilder();
            byte[] buffer = new byte[8192];
            while (!received.toString().contains("partial"))
            {
                int read = input.read(buffer);
                assertTrue(read > 0, "unexpected EOF");
                received.append(new String(buffer, 0, read, StandardCharsets.ISO_8859_1));
            }
            clientRead.countDown();
            Reset reset = readToReset(input);
            assertThat(reset.failure().getMessage(), containsString("reset"));
            assertThat(reset.before(), not(containsString("never sent")));
            assertThat(received.toString(), startsWith("HTTP/1.1 200 "));
        }
        awaitCompletion();
        assertNoServletFailure();
    }

    @Test
    public void pipelinedRequestAfterResetIsNotExecuted() throws Exception
    {
        startPlain((request, response) ->
        {
            reset(request).accept(ConnectionBridge.CANCEL);
            response.getWriter().print("first");
        });

        try (Socket socket = connect())
        {
            send(socket, GET.formatted("first") + GET.formatted("second"));
            Reset reset = readToReset(socket.getInputStream());
            assertThat(reset.before(), is(""));
        }
        awaitCompletion();
        awaitUntil("the connection is closed", () -> connector.getConnectedEndPoints().isEmpty());
        assertEquals(1, calls.get());
    }

    @Test
    public void closeSendsFinWithoutResponse() throws Exception
    {
        startPlain((request, response) ->
        {
            close(request).run();
            response.getWriter().print("never sent");
            response.flushBuffer();
        });

        try (Socket socket = connect())
        {
            send(socket, GET.formatted("close") + GET.formatted("second"));
            assertThat(readToEof(socket.getInputStream()), is(""));
        }
        awaitCompletion();
        assertNoServletFailure();
        awaitUntil("the connection is closed", () -> connector.getConnectedEndPoints().isEmpty());
        assertEquals(1, calls.get());
        assertEquals(1, customizer.getCloses());
    }

    @Test
    public void actionsAreIdempotentAndResetAfterDisconnectWins() throws Exception
    {
        startPlain((request, response) ->
        {
            disconnect(request).run();
            disconnect(request).run();
            response.getWriter().print("never sent");
            reset(request).accept(ConnectionBridge.CANCEL);
            reset(request).accept(ConnectionBridge.CANCEL);
            disconnect(request).run();
            close(request).run();
        });

        try (Socket socket = connect())
        {
            send(socket, GET.formatted("twice"));
            Reset reset = readToReset(socket.getInputStream());
            assertThat(reset.before(), is(""));
        }
        awaitCompletion();
        assertNoServletFailure();
        assertEquals(1, customizer.getDisconnects());
        assertEquals(1, customizer.getResets());
        assertEquals(0, customizer.getCloses());
    }

    @Test
    public void negativeErrorCodeIsRejected() throws Exception
    {
        AtomicReference<String> message = new AtomicReference<>();
        startPlain((request, response) ->
        {
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> reset(request).accept(-1));
            message.set(x.getMessage());
            response.getWriter().print("still fine");
        });

        try (Socket socket = connect())
        {
            send(socket, GET.formatted("negative").replace("Host", "Connection: close\r\nHost"));
            assertThat(readToEof(socket.getInputStream()), endsWith("still fine"));
        }
        awaitCompletion();
        assertNoServletFailure();
        assertThat(message.get(), containsString("-1"));
        assertEquals(0, customizer.getResets());
    }

    @Test
    public void resetFromTimerThreadOfAsyncServlet() throws Exception
    {
        CountDownLatch completed = new CountDownLatch(1);
        AtomicReference<Throwable> asyncFailure = new AtomicReference<>();
        startPlain((request, response) ->
        {
            IntConsumer reset = reset(request);
            AsyncContext async = request.startAsync();
            resetLaterThenWrite(reset, async, asyncFailure, completed);
        });

        try (Socket socket = connect())
        {
            send(socket, GET.formatted("async-reset"));
            SocketException failure = assertThrows(SocketException.class, () -> readToEof(socket.getInputStream()));
            assertThat(failure.getMessage(), containsString("reset"));
        }
        assertTrue(completed.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertEquals(null, asyncFailure.get());
        awaitUntil("the connection is closed", () -> connector.getConnectedEndPoints().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"reset", "close"})
    public void actionFromAnotherThreadReleasesABlockedWrite(String action) throws Exception
    {
        startPlain((request, response) ->
        {
            Runnable act = action.equals("reset") ? () -> reset(request).accept(ConnectionBridge.CANCEL) : close(request);
            writeBlockedThen(act, response);
        });

        try (Socket socket = connect())
        {
            send(socket, GET.formatted("blocked"));
            assertEquals("/blocked", awaitCompletion());
            // What was buffered, then EOF (close) or reset.
            try
            {
                readToEof(socket.getInputStream());
            }
            catch (SocketException x)
            {
                assertThat(x.getMessage(), containsString("reset"));
            }
        }
        assertNoServletFailure();
        awaitUntil("the connection is closed", () -> connector.getConnectedEndPoints().isEmpty());
    }

    @Test
    public void disconnectFromTimerThreadOfAsyncServlet() throws Exception
    {
        AtomicReference<Throwable> asyncFailure = new AtomicReference<>();
        startPlain((request, response) ->
        {
            Runnable disconnect = disconnect(request);
            AsyncContext async = request.startAsync();
            async.getResponse().getOutputStream().print("before;");
            async.getResponse().flushBuffer();
            timer.schedule(() ->
            {
                try
                {
                    disconnect.run();
                    ServletOutputStream output = async.getResponse().getOutputStream();
                    output.print("after");
                    async.complete();
                }
                catch (Throwable x)
                {
                    asyncFailure.set(x);
                }
            }, 50, TimeUnit.MILLISECONDS);
        });

        try (Socket socket = connect())
        {
            send(socket, GET.formatted("async-disconnect") + GET.formatted("second"));
            String response = readToEof(socket.getInputStream());
            assertThat(response, containsString("before;"));
            assertThat(response, containsString("after"));
            assertThat(response, endsWith("\r\n0\r\n\r\n"));
            assertEquals(1, count(response, "HTTP/1.1 "), response);
        }
        assertEquals(null, asyncFailure.get());
        assertEquals(1, calls.get());
    }
}
