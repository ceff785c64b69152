package io.iisport.tomcat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

import io.iisport.spi.ConnectionBridge;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import org.apache.catalina.connector.Request;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;

/**
 * <p>The connection actions of one request, handed to the web application as request attributes typed with JDK
 * types only (see {@link ConnectionBridge}).</p>
 * <p>The actions follow the precedence of {@link ConnectionBridge} (its "Precedence" section, the one statement of
 * the contract): the levels {@link Level#NONE} &lt; {@link Level#DISCONNECT} &lt; {@link Level#CLOSE} &lt;
 * {@link Level#RESET} only move forward, so a weaker or repeated action does nothing and a reset after a close
 * still resets. The request completes when the application has returned and, for an asynchronous request, the
 * async cycle completed; from then every action does nothing, because Tomcat reuses its request, response and
 * processor objects for other connections. An action is carried out under this object's lock and the completion
 * takes it too, so an action another thread started just before the completion is over before Tomcat may reuse
 * them: it never reaches another connection.</p>
 */
final class ConnectionActions implements AsyncListener {
    /** How far the application has asked to take the connection. */
    enum Level {
        NONE, DISCONNECT, CLOSE, RESET
    }

    private static final Log LOG = LogFactory.getLog(ConnectionActions.class);
    private static final Level[] LEVELS = Level.values();
    private static final int COMPLETED = 0x100;
    private static final int LEVEL_MASK = 0xFF;

    private final TomcatInternals.Connection connection;
    private final IisportConnectionValve valve;
    /** The level's ordinal, and {@link #COMPLETED}. */
    private final AtomicInteger state = new AtomicInteger();

    ConnectionActions(TomcatInternals.Connection connection, IisportConnectionValve valve) {
        this.connection = connection;
        this.valve = valve;
    }

    /**
     * Publishes the actions of the request as its attributes.
     *
     * @return the actions, or {@code null} if this Tomcat cannot act on the request's connection (no attribute is
     * then published, and the module filter degrades as without the extension)
     */
    static ConnectionActions install(Request request, IisportConnectionValve valve) {
        TomcatInternals.Connection connection = TomcatInternals.connection(request);
        if (connection == null) {
            return null;
        }
        ConnectionActions actions = new ConnectionActions(connection, valve);
        TomcatInternals.publish(request, ConnectionBridge.DISCONNECT_ATTRIBUTE, (Runnable) actions::disconnect);
        TomcatInternals.publish(request, ConnectionBridge.RESET_ATTRIBUTE, (IntConsumer) actions::reset);
        TomcatInternals.publish(request, ConnectionBridge.CLOSE_ATTRIBUTE, (Runnable) actions::close);
        return actions;
    }

    Level getLevel() {
        return LEVELS[state.get() & LEVEL_MASK];
    }

    private boolean advance(Level level) {
        while (true) {
            int current = state.get();
            if ((current & COMPLETED) != 0 || (current & LEVEL_MASK) >= level.ordinal()) {
                if (LOG.isDebugEnabled()) {
                    LOG.debug("iisport: " + level + " ignored at " + this);
                }
                return false;
            }
            if (state.compareAndSet(current, level.ordinal())) {
                return true;
            }
        }
    }

    synchronized void disconnect() {
        if (advance(Level.DISCONNECT)) {
            valve.onDisconnect();
            apply(Level.DISCONNECT, () -> connection.disconnect(valve::onGoAway));
        }
    }

    /** Carries an action out; a failure is logged, never thrown into the application. */
    private void apply(Level level, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException | LinkageError x) {
            LOG.warn("iisport: " + level + " failed on this Tomcat " + this, x);
        }
    }

    synchronized void reset(int errorCode) {
        if (errorCode < 0) {
            throw new IllegalArgumentException("HTTP/2 error code must be 0 or more, not " + errorCode);
        }
        if (advance(Level.RESET)) {
            if (connection.isHttp2()) {
                valve.onStreamReset();
            } else {
                valve.onReset();
            }
            apply(Level.RESET, () -> connection.reset(errorCode));
        }
    }

    synchronized void close() {
        if (advance(Level.CLOSE)) {
            valve.onClose();
            apply(Level.CLOSE, connection::close);
        }
    }

    /**
     * Called when the application has returned from the request: keeps a reset or closed response discarded and,
     * for HTTP/2, starts the graceful close that follows a close; completes the actions, unless the request is
     * asynchronous, in which case they complete with the async cycle.
     */
    synchronized void afterService(Request request) {
        Level level = getLevel();
        if (level.compareTo(Level.CLOSE) >= 0) {
            apply(level, connection::afterAbort);
        }
        if (level == Level.CLOSE && connection.isHttp2()) {
            apply(level, () -> connection.disconnect(valve::onGoAway));
        }
        if (request.isAsync()) {
            try {
                request.getAsyncContext().addListener(this);
                return;
            } catch (IllegalStateException x) {
                // The async cycle has already ended.
            }
        }
        complete();
    }

    /** The request completed: later actions do nothing; waits for one in progress on another thread. */
    synchronized void complete() {
        state.getAndUpdate(current -> current | COMPLETED);
    }

    @Override
    public void onComplete(AsyncEvent event) {
        complete();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        // onComplete follows.
    }

    @Override
    public void onError(AsyncEvent event) {
        // onComplete follows.
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // A new async cycle of the same request: its listeners start empty.
        event.getAsyncContext().addListener(this);
    }

    @Override
    public String toString() {
        int current = state.get();
        return String.format("%s@%x[%s,completed=%b,http2=%b]", getClass().getSimpleName(), hashCode(),
                LEVELS[current & LEVEL_MASK], (current & COMPLETED) != 0, connection.isHttp2());
    }
}
