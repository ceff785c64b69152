package io.iisport.filter;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BodyBufferTest {
    /** Sizes around every boundary of the buffer: the first chunk's size, its doublings, and whole chunks. */
    static IntStream boundaries() {
        return IntStream.of(1, BodyBuffer.FIRST, 2 * BodyBuffer.FIRST, BodyBuffer.CHUNK / 2, BodyBuffer.CHUNK,
                        2 * BodyBuffer.CHUNK, 3 * BodyBuffer.CHUNK)
                .flatMap(size -> IntStream.of(size - 1, size, size + 1)).filter(size -> size > 0).distinct();
    }

    @ParameterizedTest
    @MethodSource("boundaries")
    void whatIsAppendedInPiecesDrainsInOrder(int total) throws IOException {
        byte[] data = new byte[total];
        new Random(total).nextBytes(data);
        BodyBuffer buffer = new BodyBuffer(new ChunkPool(4));
        Random pieces = new Random(7);
        for (int off = 0; off < total; ) {
            int n = Math.min(total - off, 1 + pieces.nextInt(5000));
            buffer.append(data, off, n, Long.MAX_VALUE);
            off += n;
        }
        assertThat(buffer.size(), is(total));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        buffer.drainTo(out);
        assertThat(out.toByteArray(), is(data));
        assertThat(buffer.size(), is(0));
    }

    @Test
    void aSmallResponseCostsLittle() {
        BodyBuffer buffer = new BodyBuffer(new ChunkPool(4));
        buffer.append(new byte[13], 0, 13, 4 * 1024 * 1024);
        assertThat(buffer.capacity(), is((long) BodyBuffer.FIRST));
    }

    @Test
    void capacityStaysWithinTheLimitWhenTheBytesFit() {
        int limit = 200_000;
        BodyBuffer buffer = new BodyBuffer(new ChunkPool(4));
        for (int i = 0; i < limit / 1000; i++) {
            buffer.append(new byte[1000], 0, 1000, limit);
        }
        assertThat(buffer.size(), is(limit));
        assertThat(buffer.capacity(), lessThanOrEqualTo((long) limit));
    }

    @Test
    void releaseGivesFullChunksBackToThePoolWithinItsBound() {
        ChunkPool pool = new ChunkPool(2);
        BodyBuffer first = new BodyBuffer(pool);
        first.append(new byte[5 * BodyBuffer.CHUNK], 0, 5 * BodyBuffer.CHUNK, Long.MAX_VALUE);
        first.release();
        assertThat(first.size(), is(0));
        assertThat(first.capacity(), is(0L));

        BodyBuffer second = new BodyBuffer(pool);
        byte[] data = new byte[3 * BodyBuffer.CHUNK];
        new Random(3).nextBytes(data);
        second.append(data, 0, data.length, Long.MAX_VALUE);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            second.drainTo(out);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertThat(out.toByteArray(), is(data));
    }

    @Test
    void chunksAreReusedAfterClear() throws IOException {
        BodyBuffer buffer = new BodyBuffer(new ChunkPool(4));
        buffer.append(new byte[150_000], 0, 150_000, Long.MAX_VALUE);
        long capacity = buffer.capacity();
        buffer.clear();
        byte[] second = "again".getBytes();
        buffer.append(second, 0, second.length, Long.MAX_VALUE);
        buffer.append(new byte[140_000], 0, 140_000, Long.MAX_VALUE);
        assertThat(buffer.capacity(), is(capacity));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        buffer.drainTo(out);
        assertThat(out.size(), is(140_005));
        assertThat(new String(out.toByteArray(), 0, 5), is("again"));
    }

    @Test
    void thePoolKeepsAtMostItsBoundOfReleasedChunksAndHandsThemOutAgain() {
        ChunkPool pool = new ChunkPool(2);
        byte[] a = new byte[BodyBuffer.CHUNK];
        byte[] b = new byte[BodyBuffer.CHUNK];
        byte[] c = new byte[BodyBuffer.CHUNK];
        pool.release(a);
        pool.release(b);
        pool.release(c);
        pool.release(new byte[BodyBuffer.FIRST]);
        java.util.Set<byte[]> reused = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        reused.add(pool.acquire());
        reused.add(pool.acquire());
        byte[] fresh = pool.acquire();
        assertThat(reused.contains(a) && reused.contains(b), is(true));
        assertThat(fresh != a && fresh != b && fresh != c, is(true));
        assertThat(fresh.length, is(BodyBuffer.CHUNK));
    }
}
