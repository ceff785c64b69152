package io.iisport.sample.dynamicip;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The per-client counters of {@link DynamicIpRestrictionModule}: concurrent requests and requests in the current
 * interval, for each client address.
 *
 * <p>Thread-safe without a global lock: the map is concurrent, the concurrency count is atomic, and the rate window
 * of one client is guarded by that client's own monitor, so only requests of the same client ever wait for each
 * other. Memory is bounded: when more than {@code maxTrackedClients} clients are tracked, one thread at a time
 * evicts the idle ones (no request in flight) whose interval is over, then, if still too many, the least recently
 * seen idle ones; never the client being counted. A client that is evicted starts afresh when it comes back.
 */
final class ClientTracker {
    /** The counters of one client address. */
    static final class Client {
        final AtomicInteger concurrentRequests = new AtomicInteger();
        private long windowStart;
        private int requestsInWindow;
        private volatile long lastSeen;

        /**
         * Counts a request in the current interval, starting a new interval when the last one is over.
         *
         * @return the number of requests in the interval, this one included
         */
        synchronized int countRequest(long now, long intervalMillis) {
            if (requestsInWindow == 0 || now - windowStart >= intervalMillis) {
                windowStart = now;
                requestsInWindow = 0;
            }
            lastSeen = now;
            return ++requestsInWindow;
        }

        synchronized boolean isExpired(long now, long intervalMillis) {
            return now - windowStart >= intervalMillis;
        }
    }

    private final Map<String, Client> clients = new ConcurrentHashMap<>();
    private final AtomicBoolean evicting = new AtomicBoolean();
    private final int maxTrackedClients;
    private final long intervalMillis;

    ClientTracker(int maxTrackedClients, long intervalMillis) {
        this.maxTrackedClients = maxTrackedClients;
        this.intervalMillis = intervalMillis;
    }

    /**
     * Returns the counters of a client, creating them if needed.
     *
     * @param address the client address, as text
     * @param now the current time in milliseconds (monotonic)
     * @return the counters
     */
    Client client(String address, long now) {
        Client client = clients.computeIfAbsent(address, a -> new Client());
        client.lastSeen = now;
        if (clients.size() > maxTrackedClients) {
            evict(now, client);
        }
        return client;
    }

    /** @return how many clients are tracked now */
    int size() {
        return clients.size();
    }

    private void evict(long now, Client keep) {
        if (!evicting.compareAndSet(false, true)) {
            return;
        }
        try {
            // First the clients whose interval is over, then, if that is not enough, the least recent idle ones.
            clients.values().removeIf(c -> c != keep && c.concurrentRequests.get() == 0 && c.isExpired(now, intervalMillis));
            if (clients.size() > maxTrackedClients) {
                long oldest = Long.MAX_VALUE;
                for (Client c : clients.values()) {
                    if (c != keep) {
                        oldest = Math.min(oldest, c.lastSeen);
                    }
                }
                long cutoff = oldest + Math.max(1, (now - oldest) / 2);
                for (Iterator<Client> it = clients.values().iterator();
                        it.hasNext() && clients.size() > maxTrackedClients;) {
                    Client c = it.next();
                    if (c != keep && c.concurrentRequests.get() == 0 && c.lastSeen < cutoff) {
                        it.remove();
                    }
                }
                for (Iterator<Client> it = clients.values().iterator();
                        it.hasNext() && clients.size() > maxTrackedClients;) {
                    Client c = it.next();
                    if (c != keep && c.concurrentRequests.get() == 0) {
                        it.remove();
                    }
                }
            }
        } finally {
            evicting.set(false);
        }
    }
}
