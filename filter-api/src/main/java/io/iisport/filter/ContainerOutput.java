package io.iisport.filter;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;

/**
 * Where sent bytes go in the container: its output stream, unless its writer is in use — by the target of an async
 * dispatch the filter does not wrap, which may go on with {@code getWriter()} as it could without the filter — and
 * then the bytes go to that writer as the characters they encode.
 */
final class ContainerOutput {
    private final HttpServletResponse real;
    private ServletOutputStream stream;
    private OutputStream sink;

    ContainerOutput(HttpServletResponse real) {
        this.real = real;
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

    /** The servlet writes through its writer, whose charset is {@code encoding}: the bytes go to the container's. */
    void useWriter(String encoding) throws IOException {
        if (sink == null) {
            sink = new DecodingOutputStream(real.getWriter(), Charset.forName(encoding));
        }
    }

    /** The container's response was reset: its stream or writer must be asked for again. */
    void reset() {
        stream = null;
        sink = null;
    }
}
