package io.iisport.filter;

import io.iisport.spi.ConnectionBridge;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.function.UnaryOperator;

/**
 * The filter's side of one request's connection actions: carried out by the container's extension through
 * {@link ConnectionBridge} when it is installed, otherwise degraded as {@link IisModuleFilter} documents. The
 * precedence of the actions is {@link ConnectionBridge}'s; the state is one immutable {@link State}, read without a
 * lock. Any thread may act: the calls take this object's lock, so one call is carried out whole before the next,
 * and before the request is marked {@linkplain #ended() ended}; a reset or close is taken by the container before
 * the state says aborted.
 *
 * <p>A disconnect asked on an HTTP/1 upgrade request ({@code Upgrade} header, such as a WebSocket handshake) waits
 * until the filter commits the response or the request ends: if the container switched protocols ({@code 101}),
 * the connection belongs to the new protocol and is left alone (it closes when that protocol ends, as IIS closes a
 * WebSocket request's connection when the request ends); otherwise the disconnect is carried out as usual.
 *
 * <p>The container's actions and what the disconnect needs to know of the request are read once, at the first
 * call, and only while the request has not ended: a module's thread may call after the request ended, and a
 * container may by then have recycled the request object for another request (Jetty reuses a connection's servlet
 * channel for its next HTTP/1.1 request and pools them for HTTP/2 streams, and a recycled request reads that other
 * request's attributes). A call after the end does nothing; a call before it reaches this request's actions for
 * good, which the container's extension makes do nothing once the request completed. Requests no module acts on
 * read nothing.
 *
 * <p>It is built with the filter's response objects ({@link FilterResponse}), through which modules ask for the
 * actions: a request whose modules never get the response has none, and its end takes no lock of it. Whether the
 * request ended is the {@link IisRequest}'s ({@link IisRequest#hasEnded()}), which the end marks before it looks for
 * this object: so an object a module's thread builds while the request ends still refuses the calls once it ended.
 */
final class ConnectionControl {
    private static final System.Logger LOG = System.getLogger(ConnectionControl.class.getName());

    /** The strongest action asked so far, in {@link ConnectionBridge}'s order. */
    enum Level {
        NONE, DISCONNECT, CLOSE, RESET;

        boolean isAbort() {
            return this == CLOSE || this == RESET;
        }
    }

    /**
     * Everything the request's threads share about the connection.
     *
     * @param level the strongest action asked
     * @param pendingDisconnect a disconnect of an upgrade request, not carried out yet
     * @param closeHeaderWanted a disconnect the container could not do: {@code Connection: close} goes with the headers
     * @param abortDegraded a reset or close the container could not do: the filter ends the response itself
     */
    record State(Level level, boolean pendingDisconnect, boolean closeHeaderWanted, boolean abortDegraded) {
        static final State INITIAL = new State(Level.NONE, false, false, false);
        /** A disconnect the filter has nothing more to do for (the extension carries it out, or it was degraded). */
        static final State DISCONNECT_ONLY = INITIAL.raisedTo(Level.DISCONNECT);

        State raisedTo(Level to) {
            return new State(to, pendingDisconnect, closeHeaderWanted, abortDegraded);
        }
    }


    /**
     * What the calls need of the request, read at the first.
     *
     * @param disconnect the container's disconnect ({@link ConnectionBridge}), or {@code null} where it has none
     * @param reset the container's reset, or {@code null}
     * @param close the container's close, or {@code null}
     * @param http2 whether the request came over HTTP/2
     * @param http1Upgrade an HTTP/1 request asking to switch protocols: its disconnect waits for the final status
     */
    private record Bound(Runnable disconnect, IntConsumer reset, Runnable close, boolean http2, boolean http1Upgrade) {
        static Bound of(HttpServletRequest request) {
            boolean http2 = request.getProtocol().startsWith("HTTP/2");
            return new Bound(
                    request.getAttribute(ConnectionBridge.DISCONNECT_ATTRIBUTE) instanceof Runnable action ? action
                            : null,
                    request.getAttribute(ConnectionBridge.RESET_ATTRIBUTE) instanceof IntConsumer action ? action
                            : null,
                    request.getAttribute(ConnectionBridge.CLOSE_ATTRIBUTE) instanceof Runnable action ? action : null,
                    http2, !http2 && request.getHeader("Upgrade") != null);
        }
    }

    /** The request the container gave the filter, whose attributes carry the container's actions. */
    private final HttpServletRequest request;
    /** The filter's request, which tells whether the request ended: a later call does nothing. */
    private final IisRequest filterRequest;
    private final Degradation degradation;
    /** What the calls need of the request, read at the first (under this object's lock); {@code null} until then. */
    private Bound bound;

    /**
     * Written only under this object's lock, one immutable {@link State} at a time, so a reader without the lock
     * sees each change whole.
     */
    private volatile State state = State.INITIAL;

    ConnectionControl(IisRequest filterRequest, Degradation degradation) {
        this.request = filterRequest.given();
        this.filterRequest = filterRequest;
        this.degradation = degradation;
    }

    /**
     * @return what the calls need of the request, read now at the first call; {@code null} once the request ended
     *     (the caller holds this object's lock)
     */
    private Bound bound() {
        if (filterRequest.hasEnded()) {
            return null;
        }
        Bound current = bound;
        if (current == null) {
            current = Bound.of(request);
            bound = current;
        }
        return current;
    }

    /**
     * The request ended (its end is over, and {@link IisRequest#hasEnded()} says so): the container may now recycle
     * the request object for another request, so a later call does nothing. Returns once a call in progress on
     * another thread was carried out whole (it holds this object's lock).
     */
    synchronized void ended() {
        // Nothing to change here: taking the lock is the wait.
    }

    /** Raises the level to {@code to}; {@code false} if it already was as strong (under this object's lock). */
    private boolean raiseTo(Level to) {
        State current = state;
        if (current.level().compareTo(to) >= 0) {
            return false;
        }
        state = current.raisedTo(to);
        return true;
    }

    /**
     * Whether a reset or close the container carries out is still to be asked. The container's action is called
     * before the level is raised: once the filter's level says aborted, the filter discards the output, and it must
     * not send an empty response in its place while the container has not taken the action yet (a response the
     * container sends then is not the reset asked, and the action, if it comes after the request completed, does
     * nothing).
     */
    private boolean isBelow(Level to) {
        return state.level().compareTo(to) < 0;
    }

    /** Changes the state (under this object's lock). */
    private void update(UnaryOperator<State> change) {
        state = change.apply(state);
    }

    /**
     * Asks for a graceful close after the response.
     *
     * @param committed whether the response headers are already sent; asked only where the container has no
     *     disconnect action of its own
     */
    synchronized void disconnect(BooleanSupplier committed) {
        Bound actions = bound();
        if (actions == null || !raiseTo(Level.DISCONNECT)) {
            return;
        }
        if (actions.http1Upgrade()) {
            update(s -> new State(s.level(), true, s.closeHeaderWanted(), s.abortDegraded()));
            return;
        }
        carryOutDisconnect(actions, committed);
    }

    private void carryOutDisconnect(Bound actions, BooleanSupplier committed) {
        if (state.level() != Level.DISCONNECT) {
            return;
        }
        if (actions.disconnect() != null) {
            actions.disconnect().run();
        } else if (actions.http2()) {
            degradation.record(Degradation.Kind.DISCONNECT_HTTP2);
        } else if (committed.getAsBoolean()) {
            degradation.record(Degradation.Kind.DISCONNECT_COMMITTED);
        } else {
            update(s -> new State(s.level(), s.pendingDisconnect(), true, s.abortDegraded()));
        }
    }

    /**
     * Settles a pending disconnect of an upgrade request: left alone if the protocol switched, else carried out (the
     * caller holds this object's lock).
     */
    private void settlePendingDisconnect(int status, BooleanSupplier committed) {
        State current = state;
        Bound actions = bound();
        if (actions == null || !current.pendingDisconnect()) {
            return;
        }
        state = new State(current.level(), false, current.closeHeaderWanted(), current.abortDegraded());
        if (status == HttpServletResponse.SC_SWITCHING_PROTOCOLS) {
            LOG.log(System.Logger.Level.DEBUG, () -> "iisport: disconnect of " + request.getRequestURI()
                    + " left to the upgraded protocol");
            return;
        }
        carryOutDisconnect(actions, committed);
    }

    /**
     * What goes with the headers as the filter commits them: a pending disconnect is settled, and a degraded
     * disconnect adds {@code Connection: close}.
     */
    void beforeCommit(HttpServletResponse response) {
        State current = state;
        if (current == State.INITIAL) {
            return;
        }
        synchronized (this) {
            settlePendingDisconnect(response.getStatus(), () -> false);
        }
        current = state;
        if (current.closeHeaderWanted() && !current.level().isAbort()) {
            response.setHeader("Connection", "close");
        }
    }

    /** The request ended: a pending disconnect is settled against the final status. */
    void requestEnded(HttpServletResponse response) {
        if (!state.pendingDisconnect()) {
            return;
        }
        synchronized (this) {
            settlePendingDisconnect(response.getStatus(), response::isCommitted);
        }
    }

    /**
     * Resets now with an HTTP/2 error code.
     *
     * @param responseSent whether the response was already sent whole (the final send was made)
     * @throws IllegalArgumentException if the code is negative
     */
    synchronized void reset(int errorCode, boolean responseSent) {
        if (errorCode < 0) {
            throw new IllegalArgumentException("HTTP/2 error code must be 0 or more, not " + errorCode);
        }
        Bound actions = bound();
        if (actions == null) {
            return;
        }
        if (actions.reset() != null) {
            if (isBelow(Level.RESET)) {
                actions.reset().accept(errorCode);
                raiseTo(Level.RESET);
            }
        } else if (raiseTo(Level.RESET)) {
            abortDegraded(Degradation.Kind.RESET, responseSent);
        }
    }

    /**
     * Closes now without a response.
     *
     * @param responseSent whether the response was already sent whole (the final send was made)
     */
    synchronized void close(boolean responseSent) {
        Bound actions = bound();
        if (actions == null) {
            return;
        }
        if (actions.close() != null) {
            if (isBelow(Level.CLOSE)) {
                actions.close().run();
                raiseTo(Level.CLOSE);
            }
        } else if (raiseTo(Level.CLOSE)) {
            abortDegraded(Degradation.Kind.CLOSE, responseSent);
        }
    }

    /** The container cannot abort: the filter ends the response itself, unless it was already sent whole. */
    private void abortDegraded(Degradation.Kind kind, boolean responseSent) {
        if (responseSent) {
            degradation.record(Degradation.Kind.AFTER_SEND);
            return;
        }
        update(s -> new State(s.level(), s.pendingDisconnect(), s.closeHeaderWanted(), true));
        degradation.record(kind);
    }

    /**
     * @return whether the response needs nothing from the filter: no action asked, or a disconnect the container's
     *     extension carries out after the response by itself (or one already counted as degraded)
     */
    boolean leavesResponseAlone() {
        State current = state;
        return current == State.INITIAL || current.equals(State.DISCONNECT_ONLY);
    }

    /** @return whether a reset or close was asked: output must be discarded */
    boolean isAborted() {
        return state.level().isAbort();
    }

    /** @return whether the filter itself must end the response in place of a reset or close */
    boolean isAbortDegraded() {
        return state.abortDegraded();
    }

    /**
     * Ends a request whose reset or close the container could not do: an empty 500 with {@code Connection: close},
     * or, once the response is committed, an abort (the filter rethrows the exception returned, and the container
     * aborts the response).
     *
     * @return the exception that aborts a committed response; {@code null} if no abort was degraded or the 500 went
     */
    IOException endDegradedAbort(HttpServletResponse real) {
        if (!isAbortDegraded()) {
            return null;
        }
        if (real.isCommitted()) {
            return abortException(real, "iisport: the response was committed when the connection reset was asked, "
                    + "and the container has no iisport extension: the response is aborted");
        }
        real.reset();
        real.setStatus(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
        if (!request.getProtocol().startsWith("HTTP/2")) {
            // RFC 9113 section 8.2.2: HTTP/2 has no connection-specific fields; a stream ends with the response.
            real.setHeader("Connection", "close");
        }
        real.setContentLength(0);
        return null;
    }

    /**
     * The exception the filter rethrows to abort a committed response. Any {@link IOException} makes the container
     * abort it; on Tomcat it is Tomcat's own {@code org.apache.coyote.CloseNowException}, which Tomcat takes as
     * "close the connection now" and logs at DEBUG, where any other exception is logged as the servlet's failure on
     * every request (the degradation is already logged once, by {@link Degradation}).
     */
    private static IOException abortException(HttpServletResponse real, String message) {
        try {
            Class<?> closeNow = Class.forName("org.apache.coyote.CloseNowException", false,
                    real.getClass().getClassLoader());
            if (IOException.class.isAssignableFrom(closeNow)) {
                return (IOException) closeNow.getConstructor(String.class).newInstance(message);
            }
        } catch (ReflectiveOperationException | LinkageError | SecurityException notTomcat) {
            // Another container: a plain IOException.
        }
        return new IOException(message);
    }

    /** @return whether a disconnect is the strongest action asked */
    boolean isDisconnect() {
        return state.level() == Level.DISCONNECT;
    }
}
