package io.iisport.e2e;

import static io.iisport.e2e.Wire.exchange;
import static io.iisport.e2e.Wire.request;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpTester;

/**
 * The request-body inspector of the sample WAR ({@code /inspect/*}: ReadEntityBody of the whole body in
 * OnBeginRequest, then InsertEntityBody, or 403.501 for a body matching its pattern; {@code requestBodyLimit} 65536),
 * checked over raw sockets the same way on each container.
 */
final class RequestBodyInspection {
    static final int LIMIT = 65536;

    private RequestBodyInspection() {
    }

    private static String post(String path, String contentType, String body, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Content-Type: " + contentType;
        all[1] = "Content-Length: " + body.getBytes(StandardCharsets.ISO_8859_1).length;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return request("POST", path, all) + body;
    }

    /** A form passes; the servlet's getParameter sees the query's and the re-inserted body's parameters. */
    static void aFormPostPassesAndTheServletReadsItsParameters(int port) throws IOException {
        String body = "name=J%C3%B6rg&comment=hello+world&name=second";
        HttpTester.Response response = exchange(port, post("/inspect/form?from=query",
                "application/x-www-form-urlencoded", body));
        assertThat(response.getStatus(), is(200));
        assertThat(response.getContent(), is("Content-Length: " + body.length() + "\n"
                + "parameter from=[query]\n"
                + "parameter name=[Jörg, second]\n"
                + "parameter comment=[hello world]\n"));
    }

    /** A multipart upload passes; the servlet's getParts sees the re-inserted parts. */
    static void aMultipartUploadPassesAndTheServletSeesItsParts(int port) throws IOException {
        String boundary = "----iisportBoundary7MA4YWxk";
        String body = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"title\"\r\n\r\n"
                + "quarterly report\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"report.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\n"
                + "line one\nline two\r\n"
                + "--" + boundary + "--\r\n";
        HttpTester.Response response = exchange(port, post("/inspect/upload",
                "multipart/form-data; boundary=" + boundary, body));
        assertThat(response.getStatus(), is(200));
        assertThat(response.getContent(), is("Content-Length: " + body.length() + "\n"
                + "part title file=null size=16: quarterly report\n"
                + "part file file=report.txt size=17: line one\nline two\n"));
    }

    /** Any other body: getInputStream gives the very bytes the client sent. */
    static void aRawBodyReachesTheServletWhole(int port) throws IOException {
        String body = "x".repeat(20000) + "end";
        HttpTester.Response response = exchange(port, post("/inspect/raw", "text/plain", body));
        assertThat(response.getStatus(), is(200));
        assertThat(response.getContent(), is("Content-Length: 20003\nbody 20003 bytes: " + body + "\n"));
    }

    /** A body matching the pattern: 403 (sub-status 501), and the servlet never runs. */
    static void aMatchingBodyIsDenied(int port) throws IOException {
        HttpTester.Response response = exchange(port, post("/inspect/form", "application/x-www-form-urlencoded",
                "comment=<script>alert(1)</script>", "Connection: close"));
        assertThat(response.getStatus(), is(403));
        assertThat(response.getContent(), not(containsString("parameter")));
    }

    /** A Content-Length over the limit: 413 on the module's first read, the servlet never runs. */
    static void aDeclaredBodyOverTheLimitIsRefusedWith413(int port) throws IOException {
        HttpTester.Response response = exchange(port, post("/inspect/raw", "text/plain", "y".repeat(LIMIT + 1),
                "Connection: close"));
        assertThat(response.getStatus(), is(413));
        assertThat(response.getContent(), not(containsString(" bytes: ")));
    }

    /** A chunked body that grows over the limit: 413 once the module's reads pass it. */
    static void aChunkedBodyOverTheLimitIsRefusedWith413(int port) throws IOException {
        StringBuilder chunked = new StringBuilder();
        String chunk = "z".repeat(8192);
        for (int i = 0; i < LIMIT / chunk.length() + 1; i++) {
            chunked.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
        }
        chunked.append("0\r\n\r\n");
        HttpTester.Response response = exchange(port, request("POST", "/inspect/raw", "Content-Type: text/plain",
                "Transfer-Encoding: chunked", "Connection: close") + chunked);
        assertThat(response.getStatus(), is(413));
        assertThat(response.getContent(), not(containsString(" bytes: ")));
    }

    /** A chunked body of exactly the limit passes whole. */
    static void aChunkedBodyOfExactlyTheLimitPasses(int port) throws IOException {
        String chunk = "w".repeat(LIMIT);
        HttpTester.Response response = exchange(port, request("POST", "/inspect/raw", "Content-Type: text/plain",
                "Transfer-Encoding: chunked") + Integer.toHexString(LIMIT) + "\r\n" + chunk + "\r\n0\r\n\r\n");
        assertThat(response.getStatus(), is(200));
        assertThat(response.getContent(), is("Content-Length: -1\nbody " + LIMIT + " bytes: " + chunk + "\n"));
    }
}
