package io.iisport.conformance.webapp;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * Server-sent events: {@code events} events, each flushed ({@code flush=writer|buffer}), {@code gap} ms apart.
 * Each event ends with an empty line, which is how the harness finds the flushed pieces.
 */
public class SseServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        int events = Params.integer(request, "events", 3);
        int gap = Params.integer(request, "gap", 300);
        boolean flushBuffer = "buffer".equals(Params.string(request, "flush", "writer"));
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        PrintWriter writer = response.getWriter();
        for (int i = 0; i < events; i++) {
            if (i > 0) {
                Params.sleep(gap);
            }
            writer.write("id: " + i + "\ndata: event " + i + "\n\n");
            if (flushBuffer) {
                response.flushBuffer();
            } else {
                writer.flush();
            }
        }
    }
}
