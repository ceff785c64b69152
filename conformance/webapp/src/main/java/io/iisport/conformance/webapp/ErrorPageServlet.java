package io.iisport.conformance.webapp;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The {@code <error-page>} location: prints the error request attributes. */
public class ErrorPageServlet extends HttpServlet {
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        Object exception = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION_TYPE);
        response.getWriter().write("error page: " + request.getDispatcherType()
                + " status=" + request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE)
                + " uri=" + request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI)
                + " exception=" + (exception instanceof Class<?> type ? type.getSimpleName() : exception)
                + " message=" + request.getAttribute(RequestDispatcher.ERROR_MESSAGE) + "\n");
    }
}
