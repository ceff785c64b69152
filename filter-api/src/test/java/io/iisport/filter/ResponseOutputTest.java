package io.iisport.filter;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The output engine against a fake container response that keeps what reaches it: states, sends and memory. */
class ResponseOutputTest {
    private final List<String> sends = new ArrayList<>();
    private MockHttpServletResponse real;

    @BeforeEach
    void setUp() {
        real = new MockHttpServletResponse();
    }

    private ResponseOutput output(BodyBuffer body, int limit, boolean sendResponseModules) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/");
        request.setProtocol("HTTP/1.1");
        return new ResponseOutput(request, real, body, new ResponseMetadata(),
                new ConnectionControl(new IisRequest(request, null, FilterSettings.DEFAULT_REQUEST_BODY_LIMIT),
                        new Degradation("test")), limit,
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
        assertThat((long) real.getContentAsByteArray().length, is(written));
        assertThat(real.isCommitted(), is(true));
        if (sendResponseModules) {
            assertThat(sends.get(0), is("true/true"));
            assertThat(sends.get(sends.size() - 1), is("false/false"));
        }
    }
}
