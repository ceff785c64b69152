package io.iisport.conformance.webapp;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;

/**
 * Servlet 6.1's redirects, which the WAR (compiled against Servlet 6.0) calls by reflection; on a Servlet 6.0
 * container it answers 501. By query parameter: {@code api} — {@code status} for {@code sendRedirect(String, int)},
 * {@code clear} for {@code sendRedirect(String, boolean)}, {@code full} for {@code sendRedirect(String, int, boolean)};
 * {@code location} — {@code relative} ({@code target?x=1}), {@code path} ({@code /<prefix>/target?x=1}) or
 * {@code absolute} (a URL of another host); {@code code} (302); {@code clear} (true); {@code before}, the bytes written
 * first, in writes of 100, through the stream or, with {@code via=writer}, the writer; {@code after=true}, a line
 * written after the redirect (a stream write the container refuses with an {@code IOException} is let go). A redirect
 * refused because the response is committed writes {@code sendRedirect: IllegalStateException} instead.
 */
public class RedirectServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        String api = Params.string(request, "api", "full");
        int code = Params.integer(request, "code", HttpServletResponse.SC_FOUND);
        boolean clear = Boolean.parseBoolean(Params.string(request, "clear", "true"));
        boolean writer = "writer".equals(Params.string(request, "via", "stream"));
        String location = switch (Params.string(request, "location", "relative")) {
            case "relative" -> "target?x=1";
            case "path" -> Params.prefix(request) + "/target?x=1";
            case "absolute" -> "http://elsewhere.example/target?x=1";
            default -> throw new IllegalArgumentException("unknown location=" + request.getParameter("location"));
        };
        Method method;
        Object[] arguments;
        try {
            switch (api) {
                case "status" -> {
                    method = HttpServletResponse.class.getMethod("sendRedirect", String.class, int.class);
                    arguments = new Object[] {location, code};
                }
                case "clear" -> {
                    method = HttpServletResponse.class.getMethod("sendRedirect", String.class, boolean.class);
                    arguments = new Object[] {location, clear};
                }
                case "full" -> {
                    method = HttpServletResponse.class.getMethod("sendRedirect", String.class, int.class,
                            boolean.class);
                    arguments = new Object[] {location, code, clear};
                }
                default -> throw new IllegalArgumentException("unknown api=" + api);
            }
        } catch (NoSuchMethodException servlet60) {
            response.sendError(HttpServletResponse.SC_NOT_IMPLEMENTED, "no Servlet 6.1 sendRedirect here");
            return;
        }
        response.setContentType("text/plain");
        int before = Params.integer(request, "before", 0);
        OutputStream stream = writer ? null : response.getOutputStream();
        PrintWriter print = writer ? response.getWriter() : null;
        for (int written = 0; written < before; written += 100) {
            byte[] piece = Params.pattern(written, Math.min(100, before - written));
            if (writer) {
                print.write(new String(piece, StandardCharsets.US_ASCII));
            } else {
                stream.write(piece);
            }
        }
        try {
            method.invoke(response, arguments);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalStateException) {
                write(stream, print, "sendRedirect: IllegalStateException\n");
                return;
            }
            throw new ServletException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new ServletException(e);
        }
        if (Params.flag(request, "after")) {
            try {
                write(stream, print, "written after the redirect\n");
            } catch (IOException refused) {
                // the container refuses writes after it closed the output: let go
            }
        }
    }

    private static void write(OutputStream stream, PrintWriter print, String text) throws IOException {
        if (print != null) {
            print.write(text);
        } else {
            stream.write(text.getBytes(StandardCharsets.US_ASCII));
        }
    }
}
