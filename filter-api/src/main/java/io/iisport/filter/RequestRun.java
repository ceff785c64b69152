package io.iisport.filter;

import io.iisport.spi.ConnectionBridge;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One request through the module pipeline: the stages before the handler, the servlet chain as the handler, and
 * the end (the stages after the handler, the final send, LOG_REQUEST and END_REQUEST), which runs exactly once,
 * on whichever thread ends the request.
 *
 * <pre>
 *   RUNNING --chain returned, async started--&gt; ASYNC
 *      |                                        |
 *      +--chain returned / failed--+   +--complete(), listener, container completion--+
 *                                  v   v
 *                                  ENDING --&gt; ENDED
 * </pre>
 */
final class RequestRun implements IisRequest.Run, ModuleAsyncContext.Ending {
    private static final System.Logger LOG = System.getLogger(RequestRun.class.getName());

    /** Where the request is; the only state the request's threads share besides the connection's. */
    enum Phase { RUNNING, ASYNC, ENDING, ENDED }

    private final ModulePipeline pipeline;
    private final HttpServletRequest servletRequest;
    private final HttpServletResponse real;
    private final ConnectionControl connection;
    private final IisRequest request;
    private final ResponseOutput output;
    private final IisResponse response;
    private final ModuleNotifier notifier;
    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.RUNNING);
    /** The servlet's current {@code AsyncContext}, once it started async. */
    private volatile ModuleAsyncContext async;
    private Throwable handlerFailure;
    private boolean handlerStarted;
    private final ModuleContext moduleContext;

    RequestRun(ModulePipeline pipeline, Degradation degradation, HttpServletRequest servletRequest,
            HttpServletResponse real) {
        this.pipeline = pipeline;
        this.servletRequest = servletRequest;
        this.real = real;
        this.connection = new ConnectionControl(servletRequest, degradation);
        this.request = new IisRequest(servletRequest, this, pipeline.requestBodyLimit);
        ResponseMetadata metadata = new ResponseMetadata();
        boolean sendResponseModules = pipeline.order(Stage.SEND_RESPONSE, false).length > 0;
        this.output = new ResponseOutput(servletRequest, real, new BodyBuffer(ChunkPool.SHARED), metadata, connection,
                pipeline.responseBufferLimit,
                sendResponseModules ? this::raiseSendResponse : null);
        ModuleResponse modules = new ModuleResponse(real, request, output, metadata, connection,
                this::keepWriterCharset);
        this.response = new IisResponse(real, output, metadata, servletRequest.getServletContext(), modules);
        PendingCompletion pending = new PendingCompletion();
        this.moduleContext = new ModuleContext(request, modules, pending);
        this.notifier = new ModuleNotifier(pipeline, moduleContext, pending, connection, this::moduleFailed);
    }

    private void raiseSendResponse(boolean headersBeingSent, boolean moreData) {
        notifier.raiseSendResponse(headersBeingSent, moreData);
    }

    private void keepWriterCharset() {
        response.keepWriterCharset();
    }

    /**
     * A module failed: a 500 the container renders (413 Content Too Large if it read a body over the
     * {@code requestBodyLimit}), or a reset once the response is committed.
     */
    private void moduleFailed() {
        if (output.isCompleted()) {
            return;
        }
        if (real.isCommitted()) {
            connection.reset(ConnectionBridge.CANCEL, false);
        } else {
            response.failWith(request.body().refused() ? HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE
                    : HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
        }
    }

    @Override
    public ModulePipeline pipeline() {
        return pipeline;
    }

    @Override
    public IisResponse response() {
        return response;
    }

    @Override
    public boolean handlerStarted() {
        return handlerStarted;
    }

    /** Runs the stages before the handler, the handler, and, unless the servlet went async, the end. */
    void run(FilterChain chain) throws IOException, ServletException {
        boolean async = false;
        try {
            preBeginRequest();
            notifier.createModules();
            for (Stage stage : Stage.BEFORE_HANDLER) {
                if (notifier.finishRequested()) {
                    break;
                }
                notifier.raise(stage, false);
            }
            if (!notifier.finishRequested()) {
                notifier.raiseNotification(Stage.EXECUTE_REQUEST_HANDLER, false, false);
            }
            if (!notifier.finishRequested() && request.body().refused()) {
                // A module caught the refusal of a body over the limit: the request is still refused.
                moduleFailed();
            } else if (!notifier.finishRequested()) {
                handlerStarted = true;
                try {
                    UrlRewrite rewrite = request.rewrite();
                    if (rewrite == null) {
                        chain.doFilter(request, response);
                    } else {
                        // SetUrl: the servlet mapped to the new path is the handler.
                        request.getRequestDispatcher(rewrite.dispatchPath(request.getContextPath()))
                                .forward(request, response);
                    }
                } catch (IOException | ServletException | RuntimeException | Error e) {
                    handlerFailure = e;
                }
                async = handlerFailure == null && request.isAsyncStarted();
                if (async) {
                    // Unless another thread already ended it.
                    phase.compareAndSet(Phase.RUNNING, Phase.ASYNC);
                }
            }
        } finally {
            if (!async) {
                endAndRethrow();
            }
        }
    }

    /**
     * {@code GL_PRE_BEGIN_REQUEST}: a global module that handled the request, or failed (a 500), finishes it before
     * {@code RQ_BEGIN_REQUEST}, as {@code RQ_NOTIFICATION_FINISH_REQUEST} does.
     */
    private void preBeginRequest() {
        if (!pipeline.globals.hasPreBeginRequest()) {
            return;
        }
        GlobalModules.Outcome outcome = pipeline.globals.preBeginRequest(moduleContext);
        if (outcome == GlobalModules.Outcome.FAILED) {
            moduleFailed();
        }
        if (outcome != GlobalModules.Outcome.CONTINUE) {
            notifier.finishRequest();
        }
    }

    /**
     * Continues an async dispatch the filter is mapped for: the chain runs with the filter's request (re-pointed to
     * the request the container dispatched) and response, then the end if the servlet is done.
     */
    void redispatch(FilterChain chain, ServletRequest req, ServletResponse res) throws IOException, ServletException {
        ServletRequest chainRequest = req;
        ServletResponse chainResponse = res;
        if (IisRequest.runningFor(req, pipeline) == null) {
            // The container's own objects (the servlet started async without wrappers of its own).
            if (req != request.getRequest()) {
                request.setRequest(req);
            }
            chainRequest = request;
            chainResponse = response;
        }
        try {
            chain.doFilter(chainRequest, chainResponse);
        } catch (IOException | ServletException | RuntimeException | Error e) {
            handlerFailure = e;
        }
        if (handlerFailure != null || !req.isAsyncStarted()) {
            endAndRethrow();
        }
    }

    private void endAndRethrow() throws IOException, ServletException {
        Throwable failure = end();
        if (failure instanceof IOException e) {
            throw e;
        }
        if (failure instanceof ServletException e) {
            throw e;
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
    }

    @Override
    public AsyncContext asyncStarted(AsyncContext asyncContext, ServletRequest req, ServletResponse res) {
        ModuleAsyncContext current = async;
        if (current != null && current.wraps(asyncContext) && current.getRequest() == req
                && current.getResponse() == res) {
            return current;
        }
        if (current == null) {
            // From now on the container may end the request without the filter on the stack (a listener's
            // complete(), a dispatch to a path the filter is not mapped for, a timeout).
            asyncContext.addListener(new AsyncListener() {
                @Override
                public void onComplete(AsyncEvent event) {
                    endLogged();
                }

                @Override
                public void onTimeout(AsyncEvent event) {
                }

                @Override
                public void onError(AsyncEvent event) {
                }

                @Override
                public void onStartAsync(AsyncEvent event) {
                    event.getAsyncContext().addListener(this);
                }
            });
            servletRequest.setAttribute(pipeline.runningAttribute, this);
        }
        ModuleAsyncContext started = new ModuleAsyncContext(asyncContext, this, req, res);
        async = started;
        return started;
    }

    @Override
    public AsyncContext asyncContext(AsyncContext asyncContext) {
        ModuleAsyncContext current = async;
        return current != null && current.wraps(asyncContext) ? current : asyncContext;
    }

    @Override
    public void beforeDispatch() {
        try {
            response.handOver();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "iisport: handing the buffered output of "
                    + HttpSyntax.printable(servletRequest.getRequestURI()) + " to the container failed: " + e);
        }
    }

    @Override
    public void endLogged() {
        Throwable failure = end();
        if (failure != null) {
            // Mostly a client gone during the final send: the container completes the request.
            LOG.log(Level.DEBUG, () -> "iisport: ending async request "
                    + HttpSyntax.printable(servletRequest.getRequestURI()) + " failed: " + failure);
        }
    }

    /**
     * The end, once: the post-handler stages, the final send, LOG_REQUEST and END_REQUEST (raised whatever fails
     * before them), and the modules' disposal.
     *
     * @return what the filter must rethrow: the handler's failure, or the failure of the final send; {@code null}
     */
    Throwable end() {
        Phase was;
        do {
            was = phase.get();
            if (was == Phase.ENDING || was == Phase.ENDED) {
                return null;
            }
        } while (!phase.compareAndSet(was, Phase.ENDING));
        Throwable failure = handlerFailure;
        try {
            if (failure == null && !notifier.finishRequested()) {
                notifier.raiseNotification(Stage.EXECUTE_REQUEST_HANDLER, true, false);
                for (Stage stage : Stage.AFTER_HANDLER) {
                    if (notifier.finishRequested()) {
                        break;
                    }
                    notifier.raise(stage, false);
                }
            }
            if (failure == null) {
                try {
                    response.complete();
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.DEBUG, () -> "iisport: final send of "
                            + HttpSyntax.printable(servletRequest.getRequestURI()) + " failed: " + e);
                    failure = e;
                }
            } else if (!real.isCommitted()) {
                real.setStatus(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
            }
        } finally {
            try {
                connection.requestEnded(real);
                for (Stage stage : Stage.FINAL) {
                    notifier.raise(stage, true);
                }
            } finally {
                notifier.dispose();
                for (RuntimeException cleanup : moduleContext.releaseStoredContexts()) {
                    LOG.log(Level.ERROR, "iisport: a stored context's cleanupStoredContext() failed", cleanup);
                }
                output.release();
                phase.set(Phase.ENDED);
            }
        }
        if (connection.isAbortDegraded() && !endDegradedAbort() && failure == null) {
            failure = new IOException("iisport: the response was committed when the connection reset was asked, and "
                    + "the container has no iisport extension: the response is aborted");
        }
        return failure;
    }

    /**
     * Ends a request whose reset or close the container could not do: an empty 500 with {@code Connection: close}.
     *
     * @return {@code false} if the response was already committed (the caller aborts it)
     */
    private boolean endDegradedAbort() {
        if (real.isCommitted()) {
            return false;
        }
        real.reset();
        real.setStatus(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
        real.setHeader("Connection", "close");
        real.setContentLength(0);
        return true;
    }
}
