package io.iisport.filter;

import io.iisport.httpserv.IHttpResponse;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * The {@link RequestDispatcher} the servlet gets from the filter's request: a forward first discards what the filter
 * buffered, as the container discards its own buffer, and on Tomcat the forward's output stays in the filter's
 * buffer.
 *
 * <p>After a forward through a wrapped response, Tomcat (11 by default, 10.1 when the context sets
 * {@code suspendWrappedResponseAfterForward}) unwraps the response to its own and suspends it, so the output the
 * forward wrote into the filter's buffer could never be sent. Handing the forward the same response behind a
 * reference that is not a {@link ServletResponseWrapper} makes Tomcat close the output through that response
 * instead, which it does for any response it cannot unwrap; the servlet sees what it sees without the filter: its
 * later writes are ignored.
 */
final class ForwardDispatcher implements RequestDispatcher {
    private final RequestDispatcher delegate;
    private final IisResponse response;
    private final boolean opaqueForward;

    /** @param opaqueForward whether the container suspends a wrapped response after a forward (Tomcat) */
    ForwardDispatcher(RequestDispatcher delegate, IisResponse response, boolean opaqueForward) {
        this.delegate = delegate;
        this.response = response;
        this.opaqueForward = opaqueForward;
    }

    @Override
    public void forward(ServletRequest request, ServletResponse servletResponse) throws ServletException, IOException {
        boolean ours = wraps(servletResponse);
        if (ours) {
            response.beforeForward();
        }
        delegate.forward(request, ours && opaqueForward ? opaque((HttpServletResponse) servletResponse)
                : servletResponse);
    }

    @Override
    public void include(ServletRequest request, ServletResponse servletResponse) throws ServletException, IOException {
        delegate.include(request, servletResponse);
    }

    /** @return whether {@code servletResponse} is the filter's response or wraps it */
    private boolean wraps(ServletResponse servletResponse) {
        for (ServletResponse r = servletResponse; r != null; ) {
            if (r == response) {
                return servletResponse instanceof HttpServletResponse;
            }
            r = r instanceof ServletResponseWrapper wrapper ? wrapper.getResponse() : null;
        }
        return false;
    }

    private static HttpServletResponse opaque(HttpServletResponse target) {
        Class<?>[] types = target instanceof IHttpResponse
                ? new Class<?>[] {HttpServletResponse.class, IHttpResponse.class}
                : new Class<?>[] {HttpServletResponse.class};
        return (HttpServletResponse) Proxy.newProxyInstance(ForwardDispatcher.class.getClassLoader(), types,
                (proxy, method, args) -> {
                    try {
                        return method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
