package io.iisport.filter;

import io.iisport.spi.ConnectionBridge;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection actions of one request: carried out by the container's extension through
 * {@link ConnectionBridge} when it is installed, otherwise degraded as {@link IisModuleFilter} documents.
 *
 * <p>Callable from any thread. The actions are ordered {@code NONE < DISCONNECT < CLOSE < RESET} (see
 * {@link Level}): a call never weakens an earlier stronger one, so every action is idempotent, a reset or close wins
 * over a disconnect, and a reset after a close still resets (IIS: a reset is never weaker than a close). The level
 * is decided by compare-and-set; the container is called after, outside any lock.
 *
 * <p>A disconnect asked on an HTTP/1 upgrade request ({@code Upgrade} header, such as a WebSocket handshake) waits
 * until the response is committed or the request ends: if the container switched protocols ({@code 101}), the
 * connection belongs to the new protocol and is left alone (it closes when that protocol ends, as IIS closes a
 * WebSocket request's connection when the request ends); otherwise the disconnect is carried out as usual.
 */
final class ConnectionActions {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionActions.class);

    /** The strongest action asked so far. */
    enum Level {
        NONE, DISCONNECT, CLOSE, RESET;

        boolean isAbort() {
            return this == CLOSE || this == RESET;
        }
    }

    private final HttpServletRequest request;
    private final Degradation degradation;
    private final AtomicReference<Level> level = new AtomicReference<>(Level.NONE);

    /** A disconnect of an upgrade request, not carried out yet (see the class comment). */
    private volatile boolean disconnectPending;
    /** The abort could not be done by the container; the filter ends the response itself. */
    private volatile boolean abortDegraded;
    /** A disconnect the container could not do: add {@code Connection: close} at commit. */
    private volatile boolean closeHeaderWanted;

    ConnectionActions(HttpServletRequest request, Degradation degradation) {
        this.request = request;
        this.degradation = degradation;
    }

    /** Raises the level to {@code to}; {@code false} if it already was as strong. */
    private boolean raiseTo(Level to) {
        Level current;
        do {
            current = level.get();
            if (current.compareTo(to) >= 0) {
                return false;
            }
        } while (!level.compareAndSet(current, to));
        return true;
    }

    /**
     * Asks for a graceful close after the response.
     *
     * @param committed whether the response headers are already sent
     */
    void disconnect(boolean committed) {
        if (!raiseTo(Level.DISCONNECT)) {
            return;
        }
        if (request.getHeader("Upgrade") != null && !request.getProtocol().startsWith("HTTP/2")) {
            disconnectPending = true;
            return;
        }
        carryOutDisconnect(committed);
    }

    private void carryOutDisconnect(boolean committed) {
        if (level.get() != Level.DISCONNECT) {
            return;
        }
        Object bridge = request.getAttribute(ConnectionBridge.DISCONNECT_ATTRIBUTE);
        if (bridge instanceof Runnable action) {
            action.run();
        } else if (request.getProtocol().startsWith("HTTP/2")) {
            degradation.record(Degradation.Kind.DISCONNECT_HTTP2);
        } else if (committed) {
            degradation.record(Degradation.Kind.DISCONNECT_COMMITTED);
        } else {
            closeHeaderWanted = true;
        }
    }

    /** Settles a pending disconnect of an upgrade request: left alone if the protocol switched, else carried out. */
    private void settlePendingDisconnect(int status, boolean committed) {
        if (!disconnectPending) {
            return;
        }
        disconnectPending = false;
        if (status == HttpServletResponse.SC_SWITCHING_PROTOCOLS) {
            if (LOG.isDebugEnabled()) {
                LOG.debug("iisport: disconnect of {} left to the upgraded protocol", request.getRequestURI());
            }
            return;
        }
        carryOutDisconnect(committed);
    }

    /**
     * What goes with the headers as the filter commits them: a pending disconnect is settled, and a degraded
     * disconnect adds {@code Connection: close}.
     */
    void beforeCommit(HttpServletResponse response) {
        settlePendingDisconnect(response.getStatus(), false);
        if (closeHeaderWanted && !level.get().isAbort()) {
            response.setHeader("Connection", "close");
        }
    }

    /** The request ended: a pending disconnect is settled against the final status. */
    void requestEnded(HttpServletResponse response) {
        settlePendingDisconnect(response.getStatus(), response.isCommitted());
    }

    /**
     * Resets now with an HTTP/2 error code.
     *
     * @throws IllegalArgumentException if the code is negative
     */
    void reset(int errorCode) {
        if (errorCode < 0) {
            throw new IllegalArgumentException("HTTP/2 error code must be 0 or more, not " + errorCode);
        }
        if (!raiseTo(Level.RESET)) {
            return;
        }
        Object bridge = request.getAttribute(ConnectionBridge.RESET_ATTRIBUTE);
        if (bridge instanceof IntConsumer action) {
            action.accept(errorCode);
        } else {
            abortDegraded = true;
            degradation.record(Degradation.Kind.RESET);
        }
    }

    /** Closes now without a response. */
    void close() {
        if (!raiseTo(Level.CLOSE)) {
            return;
        }
        Object bridge = request.getAttribute(ConnectionBridge.CLOSE_ATTRIBUTE);
        if (bridge instanceof Runnable action) {
            action.run();
        } else {
            abortDegraded = true;
            degradation.record(Degradation.Kind.CLOSE);
        }
    }

    /** @return whether a reset or close was asked: output must be discarded */
    boolean isAborted() {
        return level.get().isAbort();
    }

    /** @return whether the filter itself must end the response in place of a reset or close */
    boolean isAbortDegraded() {
        return abortDegraded;
    }

    /** @return whether a disconnect is the strongest action asked */
    boolean isDisconnect() {
        return level.get() == Level.DISCONNECT;
    }
}
