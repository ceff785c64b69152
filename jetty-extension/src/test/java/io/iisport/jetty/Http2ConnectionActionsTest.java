package io.iisport.jetty;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

import io.iisport.spi.ConnectionBridge;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.io.WindowRateControl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

public class Http2ConnectionActionsTest extends AbstractConnectionActionsTest
{
    private final CountDownLatch releaseSlow = new CountDownLatch(1);
    private final CountDownLatch slowStarted = new CountDownLatch(1);
    private Http2TestClient client;

    @AfterEach
    public void stopClient()
    {
        if (client != null)
            client.close();
    }

    /**
     * /slow waits for the test, /reset resets with CANCEL, /reset-N resets with code N, /disconnect and
     * /close call the action; every path then writes a body, which must be discarded after a reset or close.
     */
    private void handle(HttpServletRequest request, HttpServletResponse response) throws Exception
    {
        String path = request.getRequestURI();
        ServletOutputStream output = response.getOutputStream();
        if (path.equals("/slow"))
        {
            slowStarted.countDown();
            assertTrue(releaseSlow.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            output.print("slow-done");
            return;
        }
        if (path.equals("/reset"))
            reset(request).accept(ConnectionBridge.CANCEL);
        else if (path.startsWith("/reset-"))
        {
            reset(request).accept(Integer.parseInt(path.substring("/reset-".length())));
            // Far more than the flow control window: this would block, or throw, if not discarded.
            byte[] chunk = new byte[64 * 1024];
            for (int i = 0; i < 64; i++)
            {
                output.write(chunk);
            }
        }
        else if (path.equals("/disconnect"))
            disconnect(request).run();
        else if (path.equals("/close"))
            close(request).run();
        output.print(path.substring(1) + "-body");
        output.flush();
        output.print(";more");
    }

    private void startH2c() throws Exception
    {
        startPlain(this::handle);
        client = new Http2TestClient(port(), false);
    }

    /** Gives the h2c connection factory a rapid-reset rate control of {@code eventsPerSecond} per session. */
    private void limitRateControl(int eventsPerSecond)
    {
        h2cFactory = config ->
        {
            HTTP2CServerConnectionFactory factory = new HTTP2CServerConnectionFactory(config);
            factory.setRateControlFactory(new WindowRateControl.Factory(eventsPerSecond));
            return factory;
        };
    }

    /** Starts the server and an h2c session with one stream in flight on /slow, held until releaseSlow. */
    private CompletableFuture<Http2TestClient.Response> startWithSlowStream() throws Exception
    {
        startH2c();
        CompletableFuture<Http2TestClient.Response> slow = client.get("/slow");
        assertTrue(slowStarted.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        return slow;
    }

    @Test
    public void resetSendsRstStreamCancelOnThisStreamOnly() throws Exception
    {
        CompletableFuture<Http2TestClient.Response> slow = startWithSlowStream();

        Http2TestClient.Response reset = client.get("/reset").get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertEquals(ErrorCode.CANCEL_STREAM_ERROR.code, reset.resetError());
        assertEquals("", reset.body());

        releaseSlow.countDown();
        Http2TestClient.Response response = slow.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertEquals(200, response.status());
        assertEquals("slow-done", response.body());

        // The session carries on.
        assertEquals("ok-body;more", client.get("/ok").get(TIMEOUT_SECONDS, TimeUnit.SECONDS).body());
        assertFalse(client.session.isClosed());
        assertThat(List.copyOf(client.events), not(hasItem("goaway:0")));
        awaitUntil("both reset servlets completed", () -> servletCompletions.size() == 3);
        assertNoServletFailure();
        assertEquals(1, customizer.getStreamResets());
        assertEquals(0, customizer.getResets());
    }

    @Test
    public void resetStreamWithCustomErrorCode() throws Exception
    {
        startH2c();
        int http11Required = ErrorCode.HTTP_1_1_REQUIRED_ERROR.code;
        Http2TestClient.Response reset = client.get("/reset-" + http11Required).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertEquals(http11Required, reset.resetError());
        assertEquals("/reset-" + http11Required, awaitCompletion());
        assertNoServletFailure();
    }

    @Test
    public void disconnectCompletesTheStreamThenGoAwayThenInFlightStreamsFinish() throws Exception
    {
        CompletableFuture<Http2TestClient.Response> slow = startWithSlowStream();

        Http2TestClient.Response response = client.get("/disconnect").get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertEquals(200, response.status());
        assertEquals("disconnect-body;more", response.body());
        assertEquals(Http2TestClient.NO_RESET, response.resetError());

        assertEquals("/disconnect:complete", client.nextEvent());
        assertEquals("goaway:" + ErrorCode.NO_ERROR.code, client.nextEvent());
        // The session is closing: no close until the in-flight stream has finished.
        assertFalse(client.events.contains("close"));

        releaseSlow.countDown();
        assertEquals("slow-done", slow.get(TIMEOUT_SECONDS, TimeUnit.SECONDS).body());
        List<String> rest = new ArrayList<>();
        for (String event = client.nextEvent(); event != null && !event.equals("close"); event = client.nextEvent())
        {
            rest.add(event);
        }
        assertThat(rest.get(0), is("/slow:complete"));
        awaitUntil("the connection is closed", () -> connector.getConnectedEndPoints().isEmpty());
        assertNoServletFailure();
        assertEquals(1, customizer.getDisconnects());
        assertEquals(1, customizer.getGoAways());
    }

    @Test
    public void closeResetsTheStreamThenGoAway() throws Exception
    {
        CompletableFuture<Http2TestClient.Response> slow = startWithSlowStream();

        Http2TestClient.Response response = client.get("/close").get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertEquals(ErrorCode.CANCEL_STREAM_ERROR.code, response.resetError());
        assertEquals("", response.body());
        awaitUntil("GOAWAY received", () -> client.events.contains("goaway:0"));

        releaseSlow.countDown();
        assertEquals("slow-done", slow.get(TIMEOUT_SECONDS, TimeUnit.SECONDS).body());
        awaitUntil("the connection is closed", () -> connector.getConnectedEndPoints().isEmpty());
        assertNoServletFailure();
        assertEquals(1, customizer.getCloses());
        assertEquals(1, customizer.getGoAways());
    }

    @Test
    public void resetAfterDisconnectWins() throws Exception
    {
        startPlain((request, response) ->
        {
            if (request.getRequestURI().equals("/both"))
            {
                disconnect(request).run();
                reset(request).accept(ConnectionBridge.CANCEL);
                disconnect(request).run();
            }
            response.getOutputStream().print("sent unless reset");
        });
        client = new Http2TestClient(port(), false);
        Http2TestClient.Response response = client.get("/both").get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertEquals(ErrorCode.CANCEL_STREAM_ERROR.code, response.resetError());
        awaitCompletion();
        assertEquals("sent unless reset", client.get("/again").get(TIMEOUT_SECONDS, TimeUnit.SECONDS).body());
        assertThat(List.copyOf(client.events), not(hasItem("goaway:0")));
        assertEquals(0, customizer.getGoAways());
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
            async.getResponse().getOutputStream().print("before");
            async.getResponse().flushBuffer();
            resetLaterThenWrite(reset, async, asyncFailure, completed);
        });
        client = new Http2TestClient(port(), false);
        Http2TestClient.Response response = client.get("/async").get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertEquals(ErrorCode.CANCEL_STREAM_ERROR.code, response.resetError());
        assertEquals("before", response.body());
        assertTrue(completed.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertNull(asyncFailure.get());
    }

    @Test
    public void resetFromAnotherThreadReleasesAWriteBlockedOnFlowControl() throws Exception
    {
        startPlain((request, response) ->
        {
            // First read of the attribute, on another thread, while the servlet is blocked in a write.
            writeBlockedThen(() -> reset(request).accept(ConnectionBridge.CANCEL), response);
        });
        client = new Http2TestClient(port(), false);
        Http2TestClient.Response response = client.request("/blocked", true, false).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertEquals(ErrorCode.CANCEL_STREAM_ERROR.code, response.resetError());
        assertEquals("/blocked", awaitCompletion());
        assertNoServletFailure();
    }

    @Test
    public void threeHundredApplicationResetsDoNotCloseTheSession() throws Exception
    {
        // Default rate control: 128 events per second per session.
        startH2c();
        assertResetsSurvive(300);
    }

    @Test
    public void applicationResetsStayOutOfALowRateControl() throws Exception
    {
        limitRateControl(16);
        startH2c();
        assertResetsSurvive(300);
    }

    @Test
    public void applicationResetsStayOutOfRateControlWhenInstalledAsServerBean() throws Exception
    {
        installer = (server, config) ->
        {
            IisportConnectionCustomizer customizer = new IisportConnectionCustomizer(server);
            server.addBean(customizer);
            return customizer;
        };
        limitRateControl(16);
        startH2c();
        assertThat(connector.getConnectionFactory(HTTP2CServerConnectionFactory.class).getRateControlFactory(), instanceOf(IisportRateControlFactory.class));
        assertResetsSurvive(300);
    }

    @Test
    public void withoutTheExemptionApplicationResetsCloseTheSession() throws Exception
    {
        // Control for the two tests above: the same resets, counted, exceed the rate.
        installer = (server, config) ->
        {
            IisportConnectionCustomizer customizer = new IisportConnectionCustomizer();
            config.addCustomizer(customizer);
            return customizer;
        };
        limitRateControl(16);
        startH2c();
        resetMany(300);
        awaitUntil("GOAWAY(ENHANCE_YOUR_CALM)", () -> client.events.contains("goaway:" + ErrorCode.ENHANCE_YOUR_CALM_ERROR.code));
    }

    @Test
    public void serverResetsCausedByTheClientStillCount() throws Exception
    {
        limitRateControl(16);
        startH2c();
        // The request content never comes and is never read: the server resets each stream on its own.
        List<CompletableFuture<?>> futures = new ArrayList<>();
        for (int i = 0; i < 50; i++)
        {
            futures.add(client.request("/unread-" + i, false).handle((r, x) -> r));
        }
        awaitUntil("GOAWAY(ENHANCE_YOUR_CALM)", () -> client.events.contains("goaway:" + ErrorCode.ENHANCE_YOUR_CALM_ERROR.code));
    }

    private void assertResetsSurvive(int resets) throws Exception
    {
        long start = System.nanoTime();
        List<Http2TestClient.Response> responses = resetMany(resets);
        for (Http2TestClient.Response response : responses)
        {
            assertEquals(ErrorCode.CANCEL_STREAM_ERROR.code, response.resetError());
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        Http2TestClient.Response ok = client.get("/ok").get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertEquals("ok-body;more", ok.body(), "session closed after " + resets + " resets in " + millis + " ms");
        assertFalse(client.session.isClosed());
        assertThat(List.copyOf(client.events), not(hasItem("goaway:" + ErrorCode.ENHANCE_YOUR_CALM_ERROR.code)));
        awaitUntil("all servlets completed", () -> servletCompletions.size() == resets + 1);
        assertNoServletFailure();
        assertEquals(resets, customizer.getStreamResets());
    }

    /**
     * Resets in batches of 100 concurrent streams, below the default limit of concurrent streams.
     */
    private List<Http2TestClient.Response> resetMany(int resets) throws InterruptedException
    {
        List<Http2TestClient.Response> responses = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        for (int batch = 0; batch < resets; batch += 100)
        {
            List<CompletableFuture<Http2TestClient.Response>> futures = new ArrayList<>();
            for (int i = batch; i < Math.min(resets, batch + 100); i++)
            {
                futures.add(client.get("/reset"));
            }
            for (CompletableFuture<Http2TestClient.Response> future : futures)
            {
                try
                {
                    responses.add(future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                }
                catch (ExecutionException | java.util.concurrent.TimeoutException x)
                {
                    responses.add(new Http2TestClient.Response(-1, x.toString(), -1));
                }
            }
        }
        return responses;
    }
}
