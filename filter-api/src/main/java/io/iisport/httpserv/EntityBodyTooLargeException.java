package io.iisport.httpserv;

/**
 * A module read (or inserted) more of a request's entity body than the filter's {@code requestBodyLimit}; the request
 * is refused with {@code 413 Content Too Large} (RFC 9110 §15.5.14). Where IIS's request filtering refuses a body over
 * {@code maxAllowedContentLength} with a 413.
 */
public class EntityBodyTooLargeException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** The limit, in bytes. */
    private final long limit;

    /**
     * @param message what went over the limit
     * @param limit the filter's {@code requestBodyLimit}, in bytes
     */
    public EntityBodyTooLargeException(String message, long limit) {
        super(message);
        this.limit = limit;
    }

    /**
     * @return the filter's {@code requestBodyLimit}, in bytes
     */
    public long getLimit() {
        return limit;
    }
}
