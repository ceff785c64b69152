package io.iisport.filter;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.spy;

import io.iisport.spi.ConnectionBridge;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * The adapter's own logic against a fake container response ({@link MockHttpServletResponse}): what the container
 * response ends up with (status, headers, body, committed). Where the order of the calls is the contract (the
 * Content-Length goes with the headers, before the first byte of the body), a spy checks the order too.
 */
class IisResponseTest {
    private MockHttpServletRequest request;
    private MockHttpServletResponse real;
    /** What the filter asked of the container through the bridge attributes, in order. */
    private final List<String> bridged = new ArrayList<>();

    @BeforeEach
    void setUp() {
        request = new MockHttpServletRequest("GET", "/page");
        request.setProtocol("HTTP/1.1");
        real = new MockHttpServletResponse();
        real.setBufferSize(32 * 1024);
    }

    private IisResponse response(int limit) {
        ModulePipeline pipeline = new ModulePipeline(List.of(), limit);
        return new RequestRun(pipeline, new Degradation("test"), request, real).response();
    }

    /** Publishes the bridge attributes, as a container extension does, recording what the filter asks. */
    private void withExtension() {
        request.setAttribute(ConnectionBridge.DISCONNECT_ATTRIBUTE, (Runnable) () -> bridged.add("disconnect"));
        request.setAttribute(ConnectionBridge.CLOSE_ATTRIBUTE, (Runnable) () -> bridged.add("close"));
        request.setAttribute(ConnectionBridge.RESET_ATTRIBUTE, (IntConsumer) code -> bridged.add("reset " + code));
    }

    /** Spies on the container response and its stream, for the tests where the order of calls is the contract. */
    private InOrder spyOnOrder() throws IOException {
        ServletOutputStream stream = spy(real.getOutputStream());
        real = spy(real);
        org.mockito.Mockito.doReturn(stream).when(real).getOutputStream();
        return inOrder(real, stream);
    }

    private String body() throws IOException {
        return real.getContentAsString();
    }

    /**
     * A body the container would still hold uncommitted at the end goes into its buffer unsent: the container frames it
     * with its length as it completes the response, and until then a filter before the module filter may still change
     * the headers, as without it (fresh-user trial: such a header was dropped once the filter sent the response).
     */
    @Test
    void theFinalSendLeavesABodyTheContainerWouldStillHoldInItsBuffer() throws IOException {
        IisResponse response = response(1024);
        response.getOutputStream().write(new byte[] {1, 2, 3});
        assertThat(real.getContentAsByteArray().length, is(0));
        assertThat(real.isCommitted(), is(false));

        response.complete();

        assertThat(real.getContentAsByteArray(), is(new byte[] {1, 2, 3}));
        assertThat(real.isCommitted(), is(false));
        assertThat(real.getHeader("Content-Length"), nullValue());
    }

    @Test
    void theFinalSendSetsTheDeclaredContentLengthBeforeWritingTheBody() throws IOException {
        InOrder order = spyOnOrder();
        IisResponse response = response(1024);
        response.setContentLength(3);
        response.getOutputStream().write(new byte[] {1, 2, 3});

        response.complete();

        order.verify(real).setContentLengthLong(3);
        order.verify(real.getOutputStream()).write(any(byte[].class), eq(0), eq(3));
        assertThat(real.getContentLengthLong(), is(3L));
        assertThat(real.getContentAsByteArray(), is(new byte[] {1, 2, 3}));
    }

    @Test
    void aWriterFlushSendsWhatIsBufferedAndCommits() throws IOException {
        IisResponse response = response(1024);
        response.getWriter().print("x");
        response.getWriter().flush();

        assertThat(body(), is("x"));
        assertThat(real.isCommitted(), is(true));
        assertThat(real.getHeader("Content-Length"), nullValue());
    }

    @Test
    void flushBufferCommitsAndLaterOutputIsBufferedAgainUntilTheFinalSend() throws IOException {
        IisResponse response = response(1024);
        response.setContentLength(2);
        response.getOutputStream().print("x");
        response.flushBuffer();
        assertThat(real.isCommitted(), is(true));
        assertThat(response.isCommitted(), is(true));
        assertThat(real.getContentLengthLong(), is(2L));
        assertThat(body(), is("x"));

        response.getOutputStream().print("y");
        assertThat(body(), is("x"));

        response.complete();
        assertThat(body(), is("xy"));
    }

    @Test
    void aLimitOfZeroKeepsNoBufferAndLeavesContentLengthAndErrorsToTheContainer() throws IOException {
        InOrder order = spyOnOrder();
        IisResponse response = response(0);
        response.setContentLength(5);
        response.getOutputStream().print("ab");
        assertThat(body(), is("ab"));
        assertThat(real.isCommitted(), is(false)); // the container's buffer, not a flush, holds it
        response.sendError(404, "gone");

        order.verify(real).setContentLengthLong(5);
        order.verify(real.getOutputStream()).write(any(byte[].class), eq(0), eq(2));
        order.verify(real).sendError(404, "gone");
        assertThat(real.getContentLengthLong(), is(5L));
        assertThat(real.getStatus(), is(404));
        assertThat(real.getErrorMessage(), is("gone"));
    }

    @Test
    void theWriterAfterTheStreamIsIllegal() throws IOException {
        IisResponse response = response(1024);
        response.getOutputStream();
        assertThrows(IllegalStateException.class, response::getWriter);
    }

    @Test
    void theStreamAfterTheWriterIsIllegal() throws IOException {
        IisResponse response = response(1024);
        response.getWriter();
        assertThrows(IllegalStateException.class, response::getOutputStream);
    }

    @Test
    void theWriterIsTheContainersOwnTakenWhenTheServletTakesIt() throws IOException {
        real = spy(real);
        IisResponse response = response(1024);
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write("d\u00e9j\u00e0");
        // Taken at once, so the container fixes its charset and sees its writer in use as without the filter.
        org.mockito.Mockito.verify(real).getWriter();
        response.setCharacterEncoding("ISO-8859-1");
        assertThat(real.getCharacterEncoding(), is("UTF-8"));
        response.flushBuffer();
        assertThat(real.getContentAsByteArray(), is("d\u00e9j\u00e0".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void theWriterAfterAModuleSentThroughTheContainersStreamFixesTheCharsetItself() throws IOException {
        IisResponse response = response(1024);
        real.getOutputStream();
        response.getWriter().write("x");
        assertThat(real.isCharset(), is(true));
        assertThat(real.getCharacterEncoding(), is("ISO-8859-1"));
    }

    @Test
    void closingTheOutputCommitsTheResponseAsTheServletSeesIt() throws IOException {
        IisResponse response = response(1024);
        response.getWriter().write("closed");
        response.getWriter().close();
        assertThat(response.isCommitted(), is(true));
        response.setStatus(500);
        response.setHeader("X-After-Close", "1");
        assertThrows(IllegalStateException.class, response::reset);
        response.complete();
        assertThat(real.getStatus(), is(200));
        assertThat(real.getHeader("X-After-Close"), nullValue());
        assertThat(body(), is("closed"));
    }

    @Test
    void anUnknownEncodingIsAnUnsupportedEncodingException() {
        real.setCharacterEncoding("no-such-charset");
        IisResponse response = response(1024);
        assertThrows(java.io.UnsupportedEncodingException.class, response::getWriter);
    }

    @Test
    void passingTheLimitSendsTheFirstPartThenStreamsWithoutContentLength() throws IOException {
        InOrder order = spyOnOrder();
        IisResponse response = response(4);
        response.setContentLength(10);
        response.getOutputStream().write(new byte[10]);

        order.verify(real).setContentLengthLong(10); // the servlet's own declaration goes with the headers
        order.verify(real.getOutputStream()).write(any(byte[].class), eq(0), eq(4));
        order.verify(real).flushBuffer();
        order.verify(real.getOutputStream()).write(any(byte[].class), eq(4), eq(6));
        assertThat(real.isCommitted(), is(true));
        assertThat(real.getContentAsByteArray().length, is(10));
    }

    @Test
    void aNegativeContentLengthRemovesTheDeclaration() {
        IisResponse response = response(1024);
        response.setContentLength(5);
        response.setContentLengthLong(-1);
        assertThat(response.containsHeader("Content-Length"), is(false));
    }

    @Test
    void aContentLengthHeaderThatIsNoNumberIsRejected() {
        IisResponse response = response(1024);
        assertThrows(IllegalArgumentException.class, () -> response.setHeader("Content-Length", "ten"));
    }

    @Test
    void sendErrorIsLeftToTheContainerUntilTheFinalSend() throws IOException {
        IisResponse response = response(1024);
        response.getOutputStream().print("dropped");
        response.sendError(404, "gone");
        assertThat(real.getErrorMessage(), nullValue()); // no sendError reached the container yet
        assertThat(real.isCommitted(), is(false));
        assertThat(response.isCommitted(), is(true));
        assertThrows(IllegalStateException.class, () -> response.sendError(500));
        assertThrows(IllegalStateException.class, response::reset);

        response.complete();
        assertThat(real.getStatus(), is(404));
        assertThat(real.getErrorMessage(), is("gone"));
        assertThat(body(), is(""));
    }

    /**
     * A container response with Servlet 6.1's {@code sendRedirect(String, int, boolean)}, which records each call with
     * the body the container held at that moment.
     */
    public static class Servlet61Response extends MockHttpServletResponse {
        final List<String> redirects = new ArrayList<>();

        @Override
        public void sendRedirect(String url, int sc, boolean clearBuffer) throws IOException {
            redirects.add(url + " " + sc + " " + clearBuffer + " holding '" + getContentAsString() + "'");
            super.sendRedirect(url, sc, clearBuffer);
        }
    }

    private Servlet61Response servlet61Container() {
        Servlet61Response container = new Servlet61Response();
        container.setBufferSize(32 * 1024);
        real = container;
        return container;
    }

    /**
     * Servlet 6.1's redirect with a status, keeping the body: the servlet sees it committed and its later writes are
     * dropped; modules see the status and the location as given until the final send, where the container's own
     * method carries it out (resolving the location by its rules), with the body already in its buffer.
     */
    @Test
    void servlet61RedirectWithAStatusIsTheContainersAtTheFinalSendWithTheBodyKept() throws IOException {
        Servlet61Response container = servlet61Container();
        IisResponse response = response(1024);
        response.getOutputStream().print("see other");
        response.sendRedirect("there", 303, false);
        assertThat(response.isCommitted(), is(true));
        response.getOutputStream().print(" ignored");
        assertThat(container.redirects, is(List.of()));
        assertThat(real.getStatus(), is(303));
        assertThat(real.getHeader("Location"), is("there"));

        response.complete();
        assertThat(container.redirects, is(List.of("there 303 false holding 'see other'")));
        assertThat(body(), is("see other"));
    }

    /** A kept body the container would buffer goes to it in writes it keeps: at most a quarter of its buffer each. */
    @Test
    void aKeptBodyReachesTheContainerInWritesOfAtMostAQuarterOfItsBuffer() throws IOException {
        servlet61Container();
        InOrder order = spyOnOrder();
        IisResponse response = response(64 * 1024);
        byte[] piece = new byte[100];
        for (int i = 0; i < 120; i++) {
            response.getOutputStream().write(piece);
        }
        response.sendRedirect("there", 307, false);
        response.complete();

        ServletOutputStream stream = real.getOutputStream();
        order.verify(stream).write(any(byte[].class), eq(0), eq(8192));
        order.verify(stream).write(any(byte[].class), eq(8192), eq(12000 - 8192));
        order.verify(real).sendRedirect("there", 307, false);
        assertThat(real.getContentAsByteArray().length, is(12000));
    }

    @Test
    void servlet61RedirectClearingTheBodyIsTheContainersWithItsStatus() throws IOException {
        Servlet61Response container = servlet61Container();
        IisResponse response = response(1024);
        response.getOutputStream().print("dropped");
        response.sendRedirect("/there", 308);
        response.complete();

        assertThat(container.redirects, is(List.of("/there 308 true holding ''")));
        assertThat(real.getStatus(), is(308));
        assertThat(body(), is(""));
    }

    /** Without an iisport buffer the container holds the body: its method carries the redirect out at once. */
    @Test
    void servlet61RedirectWithoutABufferIsTheContainersAtOnce() throws IOException {
        Servlet61Response container = servlet61Container();
        IisResponse response = response(0);
        response.getOutputStream().print("kept");
        response.sendRedirect("there", 301, false);
        assertThat(container.redirects, is(List.of("there 301 false holding 'kept'")));
    }

    @Test
    void servlet61RedirectWithoutStatusIsThePlainRedirect() throws IOException {
        IisResponse response = response(1024);
        response.getOutputStream().print("dropped");
        response.sendRedirect("/there", true);
        response.complete();

        assertThat(real.getStatus(), is(302));
        assertThat(real.getRedirectedUrl(), is("/there"));
        assertThat(body(), is(""));
    }

    /**
     * On a Servlet 6.0 container (its response has no 6.1 method; an application reaches the variants only through
     * the filter's class) the status and the location as given are set, and the body goes as buffered.
     */
    @Test
    void servlet61RedirectOnAServlet60ContainerSetsStatusAndLocationAsGiven() throws IOException {
        MockHttpServletResponse container = real;
        HttpServletResponseWrapper servlet60 = new HttpServletResponseWrapper(container);
        IisResponse response = new RequestRun(new ModulePipeline(List.of(), 1024), new Degradation("test"), request,
                servlet60).response();
        response.getOutputStream().print("see other");
        response.sendRedirect("/there", 303, false);
        response.complete();

        assertThat(container.getStatus(), is(303));
        assertThat(container.getHeader("Location"), is("/there"));
        assertThat(body(), is("see other"));
    }

    @Test
    void resetGoesToTheBridgeOnceAndLaterOutputIsDropped() throws IOException {
        withExtension();
        IisResponse response = response(1024);

        response.resetConnection();
        response.resetStream(5);
        response.getOutputStream().print("dropped");
        response.flush(false, false);
        response.complete();

        assertThat(bridged, is(List.of("reset " + ConnectionBridge.CANCEL)));
        assertThat(body(), is(""));
        assertThat(real.isCommitted(), is(false));
    }

    @Test
    void aResetAfterADisconnectWins() {
        withExtension();
        IisResponse response = response(1024);

        response.setNeedDisconnect();
        response.setNeedDisconnect();
        response.resetConnection();
        response.setNeedDisconnect();

        assertThat(bridged, is(List.of("disconnect", "reset " + ConnectionBridge.CANCEL)));
    }

    @Test
    void aResetAfterACloseStillResetsAndNothingWeakensEither() {
        withExtension();
        IisResponse response = response(1024);

        response.closeConnection();
        response.closeConnection();
        response.setNeedDisconnect();
        response.resetConnection();
        response.closeConnection();
        response.setNeedDisconnect();
        response.resetConnection();

        assertThat(bridged, is(List.of("close", "reset " + ConnectionBridge.CANCEL)));
    }

    @Test
    void aDisconnectOnHttp2WithoutTheExtensionIsDegradedNotAHeader() throws IOException {
        request.setProtocol("HTTP/2.0");
        IisResponse response = response(1024);
        response.setNeedDisconnect();
        response.complete();
        assertThat(real.getHeader("Connection"), nullValue());
    }

    @Test
    void aDisconnectOnHttp1WithoutTheExtensionAddsConnectionCloseWithTheHeaders() throws IOException {
        IisResponse response = response(1024);
        response.setNeedDisconnect();
        assertThat(real.getHeader("Connection"), nullValue());
        response.complete();
        assertThat(real.getHeader("Connection"), is("close"));
    }
}
