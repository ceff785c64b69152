package io.iisport.filter;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.util.function.Consumer;

/**
 * A request's async cycles, from the first one (the servlet's {@code startAsync}, or a module's
 * {@code RQ_NOTIFICATION_PENDING}): the filter's {@link ModuleAsyncContext} the servlet gets around the container's,
 * and the one {@link AsyncListener}, re-added on each new cycle, through which the container tells the request's
 * end when it completes the request without the filter on the stack (a listener's {@code complete()}, a dispatch to
 * a path the filter is not mapped for, a timeout), and how the container ends a suspension's cycle (its timeout, an
 * error such as the client gone, a completion not the suspension's). Where the container may abandon a request after
 * an error, a second listener watches the cycle the request's own dispatch started ({@link #watchAbandonment}).
 */
final class AsyncCycles implements AsyncListener {
    private final ModuleAsyncContext.Ending ending;
    private final Consumer<RequestSuspension.CycleEnd> containerEnds;
    private final ServletRequest containerRequest;
    private final String runningAttribute;
    private final Object run;
    /** The servlet's current {@code AsyncContext}, once it started async. */
    private volatile ModuleAsyncContext current;
    private boolean following;

    /**
     * @param ending ends the request when the container completes it
     * @param containerEnds takes the container's end of a cycle, on the thread running the listeners: a suspended
     *     notification times out, or after an error its completion is awaited there
     * @param containerRequest the request the container passed to the filter: it carries {@code run} under
     *     {@code runningAttribute} from the first cycle on, for the async dispatches that do not pass the filter's
     *     request
     */
    AsyncCycles(ModuleAsyncContext.Ending ending, Consumer<RequestSuspension.CycleEnd> containerEnds,
            ServletRequest containerRequest, String runningAttribute, Object run) {
        this.ending = ending;
        this.containerEnds = containerEnds;
        this.containerRequest = containerRequest;
        this.runningAttribute = runningAttribute;
        this.run = run;
    }

    /** Follows the request's cycles from {@code asyncContext}'s on (once; later calls do nothing). */
    void follow(AsyncContext asyncContext) {
        if (!following) {
            following = true;
            asyncContext.addListener(this);
            containerRequest.setAttribute(runningAttribute, run);
        }
    }

    /**
     * Watches the cycle {@code asyncContext} that the request's own dispatch, now returning, started, after the
     * listeners that dispatch added: where the container abandons the request once they return from {@code onError}
     * (see {@link ContainerRules#abandonsRequestAfterOnError}), the request ends there. Added at the dispatch's end so
     * that it runs after them: a listener that completed the cycle leaves the end to {@code onComplete} (through the
     * filter's context: the request already ended; the container's own: the end comes first, and {@code onComplete}
     * finds it done), one that dispatched it leaves the end to the dispatch.
     */
    void watchAbandonment(AsyncContext asyncContext, ContainerRules rules) {
        asyncContext.addListener(new AsyncListener() {
            @Override
            public void onError(AsyncEvent event) {
                if (rules.abandonsRequestAfterOnError() && !dispatched(event.getAsyncContext())) {
                    ending.containerAbandons(event.getThrowable());
                }
            }

            @Override
            public void onComplete(AsyncEvent event) {
            }

            @Override
            public void onTimeout(AsyncEvent event) {
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
            }
        });
    }

    /** @return whether {@code dispatch()} was called on the container's {@code asyncContext}: it has no request then */
    private static boolean dispatched(AsyncContext asyncContext) {
        try {
            asyncContext.getRequest();
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    /**
     * The servlet started async with the container's {@code asyncContext}.
     *
     * @return the context the servlet gets: the filter's around the container's, the same one for the same objects
     */
    AsyncContext started(AsyncContext asyncContext, ServletRequest request, ServletResponse response) {
        ModuleAsyncContext servlets = current;
        if (servlets != null && servlets.wraps(asyncContext) && servlets.getRequest() == request
                && servlets.getResponse() == response) {
            return servlets;
        }
        follow(asyncContext);
        ModuleAsyncContext started = new ModuleAsyncContext(asyncContext, ending, request, response);
        current = started;
        return started;
    }

    /** @return the filter's context around the container's {@code asyncContext}, or that one */
    AsyncContext servletView(AsyncContext asyncContext) {
        ModuleAsyncContext servlets = current;
        return servlets != null && servlets.wraps(asyncContext) ? servlets : asyncContext;
    }

    /**
     * The cycle completed: the request ends, if it has not. Completed under a suspended notification (an application's
     * {@code complete()} through a context kept from an earlier cycle), the request is kept until that notification
     * completes, and the end goes on from it here (see {@link RequestSuspension.CycleEnd#COMPLETE}).
     */
    @Override
    public void onComplete(AsyncEvent event) {
        containerEnds.accept(RequestSuspension.CycleEnd.COMPLETE);
        ending.endLogged();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        containerEnds.accept(RequestSuspension.CycleEnd.TIMEOUT);
    }

    /**
     * An error of the cycle, mostly the client gone: returning without completing would let the container end the
     * cycle and recycle the request under a suspended notification (see {@link RequestSuspension}), so a suspension's
     * completion is awaited here; otherwise nothing (the servlet's own listeners decide).
     */
    @Override
    public void onError(AsyncEvent event) {
        containerEnds.accept(RequestSuspension.CycleEnd.ERROR);
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        event.getAsyncContext().addListener(this);
    }
}
