package io.iisport.filter;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import io.iisport.httpserv.RequestNotificationStatus;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A completion from another thread racing the request's suspension, as a module that schedules
 * {@code IndicateCompletion} a millisecond ahead and returns PENDING does: whichever comes first, the completion
 * reaches the resumer exactly once and the suspension never fails.
 */
class PendingCompletionRaceTest {
    @Test
    void aCompletionRacingTheSuspensionReachesTheResumerOnce() throws Exception {
        PendingCompletion.Cursor at = new PendingCompletion.Cursor(Stage.BEGIN_REQUEST, false, 0);
        int rounds = 5_000;
        AtomicInteger[] resumed = new AtomicInteger[rounds];
        PendingCompletion[] pending = new PendingCompletion[rounds];
        for (int round = 0; round < rounds; round++) {
            AtomicInteger count = new AtomicInteger();
            resumed[round] = count;
            pending[round] = new PendingCompletion((cursor, completion) -> count.incrementAndGet());
            pending[round].accept();
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CyclicBarrier start = new CyclicBarrier(2);
        Thread completer = new Thread(() -> {
            try {
                for (PendingCompletion each : pending) {
                    start.await();
                    each.indicate(RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE);
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        });
        completer.start();
        try {
            for (int round = 0; round < rounds; round++) {
                start.await(10, TimeUnit.SECONDS);
                pending[round].suspend(at);
            }
        } finally {
            completer.join(10_000);
        }
        assertThat(String.valueOf(failure.get()), failure.get() == null, is(true));
        for (int round = 0; round < rounds; round++) {
            assertThat("round " + round, resumed[round].get(), is(1));
        }
    }
}
