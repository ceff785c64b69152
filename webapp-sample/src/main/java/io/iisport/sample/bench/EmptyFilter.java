package io.iisport.sample.bench;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;

/**
 * A servlet filter that only calls the chain: behind it, {@code /bench/empty-filter} costs what any filter costs the
 * container, the floor under {@code /bench/filtered} and {@code /bench/observed}.
 */
public final class EmptyFilter implements Filter {
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        chain.doFilter(request, response);
    }
}
