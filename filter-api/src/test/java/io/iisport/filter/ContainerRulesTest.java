package io.iisport.filter;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import jakarta.servlet.ServletException;
import java.io.IOException;
import org.apache.coyote.BadRequestException;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.eclipse.jetty.http.BadMessageException;
import org.junit.jupiter.api.Test;

/**
 * Where each container commits as the servlet writes, against what bare Jetty 12.1 and Tomcat 10.1/11 were measured
 * to do (the conformance catalogue's {@code commit.points.*} cases check the default buffers on the wire; these also
 * cover a buffer size the servlet set, which on Tomcat would outlive the request in its pooled response).
 */
class ContainerRulesTest {
    /** @return the total bytes at the first write that commits, writing {@code size} bytes at a time */
    private static long firstCommit(ContainerRules rules, int size, boolean writer, int bufferSize, boolean set) {
        long written = 0;
        for (int i = 0; i < 1_000_000; i++) {
            if (rules.commitsAt(size, written, writer, bufferSize, set)) {
                return written + size;
            }
            written += size;
        }
        throw new AssertionError("never committed");
    }

    @Test
    void jetty() {
        ContainerRules jetty = ContainerRules.JETTY;
        // One stream write over the aggregation size (a quarter of the 32 KiB buffer) commits.
        assertThat(jetty.commitsAt(8192, 0, false, 32768, false), is(false));
        assertThat(jetty.commitsAt(8193, 0, false, 32768, false), is(true));
        // The writer writes in pieces of at most 1024 characters: only a full buffer commits.
        assertThat(jetty.commitsAt(32767, 0, true, 32768, false), is(false));
        assertThat(jetty.commitsAt(32768, 0, true, 32768, false), is(true));
        assertThat(firstCommit(jetty, 1, false, 32768, false), is(32768L));
        assertThat(firstCommit(jetty, 1000, false, 32768, false), is(33000L));
        assertThat(firstCommit(jetty, 5000, false, 32768, false), is(35000L));
        assertThat(firstCommit(jetty, 1000, true, 32768, false), is(33000L));
        // setBufferSize(B): the aggregation size becomes B.
        assertThat(jetty.commitsAt(16383, 0, false, 16384, true), is(false));
        assertThat(jetty.commitsAt(16384, 0, false, 16384, true), is(true));
        assertThat(firstCommit(jetty, 1000, false, 16384, true), is(17000L));
        assertThat(firstCommit(jetty, 1000, true, 65536, true), is(66000L));
        // A buffer of 1024 is pooled as 4096; a write of the whole buffer size goes out at once.
        assertThat(firstCommit(jetty, 1, false, 1024, true), is(4096L));
        assertThat(firstCommit(jetty, 1000, false, 1024, true), is(5000L));
        assertThat(jetty.commitsAt(1023, 0, false, 1024, true), is(false));
        assertThat(jetty.commitsAt(1024, 0, false, 1024, true), is(true));
        assertThat(jetty.commitsAt(1024, 0, true, 1024, true), is(true));
        assertThat(jetty.commitsAt(24000, 0, true, 1024, true), is(true));
    }

    @Test
    void tomcat() {
        ContainerRules tomcat = ContainerRules.TOMCAT;
        assertThat(tomcat.commitsAt(8192, 0, false, 8192, false), is(false));
        assertThat(tomcat.commitsAt(8193, 0, false, 8192, false), is(true));
        assertThat(firstCommit(tomcat, 1000, false, 8192, false), is(9000L));
        // The writer fills an 8192-char buffer before the byte buffer.
        assertThat(tomcat.commitsAt(16384, 0, true, 8192, false), is(false));
        assertThat(tomcat.commitsAt(16385, 0, true, 8192, false), is(true));
        assertThat(firstCommit(tomcat, 1000, true, 8192, false), is(17000L));
        // A grown buffer (Tomcat only grows it).
        assertThat(firstCommit(tomcat, 1, false, 65536, true), is(65537L));
        assertThat(firstCommit(tomcat, 1, true, 16384, true), is(24577L));
        assertThat(firstCommit(tomcat, 1, true, 65536, true), is(73729L));
    }

    // The status the stages after a failed handler see: the one the container answers the failure with.

    @Test
    void jettysHttpExceptionsGiveTheirCodeWhereverTheyAreInTheCauses() {
        assertThat(ContainerRules.statusFor(new BadMessageException(400, "bad query")), is(400));
        assertThat(ContainerRules.statusFor(new ServletException(new RuntimeException(new BadMessageException(431)))),
                is(431));
    }

    @Test
    void tomcatsExceptionsGiveTheirStatusWhereTomcatLooksForThem() {
        assertThat(ContainerRules.statusFor(new InvalidParameterException("bad query", 400)), is(400));
        assertThat(ContainerRules.statusFor(new ServletException(new InvalidParameterException("too many", 413))),
                is(413));
        assertThat(ContainerRules.statusFor(new BadRequestException("bad body")), is(400));
        // Tomcat's StandardWrapperValve looks no deeper: these are 500s there.
        assertThat(ContainerRules.statusFor(new ServletException(new BadRequestException("bad body"))), is(500));
        assertThat(ContainerRules.statusFor(new ServletException(new RuntimeException(
                new InvalidParameterException("bad query", 400)))), is(500));
    }

    @Test
    void anythingElseIsA500() {
        assertThat(ContainerRules.statusFor(new IOException("client gone")), is(500));
        assertThat(ContainerRules.statusFor(new IllegalStateException("servlet bug")), is(500));
        assertThat(ContainerRules.statusFor(new InvalidParameterException("not an error code", 200)), is(500));
    }
}
