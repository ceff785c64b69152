package io.iisport.jetty;

import java.util.Set;
import java.util.function.IntConsumer;

import io.iisport.spi.ConnectionBridge;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Attributes;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.AutoLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * <p>The connection actions of one request, handed to the web application as synthetic request attributes
 * typed with JDK types only.</p>
 * <p>The actions follow the precedence of {@link ConnectionBridge} (its "Precedence" section, the one statement of
 * the contract): the levels {@link #NONE} &lt; {@link #DISCONNECT} &lt; {@link #CLOSE} &lt; {@link #RESET} only
 * move forward, so a weaker or repeated action does nothing and a reset after a close still resets.</p>
 * <p>An action and the completion of the request exclude each other: an action runs whole, from raising the level
 * to what it does on the wire, before the completion sees the level, and an action called once the request
 * completed does nothing. So the completion acts on a finished action (an HTTP/1 reset has set {@code SO_LINGER}
 * before the completion fails the connection, which would otherwise close it with a FIN; an HTTP/2 reset has sent
 * its own RST_STREAM, with the code asked, before the completion's), and no action reaches the connection or the
 * stream once Jetty may use them for another request.</p>
 * <p>The protocol subclasses wrap the request's stream in an {@link HttpStream.Wrapper} that applies the level
 * at the points where the response is prepared, sent and completed. The wrapper is installed when the request
 * is customized, before any write, so that a write in progress when an action is called from another thread
 * completes without failing; the action objects themselves are only created when the web application reads
 * an attribute.</p>
 */
abstract class ConnectionActions extends Attributes.Synthetic
{
    static final int NONE = 0;
    static final int DISCONNECT = 1;
    static final int CLOSE = 2;
    static final int RESET = 3;
    private static final int LEVEL_MASK = 0xFF;
    private static final int COMPLETED = 0x100;

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionActions.class);

    private static final Set<String> ATTRIBUTES = Set.of(
        ConnectionBridge.DISCONNECT_ATTRIBUTE,
        ConnectionBridge.RESET_ATTRIBUTE,
        ConnectionBridge.CLOSE_ATTRIBUTE
    );

    private final Request _request;
    private final IisportConnectionCustomizer _customizer;
    // Created on first read; a racing read may create a second, equivalent, stateless object.
    private Runnable _disconnect;
    private IntConsumer _reset;
    private Runnable _close;
    /** Held by an action while it runs, and by the completion while it marks the request completed. */
    private final AutoLock _lock = new AutoLock();
    /** The level, and {@link #COMPLETED}; written under {@link #_lock}, read without it. */
    private volatile int _state;

    ConnectionActions(Request request, IisportConnectionCustomizer customizer)
    {
        super(request);
        _request = request;
        _customizer = customizer;
    }

    @Override
    protected Object getSyntheticAttribute(String name)
    {
        return switch (name)
        {
            case ConnectionBridge.DISCONNECT_ATTRIBUTE -> getDisconnect();
            case ConnectionBridge.RESET_ATTRIBUTE -> getReset();
            case ConnectionBridge.CLOSE_ATTRIBUTE -> getClose();
            default -> null;
        };
    }

    @Override
    protected Set<String> getSyntheticNameSet()
    {
        return ATTRIBUTES;
    }

    /**
     * Installs the stream wrapper; if the request has already completed, every action will do nothing.
     */
    void install()
    {
        try
        {
            _request.addHttpStreamWrapper(this::newHttpStream);
        }
        catch (IllegalStateException x)
        {
            // The stream is gone: the request has already completed.
            if (LOG.isDebugEnabled())
                LOG.debug("request already completed, actions disabled {}", _request, x);
            complete();
        }
    }

    Request getRequest()
    {
        return _request;
    }

    IisportConnectionCustomizer getCustomizer()
    {
        return _customizer;
    }

    Runnable getDisconnect()
    {
        Runnable disconnect = _disconnect;
        if (disconnect == null)
            _disconnect = disconnect = new Disconnect();
        return disconnect;
    }

    IntConsumer getReset()
    {
        IntConsumer reset = _reset;
        if (reset == null)
            _reset = reset = new Reset();
        return reset;
    }

    Runnable getClose()
    {
        Runnable close = _close;
        if (close == null)
            _close = close = new Close();
        return close;
    }

    /**
     * @return the current action level, one of {@link #NONE}, {@link #DISCONNECT}, {@link #CLOSE}, {@link #RESET}
     */
    int getLevel()
    {
        return _state & LEVEL_MASK;
    }

    /**
     * Marks the request completed, after which actions do nothing; waits for an action in progress to finish.
     *
     * @return the action level at completion
     */
    int complete()
    {
        try (AutoLock ignored = _lock.lock())
        {
            int state = _state;
            _state = state | COMPLETED;
            return state & LEVEL_MASK;
        }
    }

    /**
     * Raises the level and, if it was raised, runs the action, both before the request may complete.
     *
     * @return whether the level was raised and the action ran
     */
    private boolean act(int level, Runnable action)
    {
        try (AutoLock ignored = _lock.lock())
        {
            int state = _state;
            if ((state & COMPLETED) != 0 || (state & LEVEL_MASK) >= level)
                return false;
            _state = level;
            if (LOG.isDebugEnabled())
                LOG.debug("{} {}", levelName(level), this);
            action.run();
            return true;
        }
    }

    /**
     * Creates the protocol specific wrapper of the request's stream.
     */
    protected abstract HttpStream newHttpStream(HttpStream stream);

    /**
     * Called once, after the level moved to {@link #DISCONNECT}, before the request may complete: the completion waits
     * for it to return.
     */
    protected abstract void onDisconnect();

    /**
     * Called once, after the level moved to {@link #CLOSE}, before the request may complete: the completion waits
     * for it to return.
     */
    protected abstract void onClose();

    /**
     * Called once, after the level moved to {@link #RESET}, before the request may complete: the completion waits
     * for it to return.
     */
    protected abstract void onReset(int errorCode);

    /**
     * Completes the callback of a send that was discarded because of a reset or close, or lets the
     * failure of a send through when the response was not reset nor closed.
     */
    protected Callback newSendCallback(Callback callback)
    {
        return new Callback.Nested(callback)
        {
            @Override
            public void failed(Throwable x)
            {
                if (getLevel() >= CLOSE)
                {
                    if (LOG.isDebugEnabled())
                        LOG.debug("ignoring send failure after {} {}", levelName(getLevel()), _request, x);
                    super.succeeded();
                }
                else
                {
                    super.failed(x);
                }
            }
        };
    }

    static String levelName(int level)
    {
        return switch (level)
        {
            case NONE -> "none";
            case DISCONNECT -> "disconnect";
            case CLOSE -> "close";
            case RESET -> "reset";
            default -> String.valueOf(level);
        };
    }

    @Override
    public String toString()
    {
        int state = _state;
        return String.format("%s@%x[%s,completed=%b,%s]", getClass().getSimpleName(), hashCode(),
            levelName(state & LEVEL_MASK), (state & COMPLETED) != 0, _request);
    }

    private class Disconnect implements Runnable
    {
        @Override
        public void run()
        {
            if (!act(DISCONNECT, this::disconnect) && LOG.isDebugEnabled())
                LOG.debug("disconnect ignored {}", ConnectionActions.this);
        }

        private void disconnect()
        {
            _customizer.onDisconnect();
            onDisconnect();
        }

        @Override
        public String toString()
        {
            return "disconnect:" + ConnectionActions.this;
        }
    }

    private class Reset implements IntConsumer
    {
        @Override
        public void accept(int errorCode)
        {
            if (errorCode < 0)
                throw new IllegalArgumentException("Invalid HTTP/2 error code: " + errorCode);
            if (!act(RESET, () -> onReset(errorCode)) && LOG.isDebugEnabled())
                LOG.debug("reset ignored {}", ConnectionActions.this);
        }

        @Override
        public String toString()
        {
            return "reset:" + ConnectionActions.this;
        }
    }

    private class Close implements Runnable
    {
        @Override
        public void run()
        {
            if (!act(CLOSE, this::close) && LOG.isDebugEnabled())
                LOG.debug("close ignored {}", ConnectionActions.this);
        }

        private void close()
        {
            _customizer.onClose();
            onClose();
        }

        @Override
        public String toString()
        {
            return "close:" + ConnectionActions.this;
        }
    }
}
