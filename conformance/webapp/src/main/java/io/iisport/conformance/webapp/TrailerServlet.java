package io.iisport.conformance.webapp;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/** Trailer fields: {@code setTrailerFields}, then {@code size} bytes, flushed first when {@code flush=true}. */
public class TrailerServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        int size = Params.integer(request, "size", 100);
        response.setContentType("text/plain");
        response.setHeader("Trailer", "x-checksum");
        response.setTrailerFields(() -> Map.of("x-checksum", "42"));
        if (Params.flag(request, "flush")) {
            response.flushBuffer();
        }
        response.getOutputStream().write(Params.pattern(0, size));
    }
}
