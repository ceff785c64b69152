package io.iisport.conformance.webapp;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * An application's own filter mapped before the module filter, acting once the chain returned, as timing, footer and
 * audit filters do: {@code outer=header} sets a header saying whether the response was committed by then (it goes out
 * only if it was not), {@code outer=append} appends a footer through the output the servlet used
 * ({@code via=writer} or the stream), which reaches the client only if the response was not closed,
 * {@code outer=throw} throws a {@link ServletException}, which the container answers with its error page if nothing
 * was committed on the wire by then, and by aborting the response if something was.
 */
public class OuterFilter implements Filter {
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        chain.doFilter(request, response);
        HttpServletRequest httpRequest = (HttpServletRequest) request;
        HttpServletResponse http = (HttpServletResponse) response;
        String outer = Params.string(httpRequest, "outer", "header");
        if ("throw".equals(outer)) {
            throw new ServletException("thrown by a filter before the module filter once the chain returned");
        }
        if ("append".equals(outer)) {
            if ("writer".equals(Params.string(httpRequest, "via", "stream"))) {
                PrintWriter writer = http.getWriter();
                writer.print("-footer");
            } else {
                http.getOutputStream().write("-footer".getBytes(StandardCharsets.US_ASCII));
            }
        } else {
            http.setHeader("X-Outer", "committed=" + http.isCommitted());
        }
    }
}
