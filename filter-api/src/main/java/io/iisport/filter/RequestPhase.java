package io.iisport.filter;

/**
 * Where a request is (see {@link RequestRun}'s diagram); the only state the request's threads share besides the
 * connection's, changed by compare-and-set.
 */
enum RequestPhase {
    RUNNING,
    /**
     * The servlet completed its async cycle ({@code AsyncContext.complete()}) while the dispatch that started it still
     * runs: as the Servlet spec defers such a completion until that dispatch returned to the container, the end
     * follows the handler's return, so that what the servlet writes until then is sent.
     */
    COMPLETE_ASKED,
    /** The stages before the handler ended after a PENDING: the handler runs in the ASYNC dispatch asked for. */
    HANDLER_DISPATCH,
    ASYNC,
    ENDING,
    ENDED
}
