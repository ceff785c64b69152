package io.iisport.filter;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.iisport.httpserv.EntityBodyTooLargeException;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The module's view of the request body: consumption, insertion, remaining bytes and the limit. */
class RequestBodyTest {
    private static HttpServletRequest request(String body, boolean chunked) throws IOException {
        HttpServletRequest request = mock(HttpServletRequest.class);
        ByteArrayInputStream bytes = new ByteArrayInputStream(body.getBytes(StandardCharsets.ISO_8859_1));
        when(request.getInputStream()).thenReturn(new ServletInputStream() {
            @Override
            public int read() {
                return bytes.read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return bytes.read(b, off, len);
            }

            @Override
            public boolean isFinished() {
                return bytes.available() == 0;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener readListener) {
            }
        });
        when(request.getContentLengthLong()).thenReturn(chunked ? -1L : body.length());
        when(request.getHeader("Transfer-Encoding")).thenReturn(chunked ? "chunked" : null);
        when(request.getProtocol()).thenReturn("HTTP/1.1");
        return request;
    }

    private static String readAllForModule(RequestBody body) {
        StringBuilder read = new StringBuilder();
        byte[] buffer = new byte[3];
        for (int n; (n = body.readForModule(buffer, 0, buffer.length)) > 0;) {
            read.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
        }
        return read.toString();
    }

    @Test
    void readBytesAreConsumedAndInsertedOnesComeFirst() throws IOException {
        RequestBody body = new RequestBody(request("abcdefgh", false), 100);
        byte[] buffer = new byte[4];
        assertThat(body.readForModule(buffer, 0, 4), is(4));
        assertThat(body.remaining(), is(4L));
        body.insert("XY".getBytes(StandardCharsets.ISO_8859_1), 0, 2);
        assertThat(body.remaining(), is(6L));
        assertThat(new String(body.input().readAllBytes(), StandardCharsets.ISO_8859_1), is("XYefgh"));
        assertThat(body.remaining(), is(0L));
    }

    @Test
    void aChunkedBodyHasUnknownRemainingBytesUntilItsEnd() throws IOException {
        RequestBody body = new RequestBody(request("hello", true), 100);
        assertThat(body.remaining(), is(Long.MAX_VALUE));
        assertThat(readAllForModule(body), is("hello"));
        assertThat(body.remaining(), is(0L));
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedOnTheFirstRead() throws IOException {
        RequestBody body = new RequestBody(request("0123456789", false), 9);
        EntityBodyTooLargeException e = assertThrows(EntityBodyTooLargeException.class,
                () -> body.readForModule(new byte[4], 0, 4));
        assertThat(e.getMessage(), containsString("requestBodyLimit of 9 bytes"));
        assertThat(e.getLimit(), is(9L));
        assertThat(body.refused(), is(true));
    }

    @Test
    void aChunkedBodyIsRefusedPastTheLimitAndAcceptedAtIt() throws IOException {
        RequestBody over = new RequestBody(request("0123456789", true), 9);
        assertThrows(EntityBodyTooLargeException.class, () -> readAllForModule(over));
        assertThat(over.refused(), is(true));
        RequestBody at = new RequestBody(request("012345678", true), 9);
        assertThat(readAllForModule(at), is("012345678"));
        assertThat(at.refused(), is(false));
    }

    @Test
    void insertedBytesAreBoundedByTheLimit() throws IOException {
        RequestBody body = new RequestBody(request("", false), 4);
        body.insert(new byte[3], 0, 3);
        assertThrows(EntityBodyTooLargeException.class, () -> body.insert(new byte[2], 0, 2));
    }
}
