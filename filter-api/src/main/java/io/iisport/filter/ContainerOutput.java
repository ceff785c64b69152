package io.iisport.filter;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;

/**
 * The container's side of the response body: what goes with the headers when a write may commit them (the servlet's
 * held-back {@code Content-Length}, the connection actions' fields), and where sent bytes go — the container's
 * output stream, unless its writer is in use (by the target of an async dispatch the filter does not wrap, which may
 * go on with {@code getWriter()} as it could without the filter), and then the bytes go to that writer as the
 * characters they encode.
 */
final class ContainerOutput {
    private final HttpServletResponse real;
    private final ResponseMetadata metadata;
    private final ConnectionControl connection;
    private ServletOutputStream stream;
    private OutputStream sink;
    private boolean closed;

    ContainerOutput(HttpServletResponse real, ResponseMetadata metadata, ConnectionControl connection) {
        this.real = real;
        this.metadata = metadata;
        this.connection = connection;
    }

    /** Writes to the container, with what goes with the headers if they are not sent yet. */
    void write(byte[] b, int off, int len) throws IOException {
        if (!real.isCommitted()) {
            beforeCommit();
        }
        sink().write(b, off, len);
    }

    /** Writes what {@code body} holds to the container and empties it, as {@link #write} does. */
    void drain(BodyBuffer body) throws IOException {
        if (!real.isCommitted()) {
            beforeCommit();
        }
        if (body.size() > 0) {
            body.drainTo(sink());
        }
    }

    /**
     * Puts what {@code body} holds into the container's buffer without sending it, and empties it: for an ending the
     * container carries out with the body written so far (Servlet 6.1's {@code sendRedirect} without
     * {@code clearBuffer}). In writes of at most a quarter of the container's buffer, which Jetty aggregates (its
     * {@code HttpOutput.write} sends a longer one at once, committing the response) and Tomcat keeps; the servlet
     * saw its response uncommitted, so the container's buffer holds the whole body, as it held the servlet's writes
     * without the filter.
     */
    void keep(BodyBuffer body) throws IOException {
        if (body.size() > 0) {
            body.drainTo(sink(), Math.max(1, real.getBufferSize() / 4));
        }
    }

    /**
     * What goes with the headers: the servlet's held-back Content-Length while it still holds, and what the
     * connection actions add. Otherwise the container frames the body as it would without the filter.
     */
    void beforeCommit() {
        long length = metadata.declaredLength();
        if (length >= 0) {
            real.setContentLengthLong(length);
        }
        connection.beforeCommit(real);
    }

    /** @return the container's output stream (for flushes and non-blocking output) */
    ServletOutputStream stream() throws IOException {
        if (stream == null) {
            stream = real.getOutputStream();
        }
        return stream;
    }

    /** @return where to write: the stream, or the container's writer if it is in use */
    OutputStream sink() throws IOException {
        if (sink == null) {
            try {
                sink = stream();
            } catch (IllegalStateException writerInUse) {
                sink = new DecodingOutputStream(real.getWriter(), Charset.forName(real.getCharacterEncoding()));
            }
        }
        return sink;
    }

    /**
     * The servlet asks for its writer: the container's writer is taken now, as the servlet takes it without the
     * filter. The container fixes the charset in the content type as its own {@code getWriter()} does, and what it
     * runs after the filter (an error page included into a committed response) finds its writer in use, as without
     * the filter; the servlet's bytes go to it as the characters they encode.
     *
     * @return the charset the container's writer encodes with; {@code null} if the container's stream is in use
     *     already (a module sent before the servlet asked): the bytes go on to the stream
     * @throws java.io.UnsupportedEncodingException if the container's writer refuses its charset
     */
    String takeWriter() throws IOException {
        if (sink != null || stream != null) {
            return null;
        }
        PrintWriter writer;
        try {
            writer = real.getWriter();
        } catch (IllegalStateException streamInUse) {
            return null;
        }
        String encoding = real.getCharacterEncoding();
        sink = new DecodingOutputStream(writer, Charset.forName(encoding));
        return encoding;
    }

    /** The servlet writes through its writer, whose charset is {@code encoding}: the bytes go to the container's. */
    void useWriter(String encoding) throws IOException {
        if (sink == null) {
            sink = new DecodingOutputStream(real.getWriter(), Charset.forName(encoding));
        }
    }

    /**
     * Closes the container's stream (or writer): the container completes the response on the wire now, whatever the
     * request does next. Once; later calls do nothing.
     */
    void close() throws IOException {
        if (!closed) {
            closed = true;
            sink().close();
        }
    }

    /** The container's response was reset: its stream or writer must be asked for again. */
    void reset() {
        stream = null;
        sink = null;
    }
}
