package io.iisport.sample.dynamicip;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The per-client counters behind Dynamic IP Restrictions: bounded memory and exact counts under contention. */
class ClientTrackerTest {
    @Test
    void memoryStaysBoundedWhateverTheNumberOfClients() {
        ClientTracker tracker = new ClientTracker(100, 60_000);
        for (int i = 0; i < 50_000; i++) {
            tracker.client("10.0." + (i / 256 % 256) + "." + (i % 256) + "/" + i, i).countRequest(i, 60_000);
            assertThat(tracker.size(), lessThanOrEqualTo(101));
        }
    }

    @Test
    void clientsWithRequestsInFlightAreNotEvicted() {
        ClientTracker tracker = new ClientTracker(1, 60_000);
        ClientTracker.Client busy = tracker.client("busy", 0);
        busy.concurrentRequests.incrementAndGet();
        tracker.client("other", 1);
        tracker.client("third", 2);
        assertThat(tracker.client("busy", 3) == busy, is(true));
    }

    @Test
    void anIntervalCountsFromTheFirstRequestAndTheNextStartsAfresh() {
        ClientTracker.Client client = new ClientTracker(10, 1000).client("c", 0);
        assertThat(client.countRequest(5_000, 1000), is(1));
        assertThat(client.countRequest(5_999, 1000), is(2));
        assertThat(client.countRequest(6_000, 1000), is(1));
    }

    @Test
    void countsAreExactUnderContention() throws Exception {
        ClientTracker tracker = new ClientTracker(1000, 3_600_000);
        int threads = 4;
        int perThread = 10_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    int max = 0;
                    for (int i = 0; i < perThread; i++) {
                        ClientTracker.Client client = tracker.client("same", 0);
                        client.concurrentRequests.incrementAndGet();
                        max = Math.max(max, client.countRequest(1, 3_600_000));
                        client.concurrentRequests.decrementAndGet();
                    }
                    return max;
                }));
            }
            start.countDown();
            int max = 0;
            for (Future<Integer> result : results) {
                max = Math.max(max, result.get(30, TimeUnit.SECONDS));
            }
            assertThat(max, is(threads * perThread));
            assertThat(tracker.client("same", 0).concurrentRequests.get(), is(0));
        } finally {
            pool.shutdownNow();
        }
    }
}
