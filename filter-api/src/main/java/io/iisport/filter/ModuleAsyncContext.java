package io.iisport.filter;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link AsyncContext} an async servlet gets: {@link #complete()} first runs the stages after the handler and
 * the final send, then completes the container's context.
 */
final class ModuleAsyncContext implements AsyncContext {
    private static final Logger LOG = LoggerFactory.getLogger(IisModuleFilter.class);

    private final AsyncContext delegate;
    private final RequestContext context;

    ModuleAsyncContext(AsyncContext delegate, RequestContext context) {
        this.delegate = delegate;
        this.context = context;
    }

    @Override
    public void complete() {
        try {
            Throwable failure = context.end();
            if (failure != null && LOG.isDebugEnabled()) {
                // complete() cannot throw it (a client gone during the final send, mostly): the container completes.
                LOG.debug("iisport: ending async request failed", failure);
            }
        } finally {
            delegate.complete();
        }
    }

    @Override
    public ServletRequest getRequest() {
        return delegate.getRequest();
    }

    @Override
    public ServletResponse getResponse() {
        return delegate.getResponse();
    }

    @Override
    public boolean hasOriginalRequestAndResponse() {
        return delegate.hasOriginalRequestAndResponse();
    }

    @Override
    public void dispatch() {
        delegate.dispatch();
    }

    @Override
    public void dispatch(String path) {
        delegate.dispatch(path);
    }

    @Override
    public void dispatch(ServletContext servletContext, String path) {
        delegate.dispatch(servletContext, path);
    }

    @Override
    public void start(Runnable run) {
        delegate.start(run);
    }

    @Override
    public void addListener(AsyncListener listener) {
        delegate.addListener(listener);
    }

    @Override
    public void addListener(AsyncListener listener, ServletRequest servletRequest, ServletResponse servletResponse) {
        delegate.addListener(listener, servletRequest, servletResponse);
    }

    @Override
    public <T extends AsyncListener> T createListener(Class<T> clazz) throws ServletException {
        return delegate.createListener(clazz);
    }

    @Override
    public void setTimeout(long timeout) {
        delegate.setTimeout(timeout);
    }

    @Override
    public long getTimeout() {
        return delegate.getTimeout();
    }
}
