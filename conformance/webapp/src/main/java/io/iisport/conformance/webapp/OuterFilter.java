package io.iisport.conformance.webapp;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/**
 * An application's own filter mapped before the module filter, acting once the chain returned, as timing, footer and
 * audit filters do: {@code outer=header} sets a header saying whether the response was committed by then (it goes out
 * only if it was not), {@code outer=append} appends a footer through the output the servlet used
 * ({@code via=writer} or the stream), which reaches the client only if the response was not closed;
 * {@code outer=throw} throws a {@link ServletException}, which the container answers with its error page if nothing
 * was committed on the wire by then, and by aborting the response if something was. Or it wraps the response:
 * {@code outer=gzip} compresses what the servlet writes ({@code Content-Encoding: gzip}, finished once the chain
 * returned, as compression filters do), {@code outer=count} passes it through and counts it.
 */
public class OuterFilter implements Filter {
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest httpRequest = (HttpServletRequest) request;
        HttpServletResponse http = (HttpServletResponse) response;
        String outer = Params.string(httpRequest, "outer", "header");
        if ("gzip".equals(outer)) {
            GzipResponse gzip = new GzipResponse(http);
            chain.doFilter(request, gzip);
            gzip.finish();
            return;
        }
        if ("count".equals(outer)) {
            CountingResponse counting = new CountingResponse(http);
            chain.doFilter(request, counting);
            http.setHeader("X-Outer-Count", Long.toString(counting.count));
            return;
        }
        chain.doFilter(request, response);
        if ("throw".equals(outer)) {
            throw new ServletException("thrown by a filter before the module filter once the chain returned");
        }
        if ("append".equals(outer)) {
            if ("writer".equals(Params.string(httpRequest, "via", "stream"))) {
                PrintWriter writer = http.getWriter();
                writer.print("-footer");
            } else {
                http.getOutputStream().write("-footer".getBytes(StandardCharsets.US_ASCII));
            }
        } else {
            http.setHeader("X-Outer", "committed=" + http.isCommitted());
        }
    }

    /** Compresses the servlet's output into the response's, flushing through (sync flush) as the servlet flushes. */
    private static final class GzipResponse extends HttpServletResponseWrapper {
        private GZIPOutputStream gzip;
        private ServletOutputStream stream;
        private PrintWriter writer;

        GzipResponse(HttpServletResponse response) {
            super(response);
        }

        private GZIPOutputStream gzip() throws IOException {
            if (gzip == null) {
                setHeader("Content-Encoding", "gzip");
                gzip = new GZIPOutputStream(super.getOutputStream(), true);
            }
            return gzip;
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            if (stream == null) {
                stream = new Delegating(gzip());
            }
            return stream;
        }

        @Override
        public PrintWriter getWriter() throws IOException {
            if (writer == null) {
                writer = new PrintWriter(new OutputStreamWriter(gzip(), getCharacterEncoding()));
            }
            return writer;
        }

        @Override
        public void setContentLength(int len) {
        }

        @Override
        public void setContentLengthLong(long len) {
        }

        @Override
        public void flushBuffer() throws IOException {
            if (writer != null) {
                writer.flush();
            }
            if (gzip != null) {
                gzip.flush();
            }
            super.flushBuffer();
        }

        void finish() throws IOException {
            if (writer != null) {
                writer.flush();
            }
            if (gzip != null) {
                gzip.finish();
            }
        }
    }

    /** Passes the servlet's output through, counting its bytes. */
    private static final class CountingResponse extends HttpServletResponseWrapper {
        long count;
        private ServletOutputStream stream;

        CountingResponse(HttpServletResponse response) {
            super(response);
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            if (stream == null) {
                ServletOutputStream container = super.getOutputStream();
                stream = new Delegating(container) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        count += len;
                        super.write(b, off, len);
                    }
                };
            }
            return stream;
        }
    }

    /** A blocking servlet stream over another stream. */
    private static class Delegating extends ServletOutputStream {
        private final OutputStream out;

        Delegating(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            throw new IllegalStateException("blocking only");
        }
    }
}
