package io.iisport.filter;

import io.iisport.httpserv.IHttpResponse;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
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
 *
 * <p>Tomcat closes that output with {@code getWriter().close()} (else {@code getOutputStream().close()}), where on
 * its own response it only suspends it ({@code ResponseFacade.finish()}). Its {@code getWriter()} call is told from
 * the forward target's by the caller, and ends the servlet's output without choosing the writer (see
 * {@link IisResponse#finishAfterForward}): taking the container's writer would fix its charset, and Tomcat's error
 * page for a {@code sendError} in the target would lose its {@code utf-8}.
 */
final class ForwardDispatcher implements RequestDispatcher {
    /** The class whose {@code forward} closes the output through a response it cannot unwrap (Tomcat). */
    private static final String CONTAINER_DISPATCHER = "org.apache.catalina.core.ApplicationDispatcher";
    private static final StackWalker STACK = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

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

    private HttpServletResponse opaque(HttpServletResponse target) {
        Class<?>[] types = target instanceof IHttpResponse
                ? new Class<?>[] {HttpServletResponse.class, IHttpResponse.class}
                : new Class<?>[] {HttpServletResponse.class};
        return (HttpServletResponse) Proxy.newProxyInstance(ForwardDispatcher.class.getClassLoader(), types,
                (proxy, method, args) -> {
                    if (method.getName().equals("getWriter") && calledByContainerDispatcher()) {
                        response.finishAfterForward();
                        return new PrintWriter(Writer.nullWriter());
                    }
                    try {
                        return method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** @return whether the proxy's method was called by the container's dispatcher rather than the forward's target */
    private static boolean calledByContainerDispatcher() {
        return STACK.walk(frames -> frames.dropWhile(f -> !Proxy.isProxyClass(f.getDeclaringClass()))
                .skip(1)
                .findFirst()
                .map(f -> f.getClassName().equals(CONTAINER_DISPATCHER))
                .orElse(false));
    }
}
