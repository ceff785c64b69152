package io.iisport.conformance.webapp;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;

/**
 * An application's own filter mapped after the module filter, between it and the servlet, that throws a
 * {@link ServletException} once the chain returned: the container answers it with its error page if nothing was
 * committed on the wire by then, and by sending what the servlet wrote and aborting the response if something was.
 */
public class InnerFilter implements Filter {
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        chain.doFilter(request, response);
        throw new ServletException("thrown by a filter behind the module filter once the chain returned");
    }
}
