package io.iisport.filter;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.iisport.spi.ConnectionBridge;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

/** The adapter's own logic against a mocked container response: what it asks the container, and in which order. */
class IisResponseTest {
    private HttpServletRequest request;
    private HttpServletResponse real;
    private ServletOutputStream realStream;
    private boolean committed;

    @BeforeEach
    void setUp() throws IOException {
        request = mock(HttpServletRequest.class);
        when(request.getProtocol()).thenReturn("HTTP/1.1");
        real = mock(HttpServletResponse.class);
        realStream = mock(ServletOutputStream.class);
        when(real.getOutputStream()).thenReturn(realStream);
        when(real.getCharacterEncoding()).thenReturn("ISO-8859-1");
        when(real.isCommitted()).thenAnswer(i -> committed);
        when(real.getBufferSize()).thenReturn(32 * 1024);
    }

    private IisResponse response(int limit) {
        ModulePipeline pipeline = new ModulePipeline(List.of(), limit);
        return new RequestRun(pipeline, new Degradation("test"), request, real).response();
    }

    @Test
    void theFinalSendLeavesFramingToTheContainerUnlessTheServletDeclaredALength() throws IOException {
        IisResponse response = response(1024);
        response.getOutputStream().write(new byte[] {1, 2, 3});
        verify(real, never()).getOutputStream();

        response.complete();

        verify(realStream).write(any(byte[].class), eq(0), eq(3));
        verify(real, never()).setContentLengthLong(anyLong());
    }

    @Test
    void theFinalSendSetsTheDeclaredContentLengthBeforeWritingTheBody() throws IOException {
        IisResponse response = response(1024);
        response.setContentLength(3);
        response.getOutputStream().write(new byte[] {1, 2, 3});

        response.complete();

        InOrder order = inOrder(real, realStream);
        order.verify(real).setContentLengthLong(3);
        order.verify(realStream).write(any(byte[].class), eq(0), eq(3));
    }

    @Test
    void aWriterFlushSendsWhatIsBufferedAndCommits() throws IOException {
        IisResponse response = response(1024);
        response.getWriter().print("x");
        response.getWriter().flush();

        InOrder order = inOrder(real, realStream);
        order.verify(realStream).write(any(byte[].class), eq(0), eq(1));
        order.verify(real).flushBuffer();
        verify(real, never()).setContentLengthLong(anyLong());
    }

    @Test
    void flushBufferCommitsAndLaterOutputIsBufferedAgainUntilTheFinalSend() throws IOException {
        IisResponse response = response(1024);
        response.setContentLength(2);
        response.getOutputStream().print("x");
        response.flushBuffer();
        committed = true;
        assertThat(response.isCommitted(), is(true));
        response.getOutputStream().print("y");
        verify(realStream, times(1)).write(any(byte[].class), anyInt(), anyInt());

        response.complete();

        InOrder order = inOrder(real, realStream);
        order.verify(real).setContentLengthLong(2);
        order.verify(realStream).write(any(byte[].class), eq(0), eq(1));
        order.verify(real).flushBuffer();
        order.verify(realStream).write(any(byte[].class), eq(0), eq(1));
        verify(realStream, times(2)).write(any(byte[].class), anyInt(), anyInt());
    }

    @Test
    void aLimitOfZeroKeepsNoBufferAndLeavesContentLengthAndErrorsToTheContainer() throws IOException {
        IisResponse response = response(0);
        response.setContentLength(5);
        response.getOutputStream().print("ab");
        response.sendError(404, "gone");

        InOrder order = inOrder(real, realStream);
        order.verify(real).setContentLengthLong(5);
        order.verify(realStream).write(any(byte[].class), eq(0), eq(2));
        order.verify(real).sendError(404, "gone");
        verify(real, never()).flushBuffer();
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
    void theWriterFixesTheEncodingInTheContainerResponse() throws IOException {
        IisResponse response = response(1024);
        response.getWriter();
        verify(real).setCharacterEncoding("ISO-8859-1");
        response.setCharacterEncoding("UTF-8");
        verify(real, never()).setCharacterEncoding("UTF-8");
    }

    @Test
    void anUnknownEncodingIsAnUnsupportedEncodingException() {
        when(real.getCharacterEncoding()).thenReturn("no-such-charset");
        IisResponse response = response(1024);
        assertThrows(java.io.UnsupportedEncodingException.class, response::getWriter);
    }

    @Test
    void passingTheLimitSendsTheFirstPartThenStreamsWithoutContentLength() throws IOException {
        IisResponse response = response(4);
        response.setContentLength(10);
        response.getOutputStream().write(new byte[10]);

        InOrder order = inOrder(real, realStream);
        order.verify(real).setContentLengthLong(10); // the servlet's own declaration goes with the headers
        order.verify(realStream).write(any(byte[].class), eq(0), eq(4));
        order.verify(real).flushBuffer();
        order.verify(realStream).write(any(byte[].class), eq(4), eq(6));
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
        verify(real, never()).sendError(anyInt(), any());
        assertThat(response.isCommitted(), is(true));
        assertThrows(IllegalStateException.class, () -> response.sendError(500));
        assertThrows(IllegalStateException.class, response::reset);

        when(real.getStatus()).thenReturn(404);
        response.complete();
        verify(real).sendError(404, "gone");
        verify(realStream, never()).write(any(byte[].class), anyInt(), anyInt());
    }

    @Test
    void servlet61RedirectsWithAStatusKeepTheBodyIfAskedAndCloseTheServletOutput() throws IOException {
        IisResponse response = response(1024);
        response.getOutputStream().print("see other");
        response.sendRedirect("/there", 303, false);
        assertThat(response.isCommitted(), is(true));
        response.getOutputStream().print(" ignored");
        response.complete();

        verify(real).setStatus(303);
        verify(real).setHeader("Location", "/there");
        verify(real, never()).sendRedirect(any());
        verify(realStream).write(any(byte[].class), eq(0), eq(9));
    }

    @Test
    void servlet61RedirectWithoutStatusIsThePlainRedirect() throws IOException {
        IisResponse response = response(1024);
        response.getOutputStream().print("dropped");
        response.sendRedirect("/there", true);
        response.complete();
        verify(real).sendRedirect("/there");
        verify(realStream, never()).write(any(byte[].class), anyInt(), anyInt());
    }

    @Test
    void resetGoesToTheBridgeOnceAndLaterOutputIsDropped() throws IOException {
        IntConsumer bridge = mock(IntConsumer.class);
        when(request.getAttribute(ConnectionBridge.RESET_ATTRIBUTE)).thenReturn(bridge);
        IisResponse response = response(1024);

        response.resetConnection();
        response.resetStream(5);
        response.getOutputStream().print("dropped");
        response.flush(false, false);
        response.complete();

        verify(bridge).accept(ConnectionBridge.CANCEL);
        verify(bridge, never()).accept(5);
        verify(real, never()).getOutputStream();
        verify(real, never()).flushBuffer();
    }

    @Test
    void aResetAfterADisconnectWins() {
        Runnable disconnect = mock(Runnable.class);
        IntConsumer reset = mock(IntConsumer.class);
        when(request.getAttribute(ConnectionBridge.DISCONNECT_ATTRIBUTE)).thenReturn(disconnect);
        when(request.getAttribute(ConnectionBridge.RESET_ATTRIBUTE)).thenReturn(reset);
        IisResponse response = response(1024);

        response.setNeedDisconnect();
        response.setNeedDisconnect();
        response.resetConnection();
        response.setNeedDisconnect();

        InOrder order = inOrder(disconnect, reset);
        order.verify(disconnect).run();
        order.verify(reset).accept(ConnectionBridge.CANCEL);
        verify(disconnect).run();
    }

    @Test
    void aDisconnectOnHttp2WithoutTheExtensionIsDegradedNotAHeader() throws IOException {
        when(request.getProtocol()).thenReturn("HTTP/2.0");
        IisResponse response = response(1024);
        response.setNeedDisconnect();
        response.complete();
        verify(real, never()).setHeader("Connection", "close");
    }

    @Test
    void aDisconnectOnHttp1WithoutTheExtensionAddsConnectionCloseWithTheHeaders() throws IOException {
        IisResponse response = response(1024);
        response.setNeedDisconnect();
        verify(real, never()).setHeader("Connection", "close");
        response.complete();
        verify(real).setHeader("Connection", "close");
    }
}
