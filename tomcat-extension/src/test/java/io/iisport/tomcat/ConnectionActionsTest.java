package io.iisport.tomcat;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The actions of one request against its completion: Tomcat reuses the request's response and processor for other
 * connections once it completed, so an action must be over by then, and one asked later must do nothing.
 */
class ConnectionActionsTest {
    /** A connection that records each action and holds a reset until released. */
    private static final class RecordingConnection extends TomcatInternals.Connection {
        final List<String> done = new CopyOnWriteArrayList<>();
        final CountDownLatch resetEntered = new CountDownLatch(1);
        final CountDownLatch releaseReset = new CountDownLatch(1);

        RecordingConnection() {
            super(null);
        }

        @Override
        void disconnect(Runnable onGoAway) {
            done.add("disconnect");
        }

        @Override
        void reset(int errorCode) {
            resetEntered.countDown();
            try {
                releaseReset.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            done.add("reset " + errorCode);
        }

        @Override
        void close() {
            done.add("close");
        }

        @Override
        boolean isHttp2() {
            return false;
        }
    }

    @Test
    @Timeout(10)
    void theCompletionWaitsForAResetInProgressAndLaterActionsDoNothing() throws Exception {
        RecordingConnection connection = new RecordingConnection();
        ConnectionActions actions = new ConnectionActions(connection, new IisportConnectionValve());
        CompletableFuture<Void> reset = CompletableFuture.runAsync(() -> actions.reset(8));
        assertThat(connection.resetEntered.await(5, TimeUnit.SECONDS), is(true));

        CompletableFuture<Void> completion = CompletableFuture.runAsync(actions::complete);
        boolean completedDuringReset;
        try {
            completion.get(200, TimeUnit.MILLISECONDS);
            completedDuringReset = true;
        } catch (TimeoutException expected) {
            completedDuringReset = false;
        }
        assertThat("the request completed while a reset was still acting on its connection", completedDuringReset,
                is(false));

        connection.releaseReset.countDown();
        reset.get(5, TimeUnit.SECONDS);
        completion.get(5, TimeUnit.SECONDS);
        assertThat(connection.done, is(List.of("reset 8")));

        actions.close();
        actions.disconnect();
        assertThat(connection.done, is(List.of("reset 8")));
    }

    @Test
    void actionsAfterTheCompletionDoNothing() {
        RecordingConnection connection = new RecordingConnection();
        connection.releaseReset.countDown();
        ConnectionActions actions = new ConnectionActions(connection, new IisportConnectionValve());
        actions.complete();
        actions.disconnect();
        actions.close();
        actions.reset(8);
        assertThat(connection.done, is(List.of()));
    }
}
