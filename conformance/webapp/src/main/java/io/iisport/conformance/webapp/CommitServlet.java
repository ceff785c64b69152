package io.iisport.conformance.webapp;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * The buffer and commit rules, by {@code mode}: {@code points} (where the response is committed as the servlet writes:
 * {@code writes=N} or {@code NxK}, {@code api=stream} or {@code writer}, {@code buffer=B}), {@code
 * flushBufferThenStatus} (isCommitted after flushBuffer, then setStatus and setHeader, which a committed response
 * ignores), {@code flushThenHeader} (the same after the writer's flush), {@code closeThenStatus} and {@code
 * closeStreamThenStatus} (the writer or the stream closed, then setStatus and setHeader, which the committed response
 * ignores), {@code closeThenCookie}, {@code closeThenSession} and {@code closeThenTrailers} (the stream closed, then a
 * cookie, a new session or trailers), {@code lengthThenStatus}, {@code lengthWriterThenStatus}, {@code
 * lengthAfterWriteThenStatus}, {@code lengthAfterWriteThenMore} (10 bytes, setContentLength(10), one byte more), {@code
 * lengthThenReset} and {@code lengthThenSendError} (the Content-Length set and written, which closes the response, then
 * changes that the closed response ignores), {@code bigWrite} (isCommitted after 40000 bytes, more than the container's
 * buffer), {@code reset}, {@code resetBuffer}, {@code resetAfterCommit}, {@code bufferSize} (setBufferSize(1024),
 * getBufferSize, 3000 bytes) and {@code bufferSizeAfterWrite}.
 */
public class CommitServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String mode = Params.string(request, "mode", "flushBufferThenStatus");
        response.setContentType("text/plain");
        switch (mode) {
            case "flushBufferThenStatus" -> {
                PrintWriter writer = response.getWriter();
                writer.write("before\n");
                response.flushBuffer();
                writer.write("committed=" + response.isCommitted() + "\n");
                response.setStatus(500);
                response.setHeader("X-After-Commit", "1");
                writer.write("end\n");
            }
            case "flushThenHeader" -> {
                PrintWriter writer = response.getWriter();
                writer.write("before\n");
                writer.flush();
                writer.write("committed=" + response.isCommitted() + "\n");
                response.setHeader("X-After-Commit", "1");
                response.setContentType("text/html");
                writer.write("end\n");
            }
            case "closeThenStatus" -> {
                PrintWriter writer = response.getWriter();
                writer.write("closed\n");
                writer.close();
                response.setStatus(500);
                response.setHeader("X-After-Close", String.valueOf(response.isCommitted()));
            }
            case "closeStreamThenStatus" -> {
                response.getOutputStream().write("closed\n".getBytes());
                response.getOutputStream().close();
                response.setStatus(500);
                response.setHeader("X-After-Close", String.valueOf(response.isCommitted()));
                response.setContentType("text/html");
            }
            case "points" -> {
                // writes=N or NxK (K writes of N), through api=stream or writer, after setBufferSize(buffer) if
                // given; then whether the response was committed after each write, in write order.
                int buffer = Params.integer(request, "buffer", 0);
                if (buffer > 0) {
                    response.setBufferSize(buffer);
                }
                String[] writes = Params.string(request, "writes", "1000").split("x");
                int size = Integer.parseInt(writes[0]);
                int count = writes.length > 1 ? Integer.parseInt(writes[1]) : 1;
                boolean writer = Params.string(request, "api", "stream").equals("writer");
                StringBuilder committed = new StringBuilder();
                long offset = 0;
                for (int i = 0; i < count; i++) {
                    byte[] bytes = Params.pattern(offset, size);
                    offset += size;
                    if (writer) {
                        response.getWriter().write(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1));
                    } else {
                        response.getOutputStream().write(bytes);
                    }
                    committed.append(response.isCommitted() ? '1' : '0');
                }
                String report = "\ncommitted after each write: " + committed + "\n";
                if (writer) {
                    response.getWriter().write(report);
                } else {
                    response.getOutputStream().write(report.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                }
            }
            case "closeThenCookie" -> {
                response.getOutputStream().write("closed\n".getBytes());
                response.getOutputStream().close();
                response.addCookie(new jakarta.servlet.http.Cookie("late", "1"));
            }
            case "closeThenSession" -> {
                response.getOutputStream().write("closed\n".getBytes());
                response.getOutputStream().close();
                try {
                    request.getSession(true).setAttribute("late", "1");
                } catch (IllegalStateException e) {
                    // Tomcat refuses a session once the response is committed.
                }
            }
            case "closeThenTrailers" -> {
                response.getOutputStream().write("closed\n".getBytes());
                response.getOutputStream().close();
                try {
                    response.setTrailerFields(() -> java.util.Map.of("x-late", "1"));
                } catch (IllegalStateException e) {
                    // Refused once the response is committed.
                }
            }
            case "lengthThenStatus" -> {
                response.setContentLength(5);
                response.getOutputStream().write("body\n".getBytes());
                response.setHeader("X-After-Length", String.valueOf(response.isCommitted()));
                response.setStatus(404);
                response.setContentLength(99);
            }
            case "lengthWriterThenStatus" -> {
                response.setContentLength(5);
                response.getWriter().print("body\n");
                response.setHeader("X-After-Length", String.valueOf(response.isCommitted()));
                response.setStatus(404);
                response.getWriter().print("more");
            }
            case "lengthAfterWriteThenStatus" -> {
                response.getOutputStream().write("body\n".getBytes());
                response.setContentLength(5);
                response.setHeader("X-After-Length", String.valueOf(response.isCommitted()));
                response.setStatus(404);
            }
            case "lengthAfterWriteThenMore" -> {
                response.getOutputStream().write("0123456789".getBytes());
                response.setContentLength(10);
                try {
                    response.getOutputStream().write('x');
                } catch (IllegalStateException | IOException e) {
                    // Jetty refuses content past the length.
                }
            }
            case "lengthThenReset" -> {
                response.setContentLength(5);
                response.getOutputStream().write("body\n".getBytes());
                try {
                    response.reset();
                    response.setHeader("X-Reset", "accepted");
                } catch (IllegalStateException e) {
                    response.setHeader("X-Reset", "IllegalStateException");
                }
            }
            case "lengthThenSendError" -> {
                response.setContentLength(5);
                response.getOutputStream().write("body\n".getBytes());
                try {
                    response.sendError(503);
                } catch (IllegalStateException e) {
                    // The committed response stays as it is.
                }
            }
            case "bigWrite" -> {
                response.getOutputStream().write(Params.pattern(0, 40000));
                response.getOutputStream().write(("\ncommitted=" + response.isCommitted() + "\n").getBytes());
            }
            case "reset" -> {
                response.setHeader("X-Discarded", "1");
                response.setStatus(202);
                response.getWriter().write("discarded");
                response.reset();
                response.setContentType("text/plain");
                response.getWriter().write("kept after reset\n");
            }
            case "resetBuffer" -> {
                response.setHeader("X-Kept", "1");
                response.getWriter().write("discarded");
                response.resetBuffer();
                response.getWriter().write("kept after resetBuffer\n");
            }
            case "resetAfterCommit" -> {
                response.getWriter().write("committed\n");
                response.flushBuffer();
                try {
                    response.reset();
                    response.getWriter().write("reset succeeded\n");
                } catch (IllegalStateException e) {
                    response.getWriter().write("reset after commit: IllegalStateException\n");
                }
            }
            case "bufferSize" -> {
                response.setBufferSize(1024);
                response.getOutputStream().write(("buffer size at least 1024: " + (response.getBufferSize() >= 1024)
                        + "\n").getBytes());
                response.getOutputStream().write(Params.pattern(0, 3000));
            }
            case "bufferSizeAfterWrite" -> {
                response.getWriter().write("written\n");
                try {
                    response.setBufferSize(100_000);
                    response.getWriter().write("setBufferSize after a write: accepted\n");
                } catch (IllegalStateException e) {
                    response.getWriter().write("setBufferSize after a write: IllegalStateException\n");
                }
            }
            default -> throw new IllegalArgumentException("unknown mode=" + mode);
        }
    }
}
