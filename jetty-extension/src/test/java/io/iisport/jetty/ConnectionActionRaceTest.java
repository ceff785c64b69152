package io.iisport.jetty;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.iisport.filter.IisModuleFilter;
import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpResponse;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotification;
import io.iisport.httpserv.RequestNotificationStatus;
import io.iisport.spi.ConnectionBridge;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * <p>A connection action called from a module's own thread races the end of its request, while other requests
 * run on the same server (HTTP/1.1: other keep-alive connections, and the next request of the same connection;
 * HTTP/2: other streams of the same connection).</p>
 * <p>A module at BEGIN_REQUEST hands its response to an executor, which calls the action either 0 to 1 ms after
 * BEGIN_REQUEST, or a few microseconds after the servlet returned, that is just as Jetty completes the request;
 * the servlet answers at once. Whatever the interleaving, the acted request either completes whole (the action
 * came too late and does nothing, or came after the last byte) or gets what the action gives (HTTP/1.1: a TCP
 * RST; HTTP/2: RST_STREAM with the code the module asked for), never a truncated response with a clean end; and
 * no other request is ever affected.</p>
 */
public class ConnectionActionRaceTest extends AbstractConnectionActionsTest
{
    private static final int ROUNDS = 300;
    /** HTTP/2 disconnects end their session: fewer rounds, as each round opens a connection. */
    private static final int H2_DISCONNECT_ROUNDS = 150;
    /** A code Jetty never sends by itself: its own resets of a failed stream carry CANCEL. */
    private static final int STREAM_RESET_CODE = 0xd;
    private static final String ACT_HEADER = "X-Act";
    private static final String RETURNING_ATTRIBUTE = ConnectionActionRaceTest.class.getName() + ".returning";
    private static final String PADDING = "0123456789".repeat(20);

    /** Where the module's actions run; set for each test, as the filter creates the module by class name. */
    private static volatile ExecutorService actionExecutor;
    /** What the actions threw; a call after the request completed must do nothing, not throw. */
    private static final BlockingQueue<Throwable> actionFailures = new LinkedBlockingQueue<>();
    /** For an action called once the next request of the connection is in the servlet ({@code ACTION:next:0}). */
    private static volatile CountDownLatch nextRequestStarted;
    private static volatile CountDownLatch lateActionDone;

    enum Action
    {
        RESET, DISCONNECT, STREAM_RESET;

        void on(IHttpResponse response)
        {
            switch (this)
            {
                case RESET -> response.resetConnection();
                case DISCONNECT -> response.setNeedDisconnect();
                case STREAM_RESET -> response.resetStream(STREAM_RESET_CODE);
            }
        }
    }

    /**
     * Calls the action named by the {@value #ACT_HEADER} request header, {@code ACTION:begin:MICROS} (that many
     * microseconds after BEGIN_REQUEST), {@code ACTION:return:MICROS} (after the servlet returned) or
     * {@code ACTION:next:0} (once the servlet is handling {@code /next}), from the test's executor.
     */
    public static class RacingModule implements RegisterModule
    {
        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo)
        {
            moduleInfo.setRequestNotifications(() -> new CHttpModule()
            {
                @Override
                public RequestNotificationStatus onBeginRequest(IHttpContext context, IHttpEventProvider provider)
                {
                    String[] act = context.getRequest().getHeader(ACT_HEADER).split(":");
                    Action action = Action.valueOf(act[0]);
                    boolean afterReturn = act[1].equals("return");
                    boolean afterNext = act[1].equals("next");
                    long delayNanos = TimeUnit.MICROSECONDS.toNanos(Long.parseLong(act[2]));
                    CountDownLatch returning = new CountDownLatch(1);
                    if (afterReturn)
                        context.getServletRequest().setAttribute(RETURNING_ATTRIBUTE, returning);
                    IHttpResponse response = context.getResponse();
                    actionExecutor.execute(() ->
                    {
                        try
                        {
                            if (afterReturn && !returning.await(TIMEOUT_SECONDS, TimeUnit.SECONDS))
                                throw new AssertionError("the servlet did not return");
                            if (afterNext && !nextRequestStarted.await(TIMEOUT_SECONDS, TimeUnit.SECONDS))
                                throw new AssertionError("the next request did not start");
                            long start = System.nanoTime();
                            while (System.nanoTime() - start < delayNanos)
                            {
                                Thread.onSpinWait();
                            }
                            action.on(response);
                        }
                        catch (Throwable x)
                        {
                            actionFailures.add(x);
                        }
                        finally
                        {
                            if (afterNext)
                                lateActionDone.countDown();
                        }
                    });
                    return RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
                }
            }, RequestNotification.RQ_BEGIN_REQUEST, 0);
        }
    }

    @BeforeEach
    public void startExecutor()
    {
        actionFailures.clear();
        actionExecutor = Executors.newFixedThreadPool(2);
    }

    @AfterEach
    public void stopExecutor() throws InterruptedException
    {
        actionExecutor.shutdownNow();
        assertTrue(actionExecutor.awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    }

    /**
     * The module's filter on /act/*, none elsewhere; the servlet answers at once with a body naming the URI, of
     * a known length, then lets a waiting action go; on /next, it first waits for the late action.
     */
    private void startServer() throws Exception
    {
        ServletContextHandler context = new ServletContextHandler();
        FilterHolder filter = new FilterHolder(new IisModuleFilter());
        filter.setInitParameter("modules", "Racing=" + RacingModule.class.getName());
        filter.setAsyncSupported(true);
        context.addFilter(filter, "/act/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
        start(context, (request, response) ->
        {
            if (request.getRequestURI().equals("/next"))
            {
                nextRequestStarted.countDown();
                assertTrue(lateActionDone.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
            byte[] body = body(request.getRequestURI()).getBytes(StandardCharsets.UTF_8);
            response.setContentType("text/plain");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
            if (request.getAttribute(RETURNING_ATTRIBUTE) instanceof CountDownLatch returning)
                returning.countDown();
        }, false);
    }

    private static String body(String uri)
    {
        return "body of " + uri + " " + PADDING;
    }

    /**
     * A delay spread over 0 to 1 ms after BEGIN_REQUEST for half the rounds, over 0 to 30 µs after the servlet
     * returned for the others.
     */
    private static String act(Action action, int round)
    {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return round % 2 == 0
            ? action + ":begin:" + random.nextInt(1000)
            : action + ":return:" + random.nextInt(30);
    }

    @ParameterizedTest
    @EnumSource(value = Action.class, names = {"RESET", "DISCONNECT"})
    public void http1ActionRacingTheEndAffectsNoOtherRequest(Action action) throws Exception
    {
        startServer();
        AtomicBoolean acting = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(2);
        try
        {
            Future<Integer> plain = clients.submit(() -> plainHttp1Requests(acting));
            Future<List<String>> acted = clients.submit(() ->
            {
                try
                {
                    return actedHttp1Requests(action);
                }
                finally
                {
                    acting.set(false);
                }
            });
            List<String> problems = new ArrayList<>(acted.get(60, TimeUnit.SECONDS));
            int plainCount = plain.get(60, TimeUnit.SECONDS);
            assertTrue(problems.isEmpty(), () -> problems.size() + " wrong outcomes of " + ROUNDS + ":\n" + String.join("\n", problems));
            assertTrue(plainCount > 0, "no plain request ran beside the acted ones");
        }
        finally
        {
            clients.shutdownNow();
        }
        assertNoActionFailure();
        assertNoServletFailure();
    }

    /**
     * Plain requests on one keep-alive connection for as long as the acted requests run: each gets its full
     * response, and the connection stays open.
     *
     * @return the number of plain requests
     */
    private int plainHttp1Requests(AtomicBoolean acting) throws IOException
    {
        int count = 0;
        try (Socket socket = connect())
        {
            InputStream input = new BufferedInputStream(socket.getInputStream());
            while (acting.get())
            {
                String uri = "/plain/" + count;
                send(socket, "GET " + uri + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
                Http1Outcome outcome = Http1Outcome.read(input);
                if (!outcome.isComplete(uri))
                    throw new AssertionError("plain request " + uri + " affected: " + outcome);
                count++;
            }
        }
        return count;
    }

    /**
     * One connection per acted request; when the acted request completes whole, a plain request follows on the
     * same connection.
     *
     * @return the wrong outcomes, described
     */
    private List<String> actedHttp1Requests(Action action) throws IOException
    {
        List<String> problems = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++)
        {
            String act = act(action, round);
            String uri = "/act/" + round;
            try (Socket socket = connect())
            {
                InputStream input = new BufferedInputStream(socket.getInputStream());
                send(socket, "GET " + uri + " HTTP/1.1\r\nHost: localhost\r\n" + ACT_HEADER + ": " + act + "\r\n\r\n");
                Http1Outcome outcome = Http1Outcome.read(input);
                // A reset may come at any point; a disconnect never truncates the response.
                boolean expected = outcome.isComplete(uri) || (action == Action.RESET && outcome.end() == End.RESET);
                if (!expected)
                {
                    problems.add(act + ": " + outcome);
                    continue;
                }
                if (outcome.end() != End.COMPLETE)
                    continue;
                // The next request of the connection: whole, or, if the action closed the connection after the
                // response it acted on, nothing at all.
                String next = "/plain/after/" + round;
                try
                {
                    send(socket, "GET " + next + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
                }
                catch (SocketException x)
                {
                    continue;
                }
                Http1Outcome after = Http1Outcome.read(input);
                if (!after.isComplete(next) && !after.text().isEmpty())
                    problems.add(act + ": next request of the connection affected: " + after);
            }
        }
        return problems;
    }

    /**
     * Deterministically, what the rounds above reach by chance: the action of a request comes while the next
     * request of the same connection is in the servlet, with the request objects Jetty recycled for it. It does
     * nothing: the next request completes whole, and the connection stays open for a third.
     */
    @ParameterizedTest
    @EnumSource(value = Action.class, names = {"RESET", "DISCONNECT"})
    public void http1ActionAfterTheNextRequestOfTheConnectionBeganDoesNothing(Action action) throws Exception
    {
        startServer();
        nextRequestStarted = new CountDownLatch(1);
        lateActionDone = new CountDownLatch(1);
        try (Socket socket = connect())
        {
            InputStream input = new BufferedInputStream(socket.getInputStream());
            send(socket, "GET /act/late HTTP/1.1\r\nHost: localhost\r\n" + ACT_HEADER + ": " + action + ":next:0\r\n\r\n");
            Http1Outcome acted = Http1Outcome.read(input);
            assertTrue(acted.isComplete("/act/late"), acted::toString);
            for (String uri : List.of("/next", "/third"))
            {
                send(socket, "GET " + uri + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
                Http1Outcome outcome = Http1Outcome.read(input);
                assertTrue(outcome.isComplete(uri), () -> uri + ": " + outcome);
            }
        }
        assertEquals(0, lateActionDone.getCount());
        assertNoActionFailure();
        assertNoServletFailure();
        assertEquals(0, customizer.getResets() + customizer.getDisconnects());
    }

    enum End
    {
        /** The whole response (status line, headers, Content-Length bytes of body) was read. */
        COMPLETE,
        /** The connection ended cleanly (FIN) before the whole response. */
        EOF,
        /** The connection was reset. */
        RESET
    }

    /**
     * How one HTTP/1.1 response ended, with what was read of it.
     */
    record Http1Outcome(End end, String text)
    {
        static Http1Outcome read(InputStream input) throws IOException
        {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try
            {
                int contentLength = -1;
                int headerEnd = -1;
                while (headerEnd < 0 || bytes.size() < headerEnd + contentLength)
                {
                    int b = input.read();
                    if (b < 0)
                        return new Http1Outcome(End.EOF, bytes.toString(StandardCharsets.ISO_8859_1));
                    bytes.write(b);
                    if (headerEnd < 0 && b == '\n' && bytes.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n"))
                    {
                        headerEnd = bytes.size();
                        contentLength = contentLength(bytes.toString(StandardCharsets.ISO_8859_1));
                    }
                }
                return new Http1Outcome(End.COMPLETE, bytes.toString(StandardCharsets.ISO_8859_1));
            }
            catch (SocketException x)
            {
                return new Http1Outcome(End.RESET, bytes.toString(StandardCharsets.ISO_8859_1));
            }
        }

        private static int contentLength(String head)
        {
            for (String line : head.split("\r\n"))
            {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:"))
                    return Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
            }
            throw new AssertionError("no Content-Length in " + head);
        }

        boolean isComplete(String uri)
        {
            return end == End.COMPLETE && text.startsWith("HTTP/1.1 200 ") && text.endsWith("\r\n\r\n" + body(uri));
        }

        @Override
        public String toString()
        {
            return end + " after " + text.length() + " bytes: " + text.replace("\r\n", "\\r\\n");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Action.class, names = {"STREAM_RESET", "RESET"})
    public void http2ResetRacingTheEndAffectsNoOtherStream(Action action) throws Exception
    {
        startServer();
        int code = action == Action.RESET ? ConnectionBridge.CANCEL : STREAM_RESET_CODE;
        List<String> problems = new ArrayList<>();
        try (Http2TestClient client = new Http2TestClient(port(), false))
        {
            for (int round = 0; round < ROUNDS; round++)
            {
                String act = act(action, round);
                String uri = "/act/" + round;
                CompletableFuture<Http2TestClient.Response> before = client.get("/plain/before/" + round);
                CompletableFuture<Http2TestClient.Response> acted = client.get(uri, ACT_HEADER, act);
                CompletableFuture<Http2TestClient.Response> after = client.get("/plain/after/" + round);
                checkPlain(problems, act, "/plain/before/" + round, before);
                checkPlain(problems, act, "/plain/after/" + round, after);
                Http2TestClient.Response response = acted.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                boolean whole = response.resetError() == Http2TestClient.NO_RESET && response.status() == 200 &&
                    response.body().equals(body(uri));
                if (!whole && response.resetError() != code)
                    problems.add(act + ": acted stream " + response);
            }
            assertTrue(problems.isEmpty(), () -> problems.size() + " wrong outcomes of " + ROUNDS + ":\n" + String.join("\n", problems));
            // No GOAWAY, no close: the session carried on through every reset.
            assertNull(client.events.stream().filter(e -> e.startsWith("goaway") || e.equals("close")).findFirst().orElse(null));
        }
        assertNoActionFailure();
        assertNoServletFailure();
    }

    @Test
    public void http2DisconnectRacingTheEndLetsStreamsInFlightFinish() throws Exception
    {
        startServer();
        List<String> problems = new ArrayList<>();
        for (int round = 0; round < H2_DISCONNECT_ROUNDS; round++)
        {
            String act = act(Action.DISCONNECT, round);
            String uri = "/act/" + round;
            try (Http2TestClient client = new Http2TestClient(port(), false))
            {
                CompletableFuture<Http2TestClient.Response> before = client.get("/plain/before/" + round);
                CompletableFuture<Http2TestClient.Response> acted = client.get(uri, ACT_HEADER, act);
                checkPlain(problems, act, "/plain/before/" + round, before);
                Http2TestClient.Response response = acted.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                if (response.resetError() != Http2TestClient.NO_RESET || response.status() != 200 || !response.body().equals(body(uri)))
                    problems.add(act + ": acted stream " + response);
                // The client has both responses; it closes only once both servlets returned, so that its close
                // does not fail a servlet whose last write the server has not yet seen complete.
                int servlets = 2 * (round + 1);
                awaitUntil("both servlets of round " + round + " returned",
                    () -> servletCompletions.size() + servletFailures.size() >= servlets);
            }
        }
        assertTrue(problems.isEmpty(), () -> problems.size() + " wrong outcomes of " + H2_DISCONNECT_ROUNDS + ":\n" + String.join("\n", problems));
        assertNoActionFailure();
        assertNoServletFailure();
    }

    private static void checkPlain(List<String> problems, String act, String uri, CompletableFuture<Http2TestClient.Response> future) throws Exception
    {
        Http2TestClient.Response response = future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (response.resetError() != Http2TestClient.NO_RESET || response.status() != 200 || !response.body().equals(body(uri)))
            problems.add(act + ": plain stream " + uri + " affected: " + response);
    }

    private static void assertNoActionFailure()
    {
        Throwable failure = actionFailures.peek();
        if (failure != null)
            fail("an action threw", failure);
    }
}
