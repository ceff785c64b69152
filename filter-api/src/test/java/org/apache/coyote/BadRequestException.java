package org.apache.coyote;

import java.io.IOException;

/**
 * A stand-in with the name and shape of Tomcat's exception for a bad request body (Tomcat is not on this module's
 * test class path), for {@code io.iisport.filter.ContainerRulesTest}.
 */
public class BadRequestException extends IOException {
    public BadRequestException(String message) {
        super(message);
    }
}
