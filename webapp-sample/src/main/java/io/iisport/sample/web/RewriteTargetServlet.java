package io.iisport.sample.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The handler behind {@code /rewrite/*}: answers with the URL it was asked to serve, path and query, so that a
 * rewrite shows in the response: {@code Served GET /rewrite/article.aspx?id=12&title=hello}.
 */
public class RewriteTargetServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain;charset=utf-8");
        String query = request.getQueryString();
        response.getWriter().print("Served " + request.getMethod() + " " + request.getRequestURI()
                + (query == null ? "" : "?" + query) + "\n");
    }
}
