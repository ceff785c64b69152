package io.iisport.filter;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import io.iisport.httpserv.IHttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** What modules read of the response through {@link ModuleResponse}, whatever the container keeps where. */
class ModuleResponseTest {

    /** As Tomcat: the content type is not among the header fields until the response is committed. */
    private static final class ContentTypeApart extends MockHttpServletResponse {
        @Override
        public String getHeader(String name) {
            return "Content-Type".equalsIgnoreCase(name) ? null : super.getHeader(name);
        }
    }

    private static IHttpResponse modules(MockHttpServletResponse real) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/page");
        IisRequest iisRequest = new IisRequest(request, null, FilterSettings.DEFAULT_REQUEST_BODY_LIMIT);
        return new FilterResponse(real, iisRequest, new Degradation("test"),
                new ModulePipeline(List.of(), 4096), (headersBeingSent, moreData) -> { }).get().modules();
    }

    @Test
    void theContentTypeIsReadWhereverTheContainerKeepsIt() {
        ContentTypeApart real = new ContentTypeApart();
        IHttpResponse response = modules(real);
        assertThat(response.getHeader("Content-Type"), nullValue());

        real.setContentType("text/plain;charset=UTF-8");

        assertThat(response.getHeader("content-type"), is("text/plain;charset=UTF-8"));
    }
}
