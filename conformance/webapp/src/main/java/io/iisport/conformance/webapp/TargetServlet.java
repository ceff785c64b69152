package io.iisport.conformance.webapp;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The target of dispatches, forwards and includes: says how it was reached and which parameters it sees; with
 * {@code quiet} it sets the content type only and writes nothing.
 */
public class TargetServlet extends HttpServlet {
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (response.getContentType() == null) {
            response.setContentType("text/plain");
        }
        if (request.getParameter("quiet") != null) {
            return;
        }
        Map<String, String> parameters = new TreeMap<>();
        request.getParameterMap().forEach((name, values) -> parameters.put(name, Arrays.toString(values)));
        response.getWriter().write("target " + request.getDispatcherType() + " " + request.getRequestURI()
                + " " + parameters + "\n");
    }
}
