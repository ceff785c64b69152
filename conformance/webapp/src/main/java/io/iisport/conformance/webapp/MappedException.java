package io.iisport.conformance.webapp;

/** An exception web.xml maps to an error page by its type. */
public class MappedException extends RuntimeException {
    public MappedException(String message) {
        super(message);
    }
}
