package io.iisport.spring.boot;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import io.iisport.spring.boot.etag.EtagApplication;
import java.net.Socket;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Spring's {@code ShallowEtagHeaderFilter} around the module filter, whose module returns PENDING at BEGIN_REQUEST, with
 * {@code filters-around=ignore}: the PENDING frees the request's thread, the controller runs in the ASYNC dispatch that
 * follows the completion, and Spring's filter gets its response wrapper back there (it fails with a 500 otherwise),
 * so the response carries the ETag of the whole body and a conditional request gets its 304. Each subclass runs it on
 * one embedded server (see the surefire executions of the pom).
 */
@SpringBootTest(classes = EtagApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"server.address=127.0.0.1", "spring.config.name=etag-filter-around",
                "iisport.filters.pending.modules=Pending=io.iisport.spring.boot.etag.PendingAtBeginModule",
                "iisport.filters.pending.filters-around=ignore"})
abstract class EtagFilterAroundTestBase {
    private static final String HELLO = "/etag/hello";

    @LocalServerPort
    int port;

    private String exchange(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            SeedApplicationTestBase.send(socket, request);
            return SeedApplicationTestBase.readToEnd(socket.getInputStream());
        }
    }

    @Test
    void theEtagFilterAroundSeesTheWholeBodyAfterAPendingThatFreedTheThread() throws Exception {
        String response = exchange("GET " + HELLO + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(response, startsWith("HTTP/1.1 200 "));
        assertThat(response, endsWith("\r\n\r\n" + EtagApplication.BODY));
        Matcher etag = Pattern.compile("(?i)\r\nETag: *(\"[^\"]+\")\r\n").matcher(response);
        assertThat("an ETag in " + response, etag.find(), is(true));
        String conditional = exchange("GET " + HELLO + " HTTP/1.1\r\nHost: localhost\r\nIf-None-Match: "
                + etag.group(1) + "\r\nConnection: close\r\n\r\n");
        assertThat(conditional, startsWith("HTTP/1.1 304 "));
    }
}
