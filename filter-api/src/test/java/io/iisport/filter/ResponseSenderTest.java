package io.iisport.filter;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

import io.iisport.spi.ConnectionBridge;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * The sends against a fake container response: {@code RQ_SEND_RESPONSE} comes before the bytes reach the container,
 * once per send, and the final send happens once.
 */
class ResponseSenderTest {
    private final MockHttpServletRequest request = new MockHttpServletRequest("GET", "/");

    {
        // The container's reset, which the connection control reads when it is created.
        request.setAttribute(ConnectionBridge.RESET_ATTRIBUTE, (java.util.function.IntConsumer) code -> { });
    }

    private final MockHttpServletResponse real = new MockHttpServletResponse();
    private final BodyBuffer body = new BodyBuffer(new ChunkPool(2));
    private final ResponseMetadata metadata = new ResponseMetadata();
    private final ConnectionControl connection = new ConnectionControl(
            new IisRequest(request, null, FilterSettings.DEFAULT_REQUEST_BODY_LIMIT), new Degradation("test"));
    /** Each RQ_SEND_RESPONSE: headersBeingSent/moreData, and what the container had then. */
    private final List<String> raised = new ArrayList<>();

    private ResponseSender sender(ResponseSender.SendListener listener) {
        return new ResponseSender(request, real, body, metadata, connection,
                new ContainerOutput(real, metadata, connection), listener);
    }

    private ResponseSender recording() {
        return sender((headers, more) -> raised.add(headers + "/" + more + " " + real.getContentAsByteArray().length));
    }

    private void buffer(String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        body.append(b, 0, b.length, Long.MAX_VALUE);
    }

    @Test
    void eachSendRaisesSendResponseBeforeItsBytesReachTheContainerAndTheFirstCommits() throws IOException {
        ResponseSender sender = recording();
        buffer("hello ");
        sender.send(true, false);
        assertThat(real.isCommitted(), is(true));
        buffer("world");
        sender.send(false, false);
        assertThat(raised, contains("true/true 0", "false/false 6"));
        assertThat(real.getContentAsString(), is("hello world"));
        assertThat(body.size(), is(0));
    }

    @Test
    void aFlushFromWithinSendResponseSendsWithoutRaisingItAgain() throws IOException {
        List<Boolean> inSendResponse = new ArrayList<>();
        ResponseSender[] sender = new ResponseSender[1];
        sender[0] = sender((headers, more) -> {
            inSendResponse.add(sender[0].inSendResponse());
            buffer("from a module");
            try {
                assertThat(sender[0].flush(true, false), is("from a module".length()));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        assertThat(sender[0].flush(true, false), is(0));
        assertThat(inSendResponse, contains(true));
        assertThat(sender[0].inSendResponse(), is(false));
        assertThat(real.getContentAsString(), is("from a module"));
        assertThat(real.isCommitted(), is(true));
    }

    @Test
    void theFinalSendIsMadeOnceAndCarriesOutTheServletsDeferredSendError() throws IOException {
        ResponseSender sender = recording();
        real.setStatus(404);
        metadata.ending = new DeferredEnding.SendError("not here");
        sender.complete(() -> true, false, false);
        sender.complete(() -> true, false, false);
        assertThat(raised, contains("true/false 0"));
        assertThat(real.getErrorMessage(), is("not here"));
        assertThat(real.getStatus(), is(404));
        assertThat(sender.isCompleted(), is(true));
        assertThat(sender.discarding(), is(true));
        assertThat(sender.flush(true, false), is(0));
    }

    @Test
    void afterAResetNothingIsRaisedNorSentAndTheBufferIsDropped() throws IOException {
        ResponseSender sender = recording();
        buffer("never sent");
        connection.reset(ConnectionBridge.CANCEL, false);
        assertThat(sender.discarding(), is(true));
        sender.complete(() -> false, false, false);
        assertThat(raised.isEmpty(), is(true));
        assertThat(body.size(), is(0));
        assertThat(real.getContentAsByteArray().length, is(0));
        assertThat(sender.isCompleted(), is(true));
    }
}
