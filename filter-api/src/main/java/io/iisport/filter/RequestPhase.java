package io.iisport.filter;

/**
 * Where a request is (see {@link RequestRun}'s diagram); the only state the request's threads share besides the
 * connection's, changed by compare-and-set.
 */
enum RequestPhase {
    RUNNING,
    /** The stages before the handler ended after a PENDING: the handler runs in the ASYNC dispatch asked for. */
    HANDLER_DISPATCH,
    ASYNC,
    ENDING,
    ENDED
}
