package io.iisport.filter;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The output engine against a container response that records what reaches it: states, sends and memory. */
class ResponseOutputTest {
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final List<String> sends = new ArrayList<>();
    private HttpServletResponse real;
    private boolean committed;

    @BeforeEach
    void setUp() throws IOException {
        real = mock(HttpServletResponse.class);
        when(real.isCommitted()).thenAnswer(i -> committed);
        when(real.getOutputStream()).thenReturn(new ServletOutputStream() {
            @Override
            public void write(int b) {
                committed = true;
                received.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                committed = true;
                received.write(b, off, len);
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
            }
        });
    }

    private ResponseOutput output(BodyBuffer body, int limit, boolean sendResponseModules) {
        HttpServletRequest request = mock(HttpServletRequest.class);
        when(request.getProtocol()).thenReturn("HTTP/1.1");
        return new ResponseOutput(request, real, body, new ResponseMetadata(),
                new ConnectionControl(request, new Degradation("test")), limit,
                sendResponseModules ? (headers, more) -> sends.add(headers + "/" + more) : null);
    }

    /** Whatever the servlet writes, the buffer's memory stays within max(limit, 8 KiB) and every byte arrives. */
    @ParameterizedTest(name = "limit {0}, SEND_RESPONSE modules: {1}")
    @CsvSource({"16384, true", "16384, false", "1, true", "300000, true", "4194304, false"})
    void theBufferNeverHoldsMoreThanTheLimitWhateverIsWritten(int limit, boolean sendResponseModules)
            throws IOException {
        BodyBuffer body = new BodyBuffer(new ChunkPool(4));
        ResponseOutput output = output(body, limit, sendResponseModules);
        long bound = Math.max(limit, 8192);
        long written = 0;
        byte[] small = new byte[1000];
        for (int i = 0; i < 2000; i++) {
            output.write(small, 0, small.length);
            written += small.length;
            assertThat(body.capacity(), lessThanOrEqualTo(bound));
        }
        byte[] large = new byte[5 * 1024 * 1024];
        output.write(large, 0, large.length);
        written += large.length;
        assertThat(body.capacity(), lessThanOrEqualTo(bound));
        output.complete();
        assertThat((long) received.size(), is(written));
        if (sendResponseModules) {
            assertThat(sends.get(0), is("true/true"));
            assertThat(sends.get(sends.size() - 1), is("false/false"));
        }
    }
}
