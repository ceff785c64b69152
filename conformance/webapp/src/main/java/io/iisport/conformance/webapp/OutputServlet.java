package io.iisport.conformance.webapp;

import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Blocking output: {@code size} bytes of the pattern, through the writer ({@code via=writer}) or the stream, in
 * writes of {@code chunk} bytes; optionally {@code length=true} (setContentLengthLong first), {@code bufferSize},
 * {@code type}, {@code charset}, {@code locale}, and a flush ({@code flush=stream|buffer}) every {@code flushEvery}
 * bytes followed by a pause of {@code gap} ms; {@code close=true} closes the output at the end; {@code fail=true}
 * throws a {@link ServletException} once it wrote.
 */
public class OutputServlet extends HttpServlet {
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        int size = Params.integer(request, "size", 0);
        int chunk = Params.integer(request, "chunk", 4096);
        int flushEvery = Params.integer(request, "flushEvery", 0);
        int gap = Params.integer(request, "gap", 0);
        String flush = Params.string(request, "flush", "stream");
        boolean writer = "writer".equals(Params.string(request, "via", "stream"));
        if (request.getParameter("bufferSize") != null) {
            response.setBufferSize(Params.integer(request, "bufferSize", 0));
        }
        response.setContentType(Params.string(request, "type", "text/plain"));
        if (request.getParameter("charset") != null) {
            response.setCharacterEncoding(request.getParameter("charset"));
        }
        if (request.getParameter("locale") != null) {
            response.setLocale(Locale.forLanguageTag(request.getParameter("locale")));
        }
        if (Params.flag(request, "length")) {
            response.setContentLengthLong(size);
        }
        PrintWriter printWriter = writer ? response.getWriter() : null;
        ServletOutputStream stream = writer ? null : response.getOutputStream();
        int sinceFlush = 0;
        for (int written = 0; written < size;) {
            int n = Math.min(chunk, size - written);
            if (flushEvery > 0) {
                n = Math.min(n, flushEvery - sinceFlush);
            }
            byte[] bytes = Params.pattern(written, n);
            if (writer) {
                printWriter.write(new String(bytes, StandardCharsets.US_ASCII));
            } else {
                stream.write(bytes);
            }
            written += n;
            sinceFlush += n;
            if (flushEvery > 0 && sinceFlush == flushEvery) {
                sinceFlush = 0;
                if ("buffer".equals(flush)) {
                    response.flushBuffer();
                } else if (writer) {
                    printWriter.flush();
                } else {
                    stream.flush();
                }
                if (gap > 0 && written < size) {
                    Params.sleep(gap);
                }
            }
        }
        if (Params.flag(request, "fail")) {
            throw new ServletException("failed after writing " + size + " bytes");
        }
        if (Params.flag(request, "close")) {
            if (writer) {
                printWriter.close();
            } else {
                stream.close();
            }
        }
    }
}
