package io.iisport.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A socket input read in whole socket reads, each stamped with the time it returned, so body bytes have times. */
final class TimedInput {
    private final InputStream input;
    private final long startNanos;
    private final byte[] buffer = new byte[65536];
    private int position;
    private int limit;
    private long readNanos;

    TimedInput(InputStream input, long startNanos) {
        this.input = input;
        this.startNanos = startNanos;
    }

    private boolean fill() throws IOException {
        int n = input.read(buffer, 0, buffer.length);
        if (n < 0) {
            return false;
        }
        readNanos = System.nanoTime();
        position = 0;
        limit = n;
        return true;
    }

    int read() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position++] & 0xff;
    }

    /** @return one line without its CRLF (or LF), or {@code null} at EOF before any byte */
    String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = read()) >= 0;) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        if (line.size() == 0) {
            return null;
        }
        throw new IOException("EOF in a line: " + line.toString(StandardCharsets.ISO_8859_1));
    }

    /**
     * Reads body bytes into {@code body}, at most {@code max} (or until EOF when {@code max < 0}), recording when
     * each socket read's share arrived.
     *
     * @return whether the bytes asked for all arrived (false: EOF first)
     */
    boolean body(ByteArrayOutputStream body, long max, List<Observation.Arrival> arrivals) throws IOException {
        long remaining = max;
        while (remaining != 0) {
            if (position == limit && !fill()) {
                return max < 0;
            }
            int n = (int) (remaining < 0 ? limit - position : Math.min(remaining, limit - position));
            body.write(buffer, position, n);
            position += n;
            if (remaining > 0) {
                remaining -= n;
            }
            arrivals.add(new Observation.Arrival(body.size(), (readNanos - startNanos) / 1e6));
        }
        return true;
    }

    /** @return the bytes read and not yet consumed, which belong to whatever follows */
    int buffered() {
        return limit - position;
    }
}
