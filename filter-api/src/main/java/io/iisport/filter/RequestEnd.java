package io.iisport.filter;

import io.iisport.httpserv.RequestNotificationStatus;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The end of one request, from the handler's return or failure on: the stages after the handler, the final send,
 * LOG_REQUEST and END_REQUEST (raised whatever fails before them), the modules' disposal and the release of the
 * request's resources. A module's PENDING may suspend it at any of those notifications; the completion goes on from
 * there ({@link #from}). It holds what the filter rethrows to the container: the handler's failure, or the final
 * send's. It starts once ({@link #end}), on whichever thread ends the request first, and so holds the request's
 * {@link RequestPhase}, which the run changes before the end ({@link #phase()}, {@link #changePhase}).
 */
final class RequestEnd {
    private static final System.Logger LOG = System.getLogger(RequestEnd.class.getName());
    private static final VarHandle PHASE = FieldHandles.of(MethodHandles.lookup(), "phase", RequestPhase.class);

    private final HttpServletRequest servletRequest;
    private final HttpServletResponse real;
    private final ModuleNotifier notifier;
    private final FilterResponse response;
    private final ModuleContext moduleContext;
    private final PendingCompletion pending;
    private final ModulePipeline pipeline;
    /**
     * The request's phase: {@code ENDED} once the end is through. Changed through {@link #PHASE}: a field rather than
     * an {@code AtomicReference}, one object fewer a request.
     */
    private volatile RequestPhase phase = RequestPhase.RUNNING;
    /** What the filter rethrows to the container: the handler's failure, or the failure of the final send. */
    private Throwable failure;

    RequestEnd(HttpServletRequest servletRequest, HttpServletResponse real, ModuleNotifier notifier,
            FilterResponse response, ModuleContext moduleContext, PendingCompletion pending, ModulePipeline pipeline) {
        this.servletRequest = servletRequest;
        this.real = real;
        this.notifier = notifier;
        this.response = response;
        this.moduleContext = moduleContext;
        this.pending = pending;
        this.pipeline = pipeline;
    }

    /** @return the request's phase now */
    RequestPhase phase() {
        return phase;
    }

    /** @return whether the phase was {@code from} and is now {@code to} (atomically) */
    boolean changePhase(RequestPhase from, RequestPhase to) {
        return PHASE.compareAndSet(this, from, to);
    }

    /**
     * The end, once: the post-handler stages, the final send, LOG_REQUEST and END_REQUEST (raised whatever fails
     * before them), and the modules' disposal. A module's PENDING may suspend it (the phase stays
     * {@code ENDING}): its completion goes on with the end ({@link #from}).
     *
     * @param handlerStarted whether the handler ran: the stages after it are raised only then
     * @return what the filter must rethrow: the handler's failure, or the failure of the final send; {@code null}
     *     (also when another thread ends the request, or the end is suspended)
     */
    Throwable end(boolean handlerStarted) {
        RequestPhase was;
        do {
            was = phase;
            if (was == RequestPhase.ENDING || was == RequestPhase.ENDED) {
                return null;
            }
        } while (!PHASE.compareAndSet(this, was, RequestPhase.ENDING));
        if (was == RequestPhase.HANDLER_DISPATCH) {
            LOG.log(Level.WARNING, "iisport: the handler of " + HttpSyntax.printable(servletRequest.getRequestURI())
                    + " ran without the module pipeline after RQ_NOTIFICATION_PENDING: map the filter with "
                    + "<dispatcher>ASYNC</dispatcher>");
        }
        if (!handlerStarted) {
            // The request ends before its handler ran (a module's PENDING, then the container ended it).
            pending.abandon();
        }
        from(Stage.Section.AFTER_HANDLER, -1, RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE, handlerStarted);
        return phase == RequestPhase.ENDED ? failure : null;
    }

    /** The handler threw {@code e}: the end sends no response of its own, and the filter rethrows it. */
    void handlerFailed(Throwable e) {
        failure = e;
    }

    /** @return what the filter must rethrow: the handler's failure, the final send's, or {@code null} */
    Throwable failure() {
        return failure;
    }

    /**
     * Logs {@code thrown}, a failure of the end on a thread that cannot rethrow it (mostly a client gone during the
     * final send: the container completes the request); nothing if it is {@code null}.
     */
    void log(Throwable thrown) {
        if (thrown != null) {
            LOG.log(Level.DEBUG, () -> "iisport: ending async request "
                    + HttpSyntax.printable(servletRequest.getRequestURI()) + " failed: " + thrown);
        }
    }

    /**
     * Throws {@code thrown}, what {@link #failure()} returned, as the filter's {@code doFilter} may throw it.
     *
     * @throws IOException, ServletException, RuntimeException or Error: {@code thrown}; nothing if it is {@code null}
     */
    static void rethrow(Throwable thrown) throws IOException, ServletException {
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

    /**
     * The end from the notification at {@code index} of {@code section}, which ended with {@code status}
     * ({@code -1}: from the section's start).
     *
     * @param handlerStarted whether the handler ran: the stages after it are raised only then
     * @return {@code false} if a module's PENDING suspended the request
     */
    boolean from(Stage.Section section, int index, RequestNotificationStatus status, boolean handlerStarted) {
        if (section == Stage.Section.AFTER_HANDLER) {
            boolean suspendedHere = false;
            try {
                if (failure == null && handlerStarted && !notifier.finishRequested()) {
                    suspendedHere = !notifier.raiseSectionAfter(section, index, status);
                }
                if (!suspendedHere) {
                    finalSend();
                }
            } finally {
                if (!suspendedHere) {
                    suspendedHere = !finalStages(-1, RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE, true);
                }
            }
            return !suspendedHere;
        }
        return finalStages(index, status, false);
    }

    /**
     * The final send: the filter's, or the container's for a response the handler wrote to itself (see
     * {@link DirectHandler}); after a failure, what the container answers it with.
     */
    private void finalSend() {
        if (response.containerSends()) {
            if (failure != null && !real.isCommitted()) {
                // The status the container answers with, for the modules' RQ_LOG_REQUEST.
                real.setStatus(ContainerRules.statusFor(failure));
            } else if (failure == null && pipeline.readsSentResponse) {
                // The code of a sendError whose page the container renders, which a later setStatus did not change
                // (Jetty counts such a response as committed: no check of that here).
                int status = pipeline.containerRules.pendingErrorStatus(servletRequest);
                if (status >= 0) {
                    real.setStatus(status);
                }
            }
        } else if (failure == null) {
            try {
                response.get().servlet().complete();
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.DEBUG, () -> "iisport: final send of "
                        + HttpSyntax.printable(servletRequest.getRequestURI()) + " failed: " + e);
                failure = e;
            }
        } else {
            afterFailure();
        }
    }

    /**
     * The handler failed: the container gets the output as it would have it without the filter (see {@link
     * IisResponse#sendAfterFailure}: after a flush, what the servlet wrote since), and the stages after the handler
     * (LOG_REQUEST) see the status the container answers with, if it had not committed its response. A module that
     * answered the error itself in RQ_SEND_RESPONSE, as IIS lets it, leaves nothing to rethrow: the handler's failure
     * is logged here instead.
     */
    private void afterFailure() {
        int status = ContainerRules.statusFor(failure);
        FilterResponse.Parts parts = response.ifBuilt();
        IisResponse.AfterFailure outcome;
        try {
            outcome = parts == null ? IisResponse.AfterFailure.CONTAINER_ANSWERS
                    : parts.servlet().sendAfterFailure(status);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "iisport: the handler of " + HttpSyntax.printable(servletRequest.getRequestURI())
                    + " failed, and giving its output to the container failed too: " + e);
            return;
        }
        if (outcome == IisResponse.AfterFailure.CONTAINER_ANSWERS && !real.isCommitted()) {
            real.setStatus(status);
        } else if (outcome == IisResponse.AfterFailure.MODULE_ANSWERED) {
            Throwable handled = failure;
            LOG.log(Level.WARNING, "iisport: the handler of " + HttpSyntax.printable(servletRequest.getRequestURI())
                    + " failed; a module's RQ_SEND_RESPONSE answered instead of the container's error page", handled);
            failure = null;
        }
    }

    /**
     * LOG_REQUEST and END_REQUEST after the notification at {@code index} ({@code -1}: from the start), then the
     * modules' disposal and the release of the request's resources.
     *
     * @param first the first entry: the connection learns that the request ended
     * @return {@code false} if a module's PENDING suspended the request
     */
    private boolean finalStages(int index, RequestNotificationStatus status, boolean first) {
        boolean suspendedHere = false;
        try {
            ConnectionControl connection = response.connectionIfBuilt();
            if (first && connection != null) {
                // (Not built: no module asked for a disconnect, none is pending.)
                connection.requestEnded(real);
            }
            suspendedHere = !notifier.raiseSectionAfter(Stage.Section.FINAL, index, status);
        } finally {
            if (!suspendedHere) {
                notifier.dispose();
                for (RuntimeException cleanup : moduleContext.releaseStoredContexts()) {
                    LOG.log(Level.ERROR, "iisport: a stored context's cleanupStoredContext() failed", cleanup);
                }
                FilterResponse.Parts parts = response.ifBuilt();
                if (parts != null) {
                    parts.output().release();
                }
                phase = RequestPhase.ENDED;
            }
        }
        if (!suspendedHere) {
            ConnectionControl connection = response.connectionIfBuilt();
            IOException abort = connection == null ? null : connection.endDegradedAbort(real);
            if (failure == null) {
                failure = abort;
            }
            // Before the container may recycle the request for another one: a module's later call does nothing (the
            // connection actions' too, built or not, see FilterResponse#requestEnded).
            response.requestEnded();
        }
        return !suspendedHere;
    }
}
