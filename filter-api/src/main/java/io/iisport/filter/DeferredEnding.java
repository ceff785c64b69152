package io.iisport.filter;

/**
 * How a buffered response ends when the servlet asked for an ending the container carries out: the servlet's
 * {@code sendError} or {@code sendRedirect}, or its failure, is held until the final send, so that
 * {@code RQ_SEND_RESPONSE} modules still see (and may replace) the response, and the container's own error pages and
 * redirect rules still apply.
 */
sealed interface DeferredEnding {
    /**
     * {@code sendError(status, message)}: the container renders its error page (web.xml {@code <error-page>}
     * mappings included).
     *
     * @param message the servlet's message, or {@code null} for the module's error description
     */
    record SendError(String message) implements DeferredEnding {
    }

    /** {@code sendRedirect(location)}: the container resolves the location and writes its redirect body. */
    record SendRedirect(String location) implements DeferredEnding {
    }

    /**
     * The handler threw before its response was committed: {@code RQ_SEND_RESPONSE} modules see the error response
     * (the status the container will answer with), the body goes into the container's buffer unsent, and the filter
     * rethrows, so that the container answers as without the filter (its error page, an {@code <error-page>} for the
     * exception, or Tomcat's 500 with that body where none is mapped). A module that writes a body or sets a status
     * in {@code RQ_SEND_RESPONSE} takes over: its response is sent, and nothing is rethrown.
     */
    record HandlerFailed() implements DeferredEnding {
    }

    /**
     * A Servlet 6.1 redirect with its own status or body: status and {@code Location} are set, the body is sent as
     * buffered, and the servlet already sees the response as committed.
     */
    record AsIs() implements DeferredEnding {
    }
}
