package io.iisport.filter;

import io.iisport.httpserv.EntityBodyTooLargeException;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * The request entity body once a module read or inserted some of it ({@code IHttpRequest::ReadEntityBody},
 * {@code InsertEntityBody}): the inserted bytes not read yet, then the rest from the container's input. Memory is
 * bounded by the filter's {@code requestBodyLimit}: modules read at most that many bytes from the connection, and
 * the inserted bytes never exceed it.
 */
final class RequestBody {
    /** Whether the body is still wholly the container's, or modules took part of it. */
    enum Source {
        /** No module read or inserted: the servlet reads the container's input, the container parses forms. */
        CONTAINER,
        /** A module read or inserted: the servlet reads {@link #input()}, the filter parses forms and multipart. */
        MODULES
    }

    private final HttpServletRequest container;
    private final long limit;
    private Source source = Source.CONTAINER;
    private InputStream connection;
    /** Inserted bytes; those from {@code insertedStart} on are not read yet. */
    private byte[] inserted = new byte[0];
    private int insertedStart;
    /** Bytes modules (or the servlet, through {@link #input()}) took from the connection. */
    private long readFromConnection;
    private boolean connectionEnded;
    /** A module's read or insert went over the limit: the request is refused with 413. */
    private boolean refused;

    RequestBody(HttpServletRequest container, long limit) {
        this.container = container;
        this.limit = limit;
    }

    Source source() {
        return source;
    }

    long limit() {
        return limit;
    }

    /** @return whether a module went over the limit (the request is refused with 413 Content Too Large) */
    boolean refused() {
        return refused;
    }

    /** {@code ReadEntityBody}: up to {@code length} bytes, 0 at the end. */
    int readForModule(byte[] buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        source = Source.MODULES;
        long declared = container.getContentLengthLong();
        if (declared > limit) {
            throw refuse("the request body's Content-Length " + declared + " is over");
        }
        if (length == 0) {
            return 0;
        }
        try {
            int n = read(buffer, offset, length, true);
            return Math.max(n, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the request body failed", e);
        }
    }

    /** {@code InsertEntityBody}: the bytes go before those not read yet. */
    void insert(byte[] buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        source = Source.MODULES;
        int unread = inserted.length - insertedStart;
        if ((long) unread + length > limit) {
            throw refuse("inserting " + length + " bytes before " + unread + " inserted bytes not read yet is over");
        }
        byte[] joined = new byte[unread + length];
        System.arraycopy(buffer, offset, joined, 0, length);
        System.arraycopy(inserted, insertedStart, joined, length, unread);
        inserted = joined;
        insertedStart = 0;
    }

    /** {@code GetRemainingEntityBytes}. */
    long remaining() {
        long unread = inserted.length - insertedStart;
        if (connectionEnded) {
            return unread;
        }
        long declared = container.getContentLengthLong();
        if (declared >= 0) {
            return unread + Math.max(declared - readFromConnection, 0);
        }
        return hasBody() ? Long.MAX_VALUE : unread;
    }

    /** A request without Content-Length has a body if it is chunked (HTTP/1.1) or HTTP/2 and not a GET-like one. */
    private boolean hasBody() {
        String transferEncoding = container.getHeader("Transfer-Encoding");
        if (transferEncoding != null) {
            return true;
        }
        return !container.getProtocol().startsWith("HTTP/1");
    }

    private EntityBodyTooLargeException refuse(String what) {
        refused = true;
        return new EntityBodyTooLargeException("iisport: " + what + " the filter's requestBodyLimit of " + limit
                + " bytes", limit);
    }

    /**
     * Reads the inserted bytes first, then the connection.
     *
     * @param bounded whether reads from the connection count against the limit (modules' reads)
     * @return bytes read, -1 at the end
     */
    private int read(byte[] buffer, int offset, int length, boolean bounded) throws IOException {
        int unread = inserted.length - insertedStart;
        if (unread > 0) {
            int n = Math.min(unread, length);
            System.arraycopy(inserted, insertedStart, buffer, offset, n);
            insertedStart += n;
            if (insertedStart == inserted.length) {
                inserted = new byte[0];
                insertedStart = 0;
            }
            return n;
        }
        if (connectionEnded) {
            return -1;
        }
        int wanted = length;
        if (bounded) {
            if (readFromConnection >= limit) {
                // One byte more tells a body of exactly the limit from a longer one.
                int probe = connection().read();
                if (probe < 0) {
                    connectionEnded = true;
                    return -1;
                }
                throw refuse("the request body is over");
            }
            wanted = (int) Math.min(length, limit - readFromConnection);
        }
        int n = connection().read(buffer, offset, wanted);
        if (n < 0) {
            connectionEnded = true;
        } else {
            readFromConnection += n;
        }
        return n;
    }

    private InputStream connection() throws IOException {
        if (connection == null) {
            connection = container.getInputStream();
        }
        return connection;
    }

    /**
     * Reads the whole body that is left for the servlet's form or multipart parsing.
     *
     * @throws IllegalStateException naming the limit when the body is over it
     */
    byte[] readAll() throws IOException {
        byte[] all = new byte[Math.max(0, (int) Math.min(remaining(), 8192))];
        int size = 0;
        while (true) {
            if (size == all.length) {
                if (size > limit) {
                    throw new IllegalStateException("iisport: the request body is over the filter's requestBodyLimit "
                            + "of " + limit + " bytes; the servlet can read it through getInputStream()");
                }
                all = Arrays.copyOf(all, Math.max(8192, size * 2));
            }
            int n = read(all, size, all.length - size, false);
            if (n < 0) {
                return Arrays.copyOf(all, size);
            }
            size += n;
        }
    }

    /** @return the servlet's input: the inserted bytes not read yet, then the connection's, unbounded */
    ServletInputStream input() {
        return new ServletInputStream() {
            private final byte[] one = new byte[1];

            @Override
            public int read() throws IOException {
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                if (len == 0) {
                    return 0;
                }
                return RequestBody.this.read(b, off, len, false);
            }

            @Override
            public int available() throws IOException {
                int unread = inserted.length - insertedStart;
                return unread > 0 ? unread : connectionEnded ? 0 : connection().available();
            }

            @Override
            public boolean isFinished() {
                return inserted.length == insertedStart && (connectionEnded || remaining() == 0);
            }

            @Override
            public boolean isReady() {
                return true;
            }

            /**
             * Non-blocking reads of a body a module took part of are not supported: this input blocks.
             *
             * @throws IllegalStateException always
             */
            @Override
            public void setReadListener(ReadListener readListener) {
                throw new IllegalStateException("iisport: a module read or inserted this request's body, so the "
                        + "servlet reads it with blocking reads; setReadListener is not supported");
            }
        };
    }
}
