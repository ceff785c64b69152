package io.iisport.jetty;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Set;
import java.util.function.IntConsumer;

import io.iisport.spi.ConnectionBridge;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Attributes;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * <p>The connection actions of one request, handed to the web application as synthetic request attributes
 * typed with JDK types only.</p>
 * <p>The actions follow the precedence of {@link ConnectionBridge} (its "Precedence" section, the one statement of
 * the contract): the levels {@link #NONE} &lt; {@link #DISCONNECT} &lt; {@link #CLOSE} &lt; {@link #RESET} only
 * move forward, so a weaker or repeated action does nothing and a reset after a close still resets. The level and
 * the completion share one atomic word, so an action racing with the completion of the request is either seen by
 * the completion or refused.</p>
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
    private static final VarHandle STATE;

    static
    {
        try
        {
            STATE = MethodHandles.lookup().findVarHandle(ConnectionActions.class, "_state", int.class);
        }
        catch (ReflectiveOperationException x)
        {
            throw new ExceptionInInitializerError(x);
        }
    }

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
    @SuppressWarnings("unused") // accessed through STATE
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
        return (int)STATE.getVolatile(this) & LEVEL_MASK;
    }

    /**
     * Marks the request completed, after which actions do nothing.
     *
     * @return the action level at completion
     */
    int complete()
    {
        while (true)
        {
            int state = (int)STATE.getVolatile(this);
            if (STATE.compareAndSet(this, state, state | COMPLETED))
                return state & LEVEL_MASK;
        }
    }

    private boolean advance(int level)
    {
        while (true)
        {
            int state = (int)STATE.getVolatile(this);
            if ((state & COMPLETED) != 0 || (state & LEVEL_MASK) >= level)
                return false;
            if (STATE.compareAndSet(this, state, level))
                return true;
        }
    }

    /**
     * Creates the protocol specific wrapper of the request's stream.
     */
    protected abstract HttpStream newHttpStream(HttpStream stream);

    /**
     * Called once, after the level moved to {@link #DISCONNECT}.
     */
    protected abstract void onDisconnect();

    /**
     * Called once, after the level moved to {@link #CLOSE}.
     */
    protected abstract void onClose();

    /**
     * Called once, after the level moved to {@link #RESET}.
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
        int state = (int)STATE.getVolatile(this);
        return String.format("%s@%x[%s,completed=%b,%s]", getClass().getSimpleName(), hashCode(),
            levelName(state & LEVEL_MASK), (state & COMPLETED) != 0, _request);
    }

    private class Disconnect implements Runnable
    {
        @Override
        public void run()
        {
            if (advance(DISCONNECT))
            {
                if (LOG.isDebugEnabled())
                    LOG.debug("disconnect {}", ConnectionActions.this);
                _customizer.onDisconnect();
                onDisconnect();
            }
            else if (LOG.isDebugEnabled())
            {
                LOG.debug("disconnect ignored {}", ConnectionActions.this);
            }
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
            if (advance(RESET))
            {
                if (LOG.isDebugEnabled())
                    LOG.debug("reset {} {}", errorCode, ConnectionActions.this);
                onReset(errorCode);
            }
            else if (LOG.isDebugEnabled())
            {
                LOG.debug("reset ignored {}", ConnectionActions.this);
            }
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
            if (advance(CLOSE))
            {
                if (LOG.isDebugEnabled())
                    LOG.debug("close {}", ConnectionActions.this);
                _customizer.onClose();
                onClose();
            }
            else if (LOG.isDebugEnabled())
            {
                LOG.debug("close ignored {}", ConnectionActions.this);
            }
        }

        @Override
        public String toString()
        {
            return "close:" + ConnectionActions.this;
        }
    }
}
