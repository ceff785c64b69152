package io.iisport.test;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The servlet behind the module under test, as a lambda: what the request handler (IIS's
 * {@code EXECUTE_REQUEST_HANDLER}) does once the modules let the request through.
 */
@FunctionalInterface
public interface RequestHandler {
    /**
     * Handles a request, as {@link jakarta.servlet.http.HttpServlet#service(HttpServletRequest, HttpServletResponse)}.
     *
     * @param request the request
     * @param response the response
     * @throws IOException if the handler fails to read or write
     * @throws ServletException if the handler fails otherwise
     */
    void handle(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException;
}
