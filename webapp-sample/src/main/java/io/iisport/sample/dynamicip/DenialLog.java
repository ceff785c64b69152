package io.iisport.sample.dynamicip;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Bounds how many denials a module logs, so that an attack cannot flood the log: at most {@code perSecond} lines a
 * second, and the number left out is reported with the next line logged. Lock-free.
 */
final class DenialLog {
    private final int perSecond;
    private final LongSupplier clock;
    /** The second (clock millis / 1000) being counted, and the lines logged in it, packed as second << 20 | count. */
    private final AtomicLong window = new AtomicLong();
    private final AtomicLong suppressed = new AtomicLong();

    DenialLog(int perSecond, LongSupplier clockMillis) {
        if (perSecond < 1 || perSecond >= 1 << 20) {
            throw new IllegalArgumentException("perSecond " + perSecond);
        }
        this.perSecond = perSecond;
        this.clock = clockMillis;
    }

    /**
     * Asks to log one denial.
     *
     * @return -1 when this denial must not be logged; otherwise how many denials were left out before it (0 or more)
     */
    long tryLog() {
        long second = clock.getAsLong() / 1000;
        while (true) {
            long current = window.get();
            long currentSecond = current >>> 20;
            int count = (int) (current & ((1 << 20) - 1));
            long next;
            if (currentSecond != second) {
                next = second << 20 | 1;
            } else if (count < perSecond) {
                next = current + 1;
            } else {
                suppressed.incrementAndGet();
                return -1;
            }
            if (window.compareAndSet(current, next)) {
                return suppressed.getAndSet(0);
            }
        }
    }
}
