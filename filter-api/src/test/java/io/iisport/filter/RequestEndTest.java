package io.iisport.filter;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import jakarta.servlet.ServletException;
import java.io.IOException;
import org.apache.coyote.BadRequestException;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.eclipse.jetty.http.BadMessageException;
import org.junit.jupiter.api.Test;

/** The status the stages after a failed handler see: the one the container answers the failure with. */
class RequestEndTest {
    @Test
    void jettysHttpExceptionsGiveTheirCodeWhereverTheyAreInTheCauses() {
        assertThat(RequestEnd.statusFor(new BadMessageException(400, "bad query")), is(400));
        assertThat(RequestEnd.statusFor(new ServletException(new RuntimeException(new BadMessageException(431)))),
                is(431));
    }

    @Test
    void tomcatsExceptionsGiveTheirStatusWhereTomcatLooksForThem() {
        assertThat(RequestEnd.statusFor(new InvalidParameterException("bad query", 400)), is(400));
        assertThat(RequestEnd.statusFor(new ServletException(new InvalidParameterException("too many", 413))),
                is(413));
        assertThat(RequestEnd.statusFor(new BadRequestException("bad body")), is(400));
        // Tomcat's StandardWrapperValve looks no deeper: these are 500s there.
        assertThat(RequestEnd.statusFor(new ServletException(new BadRequestException("bad body"))), is(500));
        assertThat(RequestEnd.statusFor(new ServletException(new RuntimeException(
                new InvalidParameterException("bad query", 400)))), is(500));
    }

    @Test
    void anythingElseIsA500() {
        assertThat(RequestEnd.statusFor(new IOException("client gone")), is(500));
        assertThat(RequestEnd.statusFor(new IllegalStateException("servlet bug")), is(500));
        assertThat(RequestEnd.statusFor(new InvalidParameterException("not an error code", 200)), is(500));
    }
}
