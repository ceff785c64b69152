package io.iisport.filter;

/**
 * Where a request is (see {@link RequestRun}'s diagram); the only state the request's threads share besides the
 * connection's, changed by compare-and-set.
 */
enum RequestPhase {
    /**
     * A dispatch runs the handler, or the stages before it: the request's own, or an ASYNC one (after a PENDING, or
     * the servlet's {@code AsyncContext.dispatch()}).
     */
    RUNNING,
    /**
     * The servlet completed its async cycle ({@code AsyncContext.complete()}) while the dispatch that started it (the
     * request's own, or an ASYNC one) still runs: as the Servlet spec defers such a completion until that dispatch
     * returned to the container, the end follows the handler's return, so that what the servlet writes until then is
     * sent.
     */
    COMPLETE_ASKED,
    /** The stages before the handler ended after a PENDING: the handler runs in the ASYNC dispatch asked for. */
    HANDLER_DISPATCH,
    /** The servlet is in async processing and no dispatch of it runs: a completion ends the request at once. */
    ASYNC,
    ENDING,
    ENDED
}
