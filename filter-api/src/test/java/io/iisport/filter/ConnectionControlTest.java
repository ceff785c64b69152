package io.iisport.filter;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.iisport.spi.ConnectionBridge;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The precedence of the connection actions and the disconnect of an upgrade request, against a recording bridge. */
class ConnectionControlTest {
    private final List<String> calls = new ArrayList<>();
    private HttpServletRequest request;
    private HttpServletResponse response;

    @BeforeEach
    void setUp() {
        request = mock(HttpServletRequest.class);
        response = mock(HttpServletResponse.class);
        when(request.getProtocol()).thenReturn("HTTP/1.1");
        when(request.getAttribute(ConnectionBridge.DISCONNECT_ATTRIBUTE)).thenReturn((Runnable) () -> calls.add("disconnect"));
        when(request.getAttribute(ConnectionBridge.CLOSE_ATTRIBUTE)).thenReturn((Runnable) () -> calls.add("close"));
        when(request.getAttribute(ConnectionBridge.RESET_ATTRIBUTE)).thenReturn((IntConsumer) code -> calls.add("reset " + code));
    }

    private ConnectionControl actions() {
        return new ConnectionControl(request, new Degradation("test"));
    }

    @Test
    void aCallNeverWeakensAStrongerOneAndAResetAfterACloseStillResets() {
        ConnectionControl actions = actions();
        actions.disconnect(false);
        actions.close(false);
        actions.disconnect(true);
        actions.reset(ConnectionBridge.CANCEL, false);
        actions.close(false);
        actions.reset(0, false);
        assertThat(calls, contains("disconnect", "close", "reset 8"));
        assertThat(actions.isAborted(), is(true));
    }

    @Test
    void aDisconnectOfAnUpgradeThatSwitchedProtocolsLeavesTheConnectionToTheNewProtocol() {
        when(request.getHeader("Upgrade")).thenReturn("websocket");
        when(response.getStatus()).thenReturn(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
        ConnectionControl actions = actions();
        actions.disconnect(false);
        actions.requestEnded(response);
        assertThat(calls, is(empty()));
        verify(response, never()).setHeader("Connection", "close");
    }

    @Test
    void aDisconnectOfARefusedUpgradeIsCarriedOutWhenTheHeadersAreCommitted() {
        when(request.getHeader("Upgrade")).thenReturn("websocket");
        when(response.getStatus()).thenReturn(HttpServletResponse.SC_BAD_REQUEST);
        ConnectionControl actions = actions();
        actions.disconnect(false);
        assertThat(calls, is(empty()));
        actions.beforeCommit(response);
        actions.requestEnded(response);
        assertThat(calls, contains("disconnect"));
    }

    @Test
    void withoutTheExtensionADisconnectBeforeCommitAddsConnectionClose() {
        when(request.getAttribute(ConnectionBridge.DISCONNECT_ATTRIBUTE)).thenReturn(null);
        ConnectionControl actions = actions();
        actions.disconnect(false);
        actions.beforeCommit(response);
        verify(response).setHeader("Connection", "close");
    }
}
