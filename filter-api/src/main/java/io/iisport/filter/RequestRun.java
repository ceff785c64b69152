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

/**
 * One request through the module pipeline: the stages before the handler, the servlet chain as the handler, and
 * the end (the stages after the handler, the final send, LOG_REQUEST and END_REQUEST), which runs exactly once,
 * on whichever thread ends the request.
 *
 * <pre>
 *                   PENDING before the handler ended
 *   RUNNING ----------------------------------------&gt; HANDLER_DISPATCH
 *   | | | ^ ^         its ASYNC dispatch                     |
 *   | | | | +------------------------------------------------+
 *   | | | |           an ASYNC dispatch of the servlet's
 *   | | | +----------------------------------------------+
 *   | | |   dispatch returned, async started             |
 *   | | +------------------------------------------&gt; ASYNC
 *   | |     complete() during the dispatch               |
 *   | +--------------------------&gt; COMPLETE_ASKED        | complete(), a listener's,
 *   |                                    |               | the container's completion
 *   |   dispatch returned, not async,    | dispatch      |
 *   |   or the handler failed            | returned      |
 *   +-----------------------------&gt; ENDING &lt;-------------+
 *                                      |
 *                                    ENDED
 * </pre>
 *
 * <p>In RUNNING a dispatch runs the handler: the request's own, the ASYNC dispatch that runs it after a PENDING, or an
 * ASYNC dispatch of the servlet's ({@link #redispatch}). A {@code complete()} of an async cycle started in that
 * dispatch, from within it or from another thread, takes effect once the dispatch returned (Servlet 6.0,
 * {@code AsyncContext.complete()}): so what the dispatch writes until then is sent.
 *
 * <p>A module's {@code RQ_NOTIFICATION_PENDING} suspends the request where the container allows it (see
 * {@link RequestSuspension}): the filter starts servlet async and returns; the completion continues the pipeline
 * from the suspended notification ({@link #continueFrom}) on a container thread, dispatches to the handler or ends
 * the request and completes it.
 */
final class RequestRun implements IisRequest.Run, ModuleAsyncContext.Ending, RequestSuspension.Owner,
        FilterResponse.SendResponse, ModuleNotifier.Failures {
    private static final System.Logger LOG = System.getLogger(RequestRun.class.getName());

    private final ModulePipeline pipeline;
    private final HttpServletResponse real;
    /** The filter's request; the container's, which the filter was given, is {@link IisRequest#given()}. */
    private final IisRequest request;
    /** The filter's objects for the response, built at the first need. */
    private final FilterResponse response;
    private final ModuleNotifier notifier;
    private final PendingCompletion pending;
    /** The request's async cycles, the servlet's and a PENDING's; made when the first starts. */
    private volatile AsyncCycles cycles;
    /** Where a module's PENDING suspends the request, and the thread that drives the pipeline. */
    private final RequestSuspension suspension;
    /** How the handler (the servlet chain) was called. */
    enum Handler {
        NOT_STARTED,
        /** With the filter's request and response. */
        WRAPPED,
        /** With the container's own request and response (see {@link DirectHandler}). */
        DIRECT
    }

    /** The end, which holds what the filter rethrows to the container. */
    private final RequestEnd requestEnd;
    private Handler handler = Handler.NOT_STARTED;
    /**
     * On the direct path, between {@link #start} and {@link #directHandlerReturned}: the request run the thread ran
     * before this one's handler (see DirectHandler).
     */
    private IisRequest.Run directOuter;

    RequestRun(ModulePipeline pipeline, Degradation degradation, HttpServletRequest servletRequest,
            HttpServletResponse real) {
        this.pipeline = pipeline;
        this.real = real;
        this.request = new IisRequest(servletRequest, this, pipeline.requestBodyLimit);
        // The request's parts call back into this run through interfaces it implements, not lambdas: each lambda
        // would be one more object a request.
        this.response = new FilterResponse(real, request, degradation, pipeline, this);
        this.suspension = new RequestSuspension(request, pipeline.pendingTimeout, pipeline.filtersAround, pipeline,
                this);
        this.pending = new PendingCompletion(suspension);
        ModuleContext moduleContext = new ModuleContext(request, response, pending);
        this.notifier = new ModuleNotifier(pipeline, moduleContext, pending, suspension, response, this);
        this.requestEnd = new RequestEnd(servletRequest, real, notifier, response, moduleContext, pending, pipeline);
    }

    /** The response is being sent: RQ_SEND_RESPONSE. */
    @Override
    public void raise(boolean headersBeingSent, boolean moreData) {
        notifier.raiseSendResponse(headersBeingSent, moreData);
    }

    /** @return whether the request failed with what the filter rethrows: no PENDING suspends it then */
    @Override
    public boolean failed() {
        return requestEnd.failure() != null;
    }

    @Override
    public void pendingTimedOut() {
        pending.timeOut();
    }

    @Override
    public void followSuspension(AsyncContext started) {
        cycles().follow(started);
    }

    @Override
    public boolean containerAnswersAnError() {
        return pipeline.containerRules.pendingErrorStatus(request.given()) >= 0
                || cycles != null && real.getStatus() >= HttpServletResponse.SC_BAD_REQUEST;
    }

    @Override
    public void finishOnWire() {
        // Built now if nothing needed them yet: the servlet wrote to the container's own response (see DirectHandler).
        response.get().output().finishOnWire();
    }

    /**
     * A module failed: a 500 the container renders (413 Content Too Large if it read a body over the
     * {@code requestBodyLimit}), or a reset once the response is committed.
     */
    @Override
    public void moduleFailed() {
        FilterResponse.Parts parts = response.get();
        if (parts.output().isCompleted()) {
            return;
        }
        if (real.isCommitted()) {
            parts.connection().reset(ConnectionBridge.CANCEL, false);
        } else {
            parts.servlet().failWith(request.bodyRefused() ? HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE
                    : HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
        }
    }

    @Override
    public ModulePipeline pipeline() {
        return pipeline;
    }

    @Override
    public IisResponse response() {
        return response.get().servlet();
    }

    @Override
    public IisResponse responseIfBuilt() {
        FilterResponse.Parts parts = response.ifBuilt();
        return parts == null ? null : parts.servlet();
    }

    @Override
    public boolean handlerStarted() {
        return handler != Handler.NOT_STARTED;
    }

    /**
     * Runs the stages before the handler and then, unless the servlet is to get the container's own request and
     * response ({@link DirectHandler}), the handler with the filter's objects and, unless the servlet went async or a
     * module's PENDING suspended the request, the end.
     *
     * <p>On the direct path the caller, {@link IisModuleFilter#doFilter}, calls the servlet chain itself, as any
     * filter calls it, then {@link #directHandlerFailed} with what the chain threw and {@link #directHandlerReturned}
     * in any case: no frame of the filter's lies between the filter and the servlet. The JIT inlines the servlet's code
     * into the filter's compiled code only down to a fixed depth ({@code MaxInlineLevel}) and within a budget of
     * inlined code, so each frame and each inlined part of the filter's own work around that call leaves the servlet
     * less, and a servlet whose string concatenation, lambdas or container calls no longer fit runs slower behind the
     * filter than without it.
     *
     * <p>The thread keeps driving the pipeline ({@link RequestSuspension#drive()}) while the servlet runs direct, where
     * the filter's handler stops driving it for its call ({@link RequestSuspension#handlerStarts()}): nothing can raise
     * a notification of this run on it meanwhile (no module is subscribed to one raised before the response is sent,
     * and the end follows the chain's return, here, or, for a servlet gone async, comes on the thread that completes
     * it), so there is no PENDING to keep from suspending the request, and the direct path spares the two atomic
     * instructions.
     *
     * @return whether the caller must now call the servlet chain with the container's own request and response
     */
    boolean start(FilterChain chain) throws IOException, ServletException {
        suspension.drive();
        boolean handedOff = false;
        boolean direct = false;
        try {
            notifier.raisePreBeginRequest();
            notifier.createModules();
            if (!notifier.raiseSection(Stage.Section.BEFORE_HANDLER, 0)) {
                handedOff = true;
            } else if (handlerMayRun()) {
                if (DirectHandler.allowed(pipeline, request, response)) {
                    handler = Handler.DIRECT;
                    response.handToContainer();
                    directOuter = DirectHandler.enter(this);
                    direct = true;
                } else {
                    handedOff = handle(chain);
                }
            }
        } finally {
            if (!direct) {
                endUnlessHandedOff(handedOff);
            }
        }
        return direct;
    }

    /** The servlet chain, called direct, threw {@code failure}: the request ends with the container's answer to it. */
    void directHandlerFailed(Throwable failure) {
        requestEnd.handlerFailed(failure);
    }

    /** The servlet chain, called direct, returned or threw: the end runs, unless the servlet went async. */
    void directHandlerReturned() throws IOException, ServletException {
        DirectHandler.exit(directOuter);
        boolean handedOff = false;
        try {
            handedOff = handlerWentAsync(request);
        } finally {
            endUnlessHandedOff(handedOff);
        }
    }

    /**
     * After this thread drove the pipeline: ends the request and rethrows what the filter must, unless the request
     * was handed off (a PENDING suspended it, or the servlet went async); the thread stops driving either way.
     */
    private void endUnlessHandedOff(boolean handedOff) throws IOException, ServletException {
        try {
            if (!handedOff) {
                endAndRethrow();
            }
        } finally {
            suspension.stopDriving();
        }
    }

    /**
     * Runs the handler with the filter's request and response (the direct call is the filter's, see {@link #start}):
     * the servlet chain, or, after a {@code SetUrl}, a forward to the servlet mapped to the new path.
     *
     * @return whether the servlet went async (the end runs when it completes)
     */
    private boolean handle(FilterChain chain) {
        handler = Handler.WRAPPED;
        Thread thread = suspension.handlerStarts();
        try {
            UrlRewrite rewrite = request.rewrite();
            if (rewrite == null) {
                chain.doFilter(request, response());
            } else {
                // SetUrl: the servlet mapped to the new path is the handler.
                request.getRequestDispatcher(rewrite.dispatchPath(request.getContextPath()))
                        .forward(request, response());
            }
        } catch (IOException | ServletException | RuntimeException | Error e) {
            requestEnd.handlerFailed(e);
        } finally {
            suspension.handlerReturned(thread);
        }
        return handlerWentAsync(request);
    }

    /**
     * After a dispatch that ran the handler returned (the request's, or an ASYNC one): whether the servlet went async,
     * in which case the request's phase is now ASYNC (unless another thread already ended it) and the end runs when
     * the servlet completes; otherwise the end follows now, on this thread, with what the dispatch wrote.
     *
     * @param dispatched the request of the dispatch, which tells whether async started
     */
    private boolean handlerWentAsync(ServletRequest dispatched) {
        // Read first: on almost every request the phase is RUNNING, and a compare-and-set that fails still costs an
        // atomic instruction. A completion asked after the read is caught below, once async started.
        if (requestEnd.phase() == RequestPhase.COMPLETE_ASKED
                && requestEnd.changePhase(RequestPhase.COMPLETE_ASKED, RequestPhase.RUNNING)) {
            // The servlet completed its async cycle during the dispatch: the end follows now, on this thread.
            return false;
        }
        boolean async = requestEnd.failure() == null && dispatched.isAsyncStarted();
        if (async && handler == Handler.DIRECT) {
            // The servlet's async cycle was started without the filter's request: its end is followed from here.
            async = DirectHandler.follow(request.given(), started -> cycles().follow(started));
        }
        if (async && !requestEnd.changePhase(RequestPhase.RUNNING, RequestPhase.ASYNC)
                && requestEnd.changePhase(RequestPhase.COMPLETE_ASKED, RequestPhase.RUNNING)) {
            // Completed on another thread meanwhile, while this dispatch still ran: the end follows now, here.
            return false;
        }
        if (async && pipeline.containerRules.mayAbandonRequestsAfterOnError()
                && dispatched.getDispatcherType() == DispatcherType.REQUEST) {
            DirectHandler.follow(request.given(), started -> cycles().watchAbandonment(started,
                    pipeline.containerRules));
        }
        // Else ASYNC, unless another thread already ended it.
        return async;
    }

    /**
     * @return whether the handler may run after the stages before it: not if a module finished the request, nor if a
     *     module caught the refusal of a body over the limit (the request is still refused, as a module's failure)
     */
    private boolean handlerMayRun() {
        if (notifier.finishRequested()) {
            return false;
        }
        if (request.bodyRefused()) {
            moduleFailed();
            return false;
        }
        return true;
    }

    /**
     * Continues the pipeline after the completion of the notification suspended at {@code at}, on the thread that
     * resumes the request (which drives the pipeline meanwhile).
     */
    @Override
    public void continueFrom(PendingCompletion.Cursor at, PendingCompletion.Completion completion) {
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
            LOG.log(Level.ERROR, "iisport: continuing " + HttpSyntax.printable(request.given().getRequestURI())
                    + " after " + at.describe() + " failed", e);
            completeSuspended();
        }
    }

    /** The stages before the handler ran after a PENDING: an ASYNC dispatch runs the handler, or the request ends. */
    private void dispatchHandlerOrEnd() {
        if (!handlerMayRun()) {
            end();
            if (requestEnd.phase() == RequestPhase.ENDED) {
                completeSuspended();
            }
        } else if (requestEnd.changePhase(RequestPhase.RUNNING, RequestPhase.HANDLER_DISPATCH)) {
            suspension.dispatchHandler();
        } else {
            // The container ended the request meanwhile.
            suspension.complete();
        }
    }

    /** Completes the async cycle a PENDING started, once the request ended; failures of the end are logged. */
    private void completeSuspended() {
        requestEnd.log(requestEnd.failure());
        suspension.complete();
    }

    /**
     * Continues an async dispatch the filter is mapped for: the handler after a PENDING before it, else the chain
     * runs with the filter's request (re-pointed to the request the container dispatched) and response, then the end
     * if the servlet is done. The request is RUNNING meanwhile, as in the request's own dispatch: a {@code complete()}
     * of a cycle the servlet starts again takes effect once this dispatch returned.
     */
    void redispatch(FilterChain chain, ServletRequest req, ServletResponse res) throws IOException, ServletException {
        if (requestEnd.changePhase(RequestPhase.HANDLER_DISPATCH, RequestPhase.RUNNING)) {
            request.setRequest(req);
            // The servlet sees the request as it would without the PENDING.
            request.reportDispatcherType(DispatcherType.REQUEST);
            suspension.drive();
            boolean handedOff = false;
            try {
                handedOff = handlerMayRun() && handle(chain);
            } finally {
                endUnlessHandedOff(handedOff);
            }
            return;
        }
        request.reportDispatcherType(null);
        ServletRequest chainRequest = req;
        ServletResponse chainResponse = res;
        if (handler != Handler.DIRECT && IisRequest.runningFor(req, pipeline) == null) {
            // The container's own objects (the servlet started async without wrappers of its own).
            request.setRequest(req);
            chainRequest = request;
            chainResponse = response();
        }
        // A dispatch runs the handler again: a complete() of the cycle it starts takes effect once it returned.
        requestEnd.changePhase(RequestPhase.ASYNC, RequestPhase.RUNNING);
        FilterResponse.Parts parts = response.ifBuilt();
        if (parts != null) {
            // The filter sees this dispatch: what it writes is buffered again, as before the dispatch.
            parts.output().resumeAfterDispatch();
        }
        try {
            if (handler == Handler.DIRECT) {
                IisRequest.Run outer = DirectHandler.enter(this);
                try {
                    chain.doFilter(chainRequest, chainResponse);
                } finally {
                    DirectHandler.exit(outer);
                }
            } else {
                chain.doFilter(chainRequest, chainResponse);
            }
        } catch (IOException | ServletException | RuntimeException | Error e) {
            requestEnd.handlerFailed(e);
        }
        if (!handlerWentAsync(req)) {
            endAndRethrow();
        }
    }

    /** Ends the request on this thread, which drives the pipeline meanwhile, and rethrows what the filter must. */
    private void endAndRethrow() throws IOException, ServletException {
        boolean driving = suspension.driving();
        if (!driving) {
            suspension.drive();
        }
        Throwable thrown;
        try {
            thrown = end();
        } finally {
            if (!driving) {
                suspension.stopDriving();
            }
        }
        RequestEnd.rethrow(thrown);
    }

    /** @return the request's async cycles, made at the first (on the thread that starts it) */
    private AsyncCycles cycles() {
        AsyncCycles current = cycles;
        if (current == null) {
            current = new AsyncCycles(this, end -> suspension.containerEnds(pending, end), request.given(),
                    pipeline.runningAttribute, this);
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
            response().handOver();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "iisport: handing the buffered output of "
                    + HttpSyntax.printable(request.given().getRequestURI()) + " to the container failed: " + e);
        }
    }

    @Override
    public void endLogged() {
        requestEnd.log(end());
    }

    @Override
    public boolean completeAsked(AsyncContext container) {
        if (requestEnd.changePhase(RequestPhase.RUNNING, RequestPhase.COMPLETE_ASKED)) {
            // The end follows once the dispatch that started the async cycle returned.
            return true;
        }
        if (requestEnd.phase() != RequestPhase.ASYNC) {
            // The request already ends (on another thread, which may drive the pipeline).
            endLogged();
            return true;
        }
        // The dispatch returned: the end runs here, and a PENDING in it keeps the servlet's cycle open.
        return !suspension.endOnServletCycle(container, this::endLogged);
    }

    @Override
    public void containerAbandons(Throwable thrown) {
        if (requestEnd.phase() != RequestPhase.ASYNC) {
            return;
        }
        // The final send gives the container the output as it would have it (it sends none of it), and LOG_REQUEST
        // reads the container's status for the error. The container logged the error: nothing to rethrow or log here.
        requestEnd.handlerFailed(thrown != null ? thrown
                : new IllegalStateException("the container abandoned the request after an error"));
        end();
    }

    /** The end, once (see {@link RequestEnd#end}); what the filter must rethrow, or {@code null}. */
    private Throwable end() {
        return requestEnd.end(handlerStarted());
    }
}
