package io.iisport.filter;

import io.iisport.spi.ConnectionBridge;
import jakarta.servlet.http.HttpServletRequest;
import java.util.function.IntConsumer;

/**
 * The connection actions of one request: carried out by the container's extension through
 * {@link ConnectionBridge} when it is installed, otherwise degraded as {@link IisModuleFilter} documents.
 * Callable from any thread; every action is idempotent and a reset or close wins over a disconnect.
 */
final class ConnectionActions {
    private final HttpServletRequest request;
    private final Degradation degradation;

    private volatile boolean disconnect;
    /** Set by the first reset or close: every later output is discarded. */
    private volatile boolean aborted;
    /** The abort could not be done by the container; the filter ends the response itself. */
    private volatile boolean abortDegraded;
    /** A disconnect the container could not do: add {@code Connection: close} at commit. */
    private volatile boolean closeHeaderWanted;

    ConnectionActions(HttpServletRequest request, Degradation degradation) {
        this.request = request;
        this.degradation = degradation;
    }

    /**
     * Asks for a graceful close after the response.
     *
     * @param committed whether the response headers are already sent
     */
    synchronized void disconnect(boolean committed) {
        if (disconnect || aborted) {
            return;
        }
        disconnect = true;
        Object bridge = request.getAttribute(ConnectionBridge.DISCONNECT_ATTRIBUTE);
        if (bridge instanceof Runnable) {
            ((Runnable) bridge).run();
        } else if (request.getProtocol().startsWith("HTTP/2")) {
            degradation.record(Degradation.Kind.DISCONNECT_HTTP2);
        } else if (committed) {
            degradation.record(Degradation.Kind.DISCONNECT_COMMITTED);
        } else {
            closeHeaderWanted = true;
        }
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
        synchronized (this) {
            if (aborted) {
                return;
            }
            aborted = true;
            Object bridge = request.getAttribute(ConnectionBridge.RESET_ATTRIBUTE);
            if (bridge instanceof IntConsumer) {
                ((IntConsumer) bridge).accept(errorCode);
            } else {
                abortDegraded = true;
                degradation.record(Degradation.Kind.RESET);
            }
        }
    }

    /** Closes now without a response. */
    synchronized void close() {
        if (aborted) {
            return;
        }
        aborted = true;
        Object bridge = request.getAttribute(ConnectionBridge.CLOSE_ATTRIBUTE);
        if (bridge instanceof Runnable) {
            ((Runnable) bridge).run();
        } else {
            abortDegraded = true;
            degradation.record(Degradation.Kind.CLOSE);
        }
    }

    /** @return whether a reset or close was asked: output must be discarded */
    boolean isAborted() {
        return aborted;
    }

    /** @return whether the filter itself must end the response in place of a reset or close */
    boolean isAbortDegraded() {
        return abortDegraded;
    }

    /** @return whether a disconnect was asked */
    boolean isDisconnect() {
        return disconnect;
    }

    /** @return whether {@code Connection: close} must go with the headers, in place of the container's disconnect */
    boolean isCloseHeaderWanted() {
        return closeHeaderWanted && !aborted;
    }
}
