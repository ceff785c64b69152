package io.iisport.conformance.webapp;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * RequestDispatcher uses, by {@code mode}: {@code forward} (after buffered output, which the forward discards), {@code
 * forwardThenWrite} (writes after the forward returned), {@code forwardThenThrow} (a ServletException after the forward
 * returned, which Tomcat answers with its error page: it only suspended the response), {@code forwardCloseThenThrow}
 * (the same once the servlet closed its writer after the forward, which Tomcat leaves suspended), {@code forwardStatic}
 * (to a static file), {@code forwardSendError} (to a target that calls {@code sendError(404)}: the container's error
 * page), {@code forwardSendErrorCharset} (to a target that sets {@code text/plain;charset=UTF-8}, then calls {@code
 * sendError(409)}), {@code forwardQuiet} (to a target that writes nothing), {@code include} (a servlet between two
 * writes), {@code includeStatic} and {@code includeStaticLarge} (an 11-byte and a 66000-byte static file between two
 * writes). The targets are under {@code /u/}, which the filter does not map.
 */
public class DispatchServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        String mode = Params.string(request, "mode", "forward");
        response.setContentType("text/plain");
        switch (mode) {
            case "forward" -> {
                response.getWriter().write("discarded by the forward");
                request.getRequestDispatcher("/u/target?z=3").forward(request, response);
            }
            case "forwardThenWrite" -> {
                request.getRequestDispatcher("/u/target").forward(request, response);
                PrintWriter writer = response.getWriter();
                writer.write("written after the forward\n");
                writer.flush();
                if (writer.checkError()) {
                    throw new IOException("the writer failed after the forward");
                }
            }
            case "forwardThenThrow" -> {
                request.getRequestDispatcher("/u/target").forward(request, response);
                throw new ServletException("after the forward returned");
            }
            case "forwardCloseThenThrow" -> {
                request.getRequestDispatcher("/u/target").forward(request, response);
                response.getWriter().close();
                throw new ServletException("after the forward returned and the writer was closed");
            }
            case "forwardSendError" -> request.getRequestDispatcher("/u/error?mode=sendError&code=404")
                    .forward(request, response);
            case "forwardSendErrorCharset" -> request.getRequestDispatcher(
                    "/u/error?mode=sendError&code=409&type=text/plain%3Bcharset%3DUTF-8").forward(request, response);
            case "forwardQuiet" -> request.getRequestDispatcher("/u/target?quiet=1").forward(request, response);
            case "forwardStatic" -> request.getRequestDispatcher("/u/static/small.txt").forward(request, response);
            case "include" -> {
                response.getWriter().write("BEFORE-");
                request.getRequestDispatcher("/u/target?z=3").include(request, response);
                response.getWriter().write("-AFTER");
            }
            case "includeStatic" -> {
                response.getWriter().write("BEFORE-");
                request.getRequestDispatcher("/u/static/small.txt").include(request, response);
                response.getWriter().write("-AFTER");
            }
            case "includeStaticLarge" -> {
                response.setContentType("text/html;charset=UTF-8");
                response.getWriter().println("<html>BEFORE-");
                request.getRequestDispatcher("/u/static/data.txt").include(request, response);
                response.getWriter().println("-AFTER</html>");
            }
            default -> throw new IllegalArgumentException("unknown mode=" + mode);
        }
    }
}
