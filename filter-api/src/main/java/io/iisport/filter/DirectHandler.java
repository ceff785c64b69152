package io.iisport.filter;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletRequest;
import java.util.function.Consumer;

/**
 * The handler called with the container's own request and response (a request run's {@code Handler.DIRECT}): what IIS
 * gives for free — a notification no module subscribed to costs nothing — applied to the response path. When no
 * module is subscribed to a notification raised once the handler started and before the response is sent (the stages
 * after the handler, {@code RQ_SEND_RESPONSE}), nothing can change the servlet's output through the pipeline before
 * the client gets it, so the filter does not buffer it: if the modules also left the request and response as the
 * container has them, the servlet runs exactly as without the filter, and only the end follows it —
 * {@code RQ_LOG_REQUEST} and {@code RQ_END_REQUEST}, whose modules read the response as the container has it (status,
 * headers) and change nothing of it, as in IIS once the response was sent, then the modules' disposal and the stored
 * contexts' cleanup. Request filtering, IP restriction, authorization, URL rewrite and logging modules that changed
 * nothing for this request have that shape.
 *
 * <p>Whatever a module did before the handler that the servlet must see through the filter's objects keeps them: a
 * request header or server variable written as a header, {@code SetUrl}, a body read or inserted, a status, error
 * details or trailer set, an entity chunk written, buffering disabled, a flush, a reset or close, a disconnect the
 * container's extension cannot carry out itself, or one asked on an upgrade request (settled when the filter commits
 * the response, see {@link ConnectionControl}). A handler after a PENDING (an ASYNC dispatch that must look like the
 * request's own) keeps them too.
 */
final class DirectHandler {
    /**
     * The run whose handler runs direct on this thread: a forward or include it makes reaches the filter with the
     * container's request, which does not lead back to the run as the filter's request does.
     */
    private static final ThreadLocal<IisRequest.Run> CALLING = new ThreadLocal<>();

    private DirectHandler() {
    }

    /**
     * Whether the handler may get the container's own request and response (see the class comment). A response
     * something before the filter already committed needs no check of its own: the servlet then writes to it exactly
     * as without the filter, which is what the direct call gives (and asking costs a lock in Jetty).
     *
     * @return whether the handler may get the container's own request and response
     */
    static boolean allowed(ModulePipeline pipeline, IisRequest request, FilterResponse response) {
        ConnectionControl connection = response.connectionIfBuilt();
        return !pipeline.editsHandlerOutput && request.asTheContainerHasIt() && response.untouched()
                && (connection == null || connection.leavesResponseAlone());
    }

    /**
     * The handler of {@code run} is about to be called with the container's objects on this thread (the caller calls
     * the chain itself, then {@link #exit}: no frame of this class stands between the filter and the servlet).
     *
     * @return the run whose handler this thread was calling direct before, for {@link #exit}
     */
    static IisRequest.Run enter(IisRequest.Run run) {
        IisRequest.Run outer = CALLING.get();
        CALLING.set(run);
        return outer;
    }

    /** The handler returned: {@code outer}, what {@link #enter} returned, is again the one called direct here. */
    static void exit(IisRequest.Run outer) {
        // set, not remove(): removing clears a weak reference, which costs more than the whole call.
        CALLING.set(outer);
    }

    /**
     * Follows an async cycle the servlet started on the container's request, from within the dispatch that started
     * it, so that a completion another thread already asked for still reaches {@code follower} when it takes effect.
     *
     * @return whether the request is in async processing; {@code false} if the cycle already ended
     */
    static boolean follow(ServletRequest request, Consumer<AsyncContext> follower) {
        try {
            follower.accept(request.getAsyncContext());
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /**
     * Finds the run of {@code pipeline} a dispatch belongs to when the container's request does not lead back to it:
     * an async dispatch (the request carries the run once async started), or a forward or include made by a handler
     * called direct on this thread.
     *
     * @return the run, or {@code null} for a request this pipeline does not run for
     */
    static IisRequest.Run dispatchedFrom(ServletRequest request, DispatcherType type, ModulePipeline pipeline) {
        if (type == DispatcherType.ASYNC) {
            return request.getAttribute(pipeline.runningAttribute) instanceof IisRequest.Run started ? started : null;
        }
        if (type == DispatcherType.FORWARD || type == DispatcherType.INCLUDE) {
            IisRequest.Run direct = CALLING.get();
            return direct != null && direct.pipeline() == pipeline ? direct : null;
        }
        return null;
    }
}
