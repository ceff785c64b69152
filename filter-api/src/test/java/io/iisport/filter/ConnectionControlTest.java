package io.iisport.filter;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import io.iisport.spi.ConnectionBridge;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * The precedence of the connection actions ({@link ConnectionBridge}'s) and the disconnect of an upgrade request,
 * against a recording bridge and a fake container response.
 */
class ConnectionControlTest {
    private final List<String> calls = new ArrayList<>();
    private final MockHttpServletRequest request = new MockHttpServletRequest("GET", "/");
    private final MockHttpServletResponse response = new MockHttpServletResponse();
    /** The filter's request, which the end marks ended before the connection actions learn it. */
    private final IisRequest filterRequest = new IisRequest(request, null, FilterSettings.DEFAULT_REQUEST_BODY_LIMIT);

    @BeforeEach
    void setUp() {
        request.setProtocol("HTTP/1.1");
        request.setAttribute(ConnectionBridge.DISCONNECT_ATTRIBUTE, (Runnable) () -> calls.add("disconnect"));
        request.setAttribute(ConnectionBridge.CLOSE_ATTRIBUTE, (Runnable) () -> calls.add("close"));
        request.setAttribute(ConnectionBridge.RESET_ATTRIBUTE, (IntConsumer) code -> calls.add("reset " + code));
    }

    private ConnectionControl actions() {
        return new ConnectionControl(filterRequest, new Degradation("test"));
    }

    @Test
    void aCallNeverWeakensAStrongerOneAndAResetAfterACloseStillResets() {
        ConnectionControl actions = actions();
        actions.disconnect(() -> false);
        actions.close(false);
        actions.disconnect(() -> true);
        actions.reset(ConnectionBridge.CANCEL, false);
        actions.close(false);
        actions.reset(0, false);
        assertThat(calls, contains("disconnect", "close", "reset 8"));
        assertThat(actions.isAborted(), is(true));
    }

    @Test
    void aDisconnectOfAnUpgradeThatSwitchedProtocolsLeavesTheConnectionToTheNewProtocol() {
        request.addHeader("Upgrade", "websocket");
        response.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
        ConnectionControl actions = actions();
        actions.disconnect(() -> false);
        actions.requestEnded(response);
        assertThat(calls, is(empty()));
        assertThat(response.getHeader("Connection"), is(nullValue()));
    }

    @Test
    void aDisconnectOfARefusedUpgradeIsCarriedOutWhenTheHeadersAreCommitted() {
        request.addHeader("Upgrade", "websocket");
        response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
        ConnectionControl actions = actions();
        actions.disconnect(() -> false);
        assertThat(calls, is(empty()));
        actions.beforeCommit(response);
        actions.requestEnded(response);
        assertThat(calls, contains("disconnect"));
    }

    @Test
    void withoutTheExtensionADisconnectBeforeCommitAddsConnectionClose() {
        request.removeAttribute(ConnectionBridge.DISCONNECT_ATTRIBUTE);
        ConnectionControl actions = actions();
        actions.disconnect(() -> false);
        assertThat(response.getHeader("Connection"), is(nullValue()));
        actions.beforeCommit(response);
        assertThat(response.getHeader("Connection"), is("close"));
    }

    @Test
    void aCallBeforeTheEndBindsTheActionsOfItsOwnRequestForTheLaterCalls() {
        ConnectionControl actions = actions();
        actions.disconnect(() -> false);
        // The container recycled the request object for another request, which has actions of its own.
        request.setAttribute(ConnectionBridge.RESET_ATTRIBUTE, (IntConsumer) code -> calls.add("reset of another request"));
        request.setProtocol("HTTP/2.0");
        actions.reset(ConnectionBridge.CANCEL, true);
        assertThat(calls, contains("disconnect", "reset 8"));
    }

    @Test
    void aCallAfterTheEndDoesNothingAndReadsNothingOfTheRequest() {
        ConnectionControl actions = actions();
        filterRequest.ended();
        actions.ended();
        // The container recycled the request object for another request, which has actions of its own.
        request.setAttribute(ConnectionBridge.RESET_ATTRIBUTE, (IntConsumer) code -> calls.add("reset of another request"));
        request.setAttribute(ConnectionBridge.DISCONNECT_ATTRIBUTE, (Runnable) () -> calls.add("disconnect of another request"));
        request.setAttribute(ConnectionBridge.CLOSE_ATTRIBUTE, (Runnable) () -> calls.add("close of another request"));
        actions.disconnect(() -> { throw new IllegalStateException("recycled"); });
        actions.close(false);
        actions.reset(ConnectionBridge.CANCEL, false);
        assertThat(calls, is(empty()));
        assertThat(actions.leavesResponseAlone(), is(true));
    }

    @Test
    void theEndWaitsForACallInProgressOnAnotherThread() throws Exception {
        CountDownLatch inReset = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        request.setAttribute(ConnectionBridge.RESET_ATTRIBUTE, (IntConsumer) code -> {
            inReset.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            calls.add("reset " + code);
        });
        ConnectionControl actions = actions();
        Thread module = new Thread(() -> actions.reset(ConnectionBridge.CANCEL, false));
        module.start();
        assertThat(inReset.await(10, TimeUnit.SECONDS), is(true));
        Thread end = new Thread(() -> {
            filterRequest.ended();
            actions.ended();
        });
        end.start();
        end.join(200);
        assertThat("the end waits while the reset runs", end.isAlive(), is(true));
        release.countDown();
        end.join(10_000);
        module.join(10_000);
        assertThat(end.isAlive(), is(false));
        assertThat(calls, contains("reset 8"));
    }

    @Test
    void theContainersResetIsTakenBeforeTheFilterDiscardsTheOutput() {
        ConnectionControl[] actions = new ConnectionControl[1];
        request.setAttribute(ConnectionBridge.RESET_ATTRIBUTE,
                (IntConsumer) code -> calls.add("reset " + code + ", filter aborted: " + actions[0].isAborted()));
        actions[0] = actions();
        actions[0].reset(ConnectionBridge.CANCEL, false);
        assertThat(calls, contains("reset 8, filter aborted: false"));
        assertThat(actions[0].isAborted(), is(true));
    }
}
