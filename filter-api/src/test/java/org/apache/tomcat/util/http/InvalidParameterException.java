package org.apache.tomcat.util.http;

/**
 * A stand-in with the name and shape of Tomcat 11's exception for a malformed request parameter (Tomcat is not on
 * this module's test class path), for {@code io.iisport.filter.ContainerRulesTest}.
 */
public class InvalidParameterException extends IllegalStateException {
    private final int errorCode;

    public InvalidParameterException(String message, int errorCode) {
        super(message);
        this.errorCode = errorCode;
    }

    public int getErrorCode() {
        return errorCode;
    }
}
