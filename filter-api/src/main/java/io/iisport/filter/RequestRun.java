package io.iisport.filter;

import io.iisport.httpserv.RequestNotificationStatus;
import io.iisport.spi.ConnectionBridge;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
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
 *      |  ^                                      |
 *      |  +-- HANDLER_DISPATCH (after a PENDING) |
 *      +--chain returned / failed--+   +--complete(), listener, container completion--+
 *                                  v   v
 *                                  ENDING --&gt; ENDED
 * </pre>
 *
 * A module's {@code RQ_NOTIFICATION_PENDING} suspends the request where the container allows it (see
 * {@link #suspend(Stage)}): the filter starts servlet async and returns; the completion continues the pipeline from
 * the suspended notification (see {@link PendingCompletion.Cursor}) on a container thread, dispatches to the
 * handler or ends the request and completes it.
 */
final class RequestRun implements IisRequest.Run, ModuleAsyncContext.Ending, ModuleNotifier.Suspension {
    private static final System.Logger LOG = System.getLogger(RequestRun.class.getName());

    /** Where the request is; the only state the request's threads share besides the connection's. */
    enum Phase {
        RUNNING,
        /** The stages before the handler ended after a PENDING: the handler runs in the ASYNC dispatch asked for. */
        HANDLER_DISPATCH,
        ASYNC,
        ENDING,
        ENDED
    }

    private final ModulePipeline pipeline;
    private final HttpServletRequest servletRequest;
    private final HttpServletResponse real;
    private final ConnectionControl connection;
    private final IisRequest request;
    private final ResponseOutput output;
    private final IisResponse response;
    private final ModuleNotifier notifier;
    private final PendingCompletion pending;
    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.RUNNING);
    /** The container's {@code AsyncContext} a module's PENDING suspended the request with, until resumed. */
    private volatile AsyncContext suspended;
    /** The request's async cycles, the servlet's and a PENDING's; made when the first starts. */
    private volatile AsyncCycles cycles;
    /**
     * The thread running the pipeline where a PENDING may suspend it: the filter's, or the one continuing it after
     * a completion; {@code null} while the handler runs or the servlet's async processing goes on.
     */
    private final AtomicReference<Thread> driver = new AtomicReference<>();
    /** How the handler (the servlet chain) was called. */
    enum Handler {
        NOT_STARTED,
        /** With the filter's request and response. */
        WRAPPED,
        /**
         * With the container's own request and response: no module is subscribed to a notification after the
         * handler started, and the modules changed nothing the filter's objects would carry (see {@link #handle}).
         */
        DIRECT
    }

    /**
     * The run whose handler runs {@link Handler#DIRECT} on this thread: a forward or include it makes reaches the
     * filter with the container's request, which does not lead back to the run as the filter's request does.
     */
    private static final ThreadLocal<RequestRun> DIRECT_HANDLER = new ThreadLocal<>();

    /** The end, which holds what the filter rethrows to the container. */
    private final RequestEnd requestEnd;
    private Handler handler = Handler.NOT_STARTED;
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
        this.pending = new PendingCompletion(this::resume);
        this.moduleContext = new ModuleContext(request, modules, pending);
        this.notifier = new ModuleNotifier(pipeline, moduleContext, pending, this, connection, this::moduleFailed);
        this.requestEnd = new RequestEnd(servletRequest, real, notifier, response, output, connection, moduleContext,
                phase);
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
        return handler != Handler.NOT_STARTED;
    }

    /**
     * Runs the stages before the handler, the handler, and, unless the servlet went async or a module's PENDING
     * suspended the request, the end.
     */
    void run(FilterChain chain) throws IOException, ServletException {
        Thread thread = Thread.currentThread();
        driver.set(thread);
        boolean handedOff = false;
        try {
            preBeginRequest();
            notifier.createModules();
            handedOff = !notifier.raiseSection(Stage.Section.BEFORE_HANDLER, 0) || handle(chain, true);
        } finally {
            try {
                if (!handedOff) {
                    endAndRethrow();
                }
            } finally {
                driver.compareAndSet(thread, null);
            }
        }
    }

    /**
     * The stages before the handler are done: the handler runs, unless a module finished the request. It gets the
     * container's own request and response ({@link Handler#DIRECT}) when nothing after this could use the filter's:
     * no module is subscribed to a notification raised once the handler started, the modules left the request and
     * response as the container has them, and the handler runs in the request's own dispatch (not after a PENDING);
     * then the servlet runs exactly as without the filter, and only the end (disposal) follows it. Otherwise it gets
     * the filter's, which buffer the response for the modules.
     *
     * @param requestDispatch whether the handler runs in the dispatch that brought the request to the filter
     * @return whether the servlet went async (the end runs when it completes)
     */
    private boolean handle(FilterChain chain, boolean requestDispatch) {
        if (notifier.finishRequested()) {
            return false;
        }
        if (request.body().refused()) {
            // A module caught the refusal of a body over the limit: the request is still refused.
            moduleFailed();
            return false;
        }
        handler = requestDispatch && !pipeline.observesHandler && request.asTheContainerHasIt()
                && response.untouched() && connection.leavesResponseAlone() && !real.isCommitted()
                ? Handler.DIRECT : Handler.WRAPPED;
        Thread thread = driver.getAndSet(null);
        try {
            UrlRewrite rewrite = request.rewrite();
            if (handler == Handler.DIRECT) {
                output.handToContainer();
                runDirect(chain, servletRequest, real);
            } else if (rewrite == null) {
                chain.doFilter(request, response);
            } else {
                // SetUrl: the servlet mapped to the new path is the handler.
                request.getRequestDispatcher(rewrite.dispatchPath(request.getContextPath()))
                        .forward(request, response);
            }
        } catch (IOException | ServletException | RuntimeException | Error e) {
            requestEnd.handlerFailed(e);
        } finally {
            driver.compareAndSet(null, thread);
        }
        boolean async = requestEnd.failure() == null && request.isAsyncStarted();
        if (async && handler == Handler.DIRECT) {
            try {
                // Within the dispatch that started async, so the listener sees the completion even if another
                // thread completed already.
                cycles().follow(servletRequest.getAsyncContext());
            } catch (IllegalStateException e) {
                async = false;
            }
        }
        if (async) {
            // Unless another thread already ended it.
            phase.compareAndSet(Phase.RUNNING, Phase.ASYNC);
        }
        return async;
    }

    /**
     * Decides whether a module's PENDING suspends the request: only on the thread driving the pipeline (the filter's
     * before or after the handler, or the one continuing after a completion), not for SEND_RESPONSE (raised in a
     * write or flush), not after a failure the filter must rethrow, and only if the container lets the filter start
     * async (the request is async-supported and not already in async processing). Then async is started with the
     * request the filter was given, as the container would for it, so that the handler's dispatch targets the
     * request's URI with its parameters once.
     */
    @Override
    public boolean suspend(Stage stage) {
        if (stage == Stage.SEND_RESPONSE) {
            return false;
        }
        if (stage == Stage.LOG_REQUEST || stage == Stage.END_REQUEST) {
            // IIS sends the response before RQ_LOG_REQUEST: the client has it while the module completes.
            output.finishOnWire();
        }
        if (driver.get() != Thread.currentThread() || requestEnd.failure() != null) {
            return false;
        }
        if (suspended != null) {
            // Continuing after a completion: the request is still suspended.
            return true;
        }
        ServletRequest given = request.getRequest();
        if (!given.isAsyncSupported() || given.isAsyncStarted()) {
            return false;
        }
        AsyncContext started = given.startAsync();
        cycles().follow(started);
        suspended = started;
        return true;
    }

    /**
     * A suspended notification was completed (or timed out): the pipeline goes on from it, on a container thread
     * ({@code AsyncContext.start}) so that the module's thread returns at once and the modules and the servlet keep
     * the web application's context; a timeout goes on on the container's timeout thread, which must end the request
     * itself.
     */
    private void resume(PendingCompletion.Cursor at, PendingCompletion.Completion completion) {
        Runnable continuation = () -> continueFrom(at, completion);
        if (completion instanceof PendingCompletion.Completion.TimedOut) {
            continuation.run();
            return;
        }
        try {
            suspended.start(continuation);
        } catch (IllegalStateException e) {
            // The container ended the async cycle already (a client gone): go on here.
            continuation.run();
        }
    }

    /** Continues the pipeline after the completion of the notification suspended at {@code at}. */
    private void continueFrom(PendingCompletion.Cursor at, PendingCompletion.Completion completion) {
        Thread thread = Thread.currentThread();
        driver.set(thread);
        try {
            Stage.Section section = Stage.Section.of(at.stage(), at.post());
            RequestNotificationStatus status = notifier.resume(at, section.guaranteed, completion);
            int index = section.indexOf(at.stage(), at.post());
            if (section == Stage.Section.BEFORE_HANDLER) {
                if (notifier.raiseSectionAfter(section, index, status)) {
                    dispatchHandlerOrEnd();
                }
            } else if (requestEnd.from(section, index, status, handlerStarted())) {
                completeSuspended();
            }
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "iisport: continuing " + HttpSyntax.printable(servletRequest.getRequestURI())
                    + " after " + at.describe() + " failed", e);
            completeSuspended();
        } finally {
            driver.compareAndSet(thread, null);
        }
    }

    /** The stages before the handler ran after a PENDING: an ASYNC dispatch runs the handler, or the request ends. */
    private void dispatchHandlerOrEnd() {
        if (notifier.finishRequested() || request.body().refused()) {
            if (!notifier.finishRequested()) {
                moduleFailed();
            }
            end();
            if (phase.get() == Phase.ENDED) {
                completeSuspended();
            }
            return;
        }
        AsyncContext context = suspended;
        suspended = null;
        if (phase.compareAndSet(Phase.RUNNING, Phase.HANDLER_DISPATCH)) {
            context.dispatch();
        } else {
            // The container ended the request meanwhile.
            context.complete();
        }
    }

    /** Completes the async cycle a PENDING started, once the request ended; failures of the end are logged. */
    private void completeSuspended() {
        AsyncContext context = suspended;
        suspended = null;
        logEndFailure(requestEnd.failure());
        if (context != null) {
            context.complete();
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
     * Continues an async dispatch the filter is mapped for: the handler after a PENDING before it, else the chain
     * runs with the filter's request (re-pointed to the request the container dispatched) and response, then the end
     * if the servlet is done.
     */
    void redispatch(FilterChain chain, ServletRequest req, ServletResponse res) throws IOException, ServletException {
        if (phase.compareAndSet(Phase.HANDLER_DISPATCH, Phase.RUNNING)) {
            if (req != request.getRequest()) {
                request.setRequest(req);
            }
            // The servlet sees the request as it would without the PENDING.
            request.reportDispatcherType(DispatcherType.REQUEST);
            Thread thread = Thread.currentThread();
            driver.set(thread);
            boolean handedOff = false;
            try {
                handedOff = handle(chain, false);
            } finally {
                try {
                    if (!handedOff) {
                        endAndRethrow();
                    }
                } finally {
                    driver.compareAndSet(thread, null);
                }
            }
            return;
        }
        request.reportDispatcherType(null);
        ServletRequest chainRequest = req;
        ServletResponse chainResponse = res;
        if (handler != Handler.DIRECT && IisRequest.runningFor(req, pipeline) == null) {
            // The container's own objects (the servlet started async without wrappers of its own).
            if (req != request.getRequest()) {
                request.setRequest(req);
            }
            chainRequest = request;
            chainResponse = response;
        }
        try {
            if (handler == Handler.DIRECT) {
                runDirect(chain, chainRequest, chainResponse);
            } else {
                chain.doFilter(chainRequest, chainResponse);
            }
        } catch (IOException | ServletException | RuntimeException | Error e) {
            requestEnd.handlerFailed(e);
        }
        if (requestEnd.failure() != null || !req.isAsyncStarted()) {
            endAndRethrow();
        }
    }

    private void runDirect(FilterChain chain, ServletRequest req, ServletResponse res)
            throws IOException, ServletException {
        RequestRun outer = DIRECT_HANDLER.get();
        DIRECT_HANDLER.set(this);
        try {
            chain.doFilter(req, res);
        } finally {
            if (outer == null) {
                DIRECT_HANDLER.remove();
            } else {
                DIRECT_HANDLER.set(outer);
            }
        }
    }

    /**
     * Finds the run of {@code pipeline} a dispatch belongs to when the container's request does not lead back to it:
     * an async dispatch (the request carries the run once async started), or a forward or include made by a handler
     * run {@link Handler#DIRECT} on this thread.
     *
     * @return the run, or {@code null} for a request this pipeline does not run for
     */
    static RequestRun dispatchedFrom(ServletRequest request, DispatcherType type, ModulePipeline pipeline) {
        if (type == DispatcherType.ASYNC) {
            return request.getAttribute(pipeline.runningAttribute) instanceof RequestRun started ? started : null;
        }
        if (type == DispatcherType.FORWARD || type == DispatcherType.INCLUDE) {
            RequestRun direct = DIRECT_HANDLER.get();
            return direct != null && direct.pipeline == pipeline ? direct : null;
        }
        return null;
    }

    private void endAndRethrow() throws IOException, ServletException {
        Thread thread = Thread.currentThread();
        boolean driving = driver.get() == thread;
        if (!driving) {
            driver.set(thread);
        }
        Throwable thrown;
        try {
            thrown = end();
        } finally {
            if (!driving) {
                driver.compareAndSet(thread, null);
            }
        }
        if (thrown instanceof IOException e) {
            throw e;
        }
        if (thrown instanceof ServletException e) {
            throw e;
        }
        if (thrown instanceof RuntimeException e) {
            throw e;
        }
        if (thrown instanceof Error e) {
            throw e;
        }
    }

    /** @return the request's async cycles, made at the first (on the thread that starts it) */
    private AsyncCycles cycles() {
        AsyncCycles current = cycles;
        if (current == null) {
            current = new AsyncCycles(this, pending::timeOut, servletRequest, pipeline.runningAttribute, this);
            cycles = current;
        }
        return current;
    }

    @Override
    public AsyncContext asyncStarted(AsyncContext asyncContext, ServletRequest req, ServletResponse res) {
        return cycles().started(asyncContext, req, res);
    }

    @Override
    public AsyncContext asyncContext(AsyncContext asyncContext) {
        AsyncCycles current = cycles;
        return current == null ? asyncContext : current.servletView(asyncContext);
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
        logEndFailure(end());
    }

    private void logEndFailure(Throwable thrown) {
        if (thrown != null) {
            // Mostly a client gone during the final send: the container completes the request.
            LOG.log(Level.DEBUG, () -> "iisport: ending async request "
                    + HttpSyntax.printable(servletRequest.getRequestURI()) + " failed: " + thrown);
        }
    }

    /**
     * The end, once: the post-handler stages, the final send, LOG_REQUEST and END_REQUEST (raised whatever fails
     * before them), and the modules' disposal. A module's PENDING may suspend it (the phase stays
     * {@code ENDING}): its completion goes on with the end.
     *
     * @return what the filter must rethrow: the handler's failure, or the failure of the final send; {@code null}
     *     (also when another thread ends the request, or the end is suspended)
     */
    Throwable end() {
        Phase was;
        do {
            was = phase.get();
            if (was == Phase.ENDING || was == Phase.ENDED) {
                return null;
            }
        } while (!phase.compareAndSet(was, Phase.ENDING));
        if (was == Phase.HANDLER_DISPATCH) {
            LOG.log(Level.WARNING, "iisport: the handler of " + HttpSyntax.printable(servletRequest.getRequestURI())
                    + " ran without the module pipeline after RQ_NOTIFICATION_PENDING: map the filter with "
                    + "<dispatcher>ASYNC</dispatcher>");
        }
        if (!handlerStarted()) {
            // The request ends before its handler ran (a module's PENDING, then the container ended it).
            pending.abandon();
        }
        requestEnd.from(Stage.Section.AFTER_HANDLER, -1, RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE,
                handlerStarted());
        return phase.get() == Phase.ENDED ? requestEnd.failure() : null;
    }
}
