package io.iisport.filter;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;

/**
 * The {@link AsyncContext} an async servlet gets: {@link #complete()} first runs the stages after the handler and
 * the final send (after the dispatch that started the cycle returned, if it still runs), then completes the
 * container's context (once a module pending in LOG_REQUEST or END_REQUEST completed, see
 * {@code RequestSuspension#endOnServletCycle}); a dispatch first hands what is buffered to the container
 * (its target may be a path the filter is not mapped for); listeners get events carrying this context, so a listener
 * that completes the request through {@code event.getAsyncContext()} ends the pipeline the same way.
 */
final class ModuleAsyncContext implements AsyncContext {
    /** What the context needs of the pipeline run: its end, and the hand-over before a dispatch. */
    interface Ending {
        /** Ends the request (once, whoever calls first); a failure is logged, not thrown. */
        void endLogged();

        /**
         * The servlet called {@link #complete()}: ends the request, or, while the dispatch that started the async
         * cycle still runs, once it returned (Servlet 6.0, {@code AsyncContext.complete()}).
         *
         * @param container the container's context of the cycle
         * @return whether the caller completes {@code container} now; {@code false}: a module's PENDING in the end
         *     holds the cycle, completed once the module completes
         */
        boolean completeAsked(AsyncContext container);

        /** An async dispatch is about to happen: what is buffered goes to the container. */
        void beforeDispatch();

        /**
         * The container abandons the request after its error {@code thrown} (see {@link
         * ContainerRules#abandonsRequestAfterOnError}): the request ends now, as after a failure of the handler, unless
         * it already ends or a dispatch runs it.
         */
        void containerAbandons(Throwable thrown);
    }

    private final AsyncContext delegate;
    private final Ending context;
    private final ServletRequest request;
    private final ServletResponse response;

    /**
     * @param request what {@link #getRequest()} returns: the request the servlet started async with
     * @param response what {@link #getResponse()} returns
     */
    ModuleAsyncContext(AsyncContext delegate, Ending context, ServletRequest request,
            ServletResponse response) {
        this.delegate = delegate;
        this.context = context;
        this.request = request;
        this.response = response;
    }

    /** @return whether this wraps the container's {@code asyncContext} */
    boolean wraps(AsyncContext asyncContext) {
        return delegate == asyncContext;
    }

    @Override
    public void complete() {
        boolean completeNow = true;
        try {
            completeNow = context.completeAsked(delegate);
        } finally {
            if (completeNow) {
                delegate.complete();
            }
        }
    }

    @Override
    public ServletRequest getRequest() {
        return request;
    }

    @Override
    public ServletResponse getResponse() {
        return response;
    }

    @Override
    public boolean hasOriginalRequestAndResponse() {
        return delegate.hasOriginalRequestAndResponse();
    }

    @Override
    public void dispatch() {
        context.beforeDispatch();
        delegate.dispatch();
    }

    @Override
    public void dispatch(String path) {
        context.beforeDispatch();
        delegate.dispatch(path);
    }

    @Override
    public void dispatch(ServletContext servletContext, String path) {
        context.beforeDispatch();
        delegate.dispatch(servletContext, path);
    }

    @Override
    public void start(Runnable run) {
        delegate.start(run);
    }

    @Override
    public void addListener(AsyncListener listener) {
        delegate.addListener(new Listener(listener));
    }

    @Override
    public void addListener(AsyncListener listener, ServletRequest servletRequest, ServletResponse servletResponse) {
        delegate.addListener(new Listener(listener), servletRequest, servletResponse);
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

    /** The servlet's listener, told of events that carry this context instead of the container's. */
    private final class Listener implements AsyncListener {
        private final AsyncListener listener;

        Listener(AsyncListener listener) {
            this.listener = listener;
        }

        private AsyncEvent ours(AsyncEvent event) {
            return new AsyncEvent(ModuleAsyncContext.this, event.getSuppliedRequest(), event.getSuppliedResponse(),
                    event.getThrowable());
        }

        @Override
        public void onComplete(AsyncEvent event) throws IOException {
            listener.onComplete(ours(event));
        }

        @Override
        public void onTimeout(AsyncEvent event) throws IOException {
            listener.onTimeout(ours(event));
        }

        @Override
        public void onError(AsyncEvent event) throws IOException {
            listener.onError(ours(event));
        }

        @Override
        public void onStartAsync(AsyncEvent event) throws IOException {
            listener.onStartAsync(ours(event));
        }
    }
}
