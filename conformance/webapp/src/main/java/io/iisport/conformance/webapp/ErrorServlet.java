package io.iisport.conformance.webapp;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Errors and redirects, by {@code mode}: {@code sendError} ({@code code}, optional {@code message}), {@code
 * writeThenSendError}, {@code flushThenSendError}, {@code throwMapped} (an exception with an {@code <error-page>}),
 * {@code throwServlet} and {@code throwRuntime} (the container's 500), {@code throwAfterFlush} (the writer's "partial",
 * flushBuffer, then a ServletException: the container aborts the committed response), {@code throwMappedAfterFlush}
 * (the same through the writer's flush and an exception with an {@code <error-page>}, which the container includes
 * after the partial body through the writer), {@code writeThenThrow} (the writer's "partial", unflushed, then a
 * ServletException), {@code writeThenThrowMapped} (the stream's "partial", then an exception with an {@code
 * <error-page>}), {@code sendErrorThenThrow} (sendError(503), then a ServletException), {@code smallWritesThenThrow}
 * (90 stream writes of 100 bytes, which no container commits, then a ServletException), {@code throwAfterCommit} (40000
 * bytes through the stream, more than the container buffers, then a ServletException), {@code throwMappedAfterCommit}
 * (40000 characters through the writer, then an exception with an {@code <error-page>}), {@code throwAfterClose} (the
 * writer closed, then a ServletException), {@code lengthThenThrow} (setContentLength(8), the stream's "partial\n", then
 * a ServletException: Tomcat 10.1 has sent nothing by then), {@code redirect} (relative) and {@code redirectAbsolute}
 * (a path), {@code sendErrorThenChange} and {@code redirectThenChange} (then a status, a header, a cookie and a content
 * type, which the container ignores once the response is committed). The content type set first is {@code type} ({@code
 * text/plain} by default).
 */
public class ErrorServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        String mode = Params.string(request, "mode", "sendError");
        int code = Params.integer(request, "code", 404);
        response.setContentType(Params.string(request, "type", "text/plain"));
        switch (mode) {
            case "sendError" -> {
                if (request.getParameter("message") != null) {
                    response.sendError(code, request.getParameter("message"));
                } else {
                    response.sendError(code);
                }
            }
            case "writeThenSendError" -> {
                response.getWriter().write("a few lines\nwritten before\nthe error\n");
                response.sendError(code);
            }
            case "flushThenSendError" -> {
                response.getWriter().write("flushed before the error\n");
                response.flushBuffer();
                try {
                    response.sendError(code);
                } catch (IllegalStateException e) {
                    response.getWriter().write("sendError after commit: IllegalStateException\n");
                }
            }
            case "throwAfterFlush" -> {
                response.getWriter().write("partial");
                response.flushBuffer();
                throw new ServletException("after the response was committed");
            }
            case "throwMappedAfterFlush" -> {
                response.getWriter().write("partial");
                response.getWriter().flush();
                throw new MappedException("mapped, after the response was committed");
            }
            case "writeThenThrow" -> {
                response.getWriter().write("partial\n");
                throw new ServletException("not mapped, with output in the buffer");
            }
            case "writeThenThrowMapped" -> {
                response.getOutputStream().write("partial\n".getBytes(StandardCharsets.US_ASCII));
                throw new MappedException("mapped, with output in the buffer");
            }
            case "sendErrorThenThrow" -> {
                response.sendError(503);
                throw new ServletException("after sendError");
            }
            case "smallWritesThenThrow" -> {
                for (int i = 0; i < 90; i++) {
                    response.getOutputStream().write(Params.pattern(i * 100L, 100));
                }
                throw new ServletException("not mapped, after 9000 bytes in 100-byte writes");
            }
            case "throwAfterCommit" -> {
                response.getOutputStream().write(Params.pattern(0, 40000));
                throw new ServletException("after the container committed the response");
            }
            case "throwMappedAfterCommit" -> {
                response.getWriter().write(new String(Params.pattern(0, 40000), StandardCharsets.ISO_8859_1));
                throw new MappedException("mapped, after the container committed the response");
            }
            case "throwAfterClose" -> {
                response.getWriter().write("whole");
                response.getWriter().close();
                throw new ServletException("after the response was closed");
            }
            case "lengthThenThrow" -> {
                response.setContentLength(8);
                response.getOutputStream().write("partial\n".getBytes(StandardCharsets.US_ASCII));
                throw new ServletException("after the Content-Length was written");
            }
            case "throwMapped" -> throw new MappedException("mapped by type");
            case "throwServlet" -> throw new ServletException("not mapped");
            case "throwRuntime" -> throw new IllegalStateException("not mapped either");
            case "sendErrorThenChange" -> {
                response.sendError(code);
                changeAfterCommit(response);
            }
            case "redirectThenChange" -> {
                response.sendRedirect("target?x=1");
                changeAfterCommit(response);
            }
            case "redirect" -> response.sendRedirect("target?x=1");
            case "redirectAbsolute" -> response.sendRedirect(Params.prefix(request) + "/target?x=1");
            default -> throw new IllegalArgumentException("unknown mode=" + mode);
        }
    }

    /** What the container ignores once sendError or sendRedirect committed the response. */
    private static void changeAfterCommit(HttpServletResponse response) {
        response.setStatus(200);
        response.setHeader("X-After", "1");
        response.addCookie(new Cookie("after", "1"));
        response.setContentType("application/json");
    }
}
