package io.iisport.sample.dynamicip;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DenialLogTest {
    @Test
    void logsAtMostTheLimitPerSecondThenReportsWhatWasLeftOut() {
        AtomicLong now = new AtomicLong(5_000);
        DenialLog log = new DenialLog(3, now::get);
        assertThat(log.tryLog(), is(0L));
        assertThat(log.tryLog(), is(0L));
        assertThat(log.tryLog(), is(0L));
        assertThat(log.tryLog(), is(-1L));
        assertThat(log.tryLog(), is(-1L));
        now.set(5_999);
        assertThat(log.tryLog(), is(-1L));
        now.set(6_000);
        assertThat(log.tryLog(), is(3L));
        assertThat(log.tryLog(), is(0L));
    }

    @Test
    void manyThreadsNeverLogMoreThanTheLimitInOneSecond() throws Exception {
        DenialLog log = new DenialLog(10, () -> 42_000);
        AtomicLong logged = new AtomicLong();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    if (log.tryLog() >= 0) {
                        logged.incrementAndGet();
                    }
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(logged.get(), is(10L));
    }
}
