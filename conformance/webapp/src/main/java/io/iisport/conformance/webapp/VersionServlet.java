package io.iisport.conformance.webapp;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The Servlet version the container implements ({@code ServletContext.getMajorVersion()} and {@code
 * getMinorVersion()}), as {@code 6.1}: the suite skips the cases that need a later one.
 */
public class VersionServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        response.getWriter().write(getServletContext().getMajorVersion() + "." + getServletContext().getMinorVersion());
    }
}
