package io.iisport.filter;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * The buffered entity body of one response: a list of chunks of at most 256 KiB, so that growing never copies what
 * is already buffered and no buffer is one large array (which G1 would allocate as a humongous object). Chunks
 * are kept after {@link #clear()} for reuse; full-size chunks come from a {@link ChunkPool} and go back to it on
 * {@link #release()}. Not thread-safe.
 */
final class BodyBuffer {
    static final int CHUNK = ChunkPool.CHUNK;
    /** The smallest first chunk: a small response costs little more than its bytes. */
    static final int FIRST = 256;

    private final ChunkPool pool;
    private byte[][] chunks = new byte[1][];
    /** Chunks allocated (used or kept for reuse). */
    private int allocated;
    /** Index of the chunk being filled. */
    private int tail;
    /** Bytes used in the chunk being filled. */
    private int tailCount;
    private int size;
    private long capacity;

    BodyBuffer(ChunkPool pool) {
        this.pool = pool;
    }

    int size() {
        return size;
    }

    /** @return the bytes the chunks hold room for: what the buffer costs in heap */
    long capacity() {
        return capacity;
    }

    /**
     * Appends bytes.
     *
     * @param maxCapacity the capacity not to pass while the bytes fit in it (the response buffer limit)
     */
    void append(byte[] b, int off, int len, long maxCapacity) {
        while (len > 0) {
            if (allocated == 0 || tailCount == chunks[tail].length) {
                nextChunk(len, maxCapacity);
            }
            byte[] chunk = chunks[tail];
            int n = Math.min(len, chunk.length - tailCount);
            System.arraycopy(b, off, chunk, tailCount, n);
            tailCount += n;
            size += n;
            off += n;
            len -= n;
        }
    }

    private void nextChunk(int wanted, long maxCapacity) {
        if (allocated > 0 && tail + 1 < allocated) {
            tail++;
            tailCount = 0;
            return;
        }
        if (allocated == 1 && chunks[0].length < CHUNK) {
            // The first chunk grows by doubling up to CHUNK, so that small responses stay small.
            byte[] first = chunks[0];
            int grown = (int) Math.min(CHUNK, Math.max(Math.max(first.length * 2L, (long) size + wanted),
                    FIRST));
            grown = (int) Math.min(grown, Math.max(first.length + 1L, maxCapacity));
            capacity += grown - first.length;
            chunks[0] = Arrays.copyOf(first, grown);
            return;
        }
        int length = allocated == 0
                ? (int) Math.min(CHUNK, Math.max(FIRST, wanted))
                : CHUNK;
        length = (int) Math.max(1, Math.min(length, maxCapacity - capacity));
        if (allocated == chunks.length) {
            chunks = Arrays.copyOf(chunks, allocated * 2);
        }
        chunks[allocated] = length == CHUNK ? pool.acquire() : new byte[length];
        capacity += length;
        tail = allocated;
        allocated++;
        tailCount = 0;
    }

    /** Empties the buffer, keeping its chunks for reuse. */
    void clear() {
        size = 0;
        tail = 0;
        tailCount = 0;
    }

    /**
     * Empties the buffer and gives its full-size chunks back to the pool. Only when nothing references them any
     * more: the response is complete and its writes returned.
     */
    void release() {
        for (int i = 0; i < allocated; i++) {
            pool.release(chunks[i]);
            chunks[i] = null;
        }
        allocated = 0;
        capacity = 0;
        clear();
    }

    /** Writes the buffered bytes in order, keeping them. */
    void copyTo(OutputStream out) throws IOException {
        writeChunks(out, size, Integer.MAX_VALUE);
    }

    /** Writes the buffered bytes in order, then empties the buffer (emptied first, so a failed write sends nothing twice). */
    void drainTo(OutputStream out) throws IOException {
        int left = size;
        clear();
        writeChunks(out, left, Integer.MAX_VALUE);
    }

    /**
     * Writes the buffered bytes in order, in writes of at most {@code piece} bytes, then empties the buffer (emptied
     * first, as {@link #drainTo(OutputStream)}).
     */
    void drainTo(OutputStream out, int piece) throws IOException {
        int left = size;
        clear();
        writeChunks(out, left, piece);
    }

    /** Writes the first {@code left} buffered bytes in order, in writes of at most {@code piece} bytes. */
    private void writeChunks(OutputStream out, int left, int piece) throws IOException {
        for (int i = 0; left > 0; i++) {
            int inChunk = Math.min(left, chunks[i].length);
            for (int off = 0; off < inChunk; off += piece) {
                out.write(chunks[i], off, Math.min(piece, inChunk - off));
            }
            left -= inChunk;
        }
    }
}
