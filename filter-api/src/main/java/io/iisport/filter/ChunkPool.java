package io.iisport.filter;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reuses the 256 KiB chunks of response buffers, so that buffering large responses does not allocate a new
 * array for every 256 KiB of every response. Lock-free; holds at most {@link #MAX_POOLED} idle chunks (16 MiB) for
 * the whole web application, whatever the number of filters.
 */
final class ChunkPool {
    /** The size of a full chunk: 256 KiB. */
    static final int CHUNK = 256 * 1024;
    static final int MAX_POOLED = 64;
    static final ChunkPool SHARED = new ChunkPool(MAX_POOLED);

    private final int max;
    private final ConcurrentLinkedQueue<byte[]> idle = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();

    ChunkPool(int max) {
        this.max = max;
    }

    /** @return an idle chunk of {@link #CHUNK} bytes, or a new one */
    byte[] acquire() {
        byte[] chunk = idle.poll();
        if (chunk == null) {
            return new byte[CHUNK];
        }
        size.decrementAndGet();
        return chunk;
    }

    /** Keeps a chunk nobody references any more for reuse, unless the pool is full. */
    void release(byte[] chunk) {
        if (chunk.length != CHUNK) {
            return;
        }
        if (size.incrementAndGet() > max) {
            size.decrementAndGet();
            return;
        }
        idle.offer(chunk);
    }
}
