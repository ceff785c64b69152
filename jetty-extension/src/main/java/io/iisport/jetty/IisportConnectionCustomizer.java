package io.iisport.jetty;

import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

import io.iisport.spi.ConnectionBridge;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Attributes;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;
import org.eclipse.jetty.util.annotation.ManagedOperation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * <p>Publishes the iisport connection actions of every HTTP/1 and HTTP/2 request as request attributes typed
 * with JDK types only, so that a web application, whose class loader cannot see Jetty's classes, can use them:</p>
 * <ul>
 *   <li>{@value ConnectionBridge#DISCONNECT_ATTRIBUTE}: a {@link Runnable} that closes the connection gracefully
 *   after the current response (HTTP/2: GOAWAY after the stream completes);</li>
 *   <li>{@value ConnectionBridge#RESET_ATTRIBUTE}: a {@link java.util.function.IntConsumer} that resets now with
 *   an HTTP/2 error code (HTTP/1: TCP RST, the code is not sent; HTTP/2: RST_STREAM on this stream only);</li>
 *   <li>{@value ConnectionBridge#CLOSE_ATTRIBUTE}: a {@link Runnable} that closes now without a response
 *   (HTTP/1: FIN; HTTP/2: RST_STREAM(CANCEL) on this stream, then GOAWAY).</li>
 * </ul>
 * <p>The attributes are synthetic: nothing is allocated for them until the web application reads one, so a
 * request that never asks only costs a request wrapper. Every action may be called from any thread and more
 * than once; a reset after a disconnect wins; after a reset or close, later writes to the response are
 * discarded without failing. Requests of other protocols (HTTP/3) do not get the attributes.</p>
 * <p>Install it on every connector with {@link #install(Server)}, which also keeps application resets out of
 * the HTTP/2 rapid-reset rate control (see {@link IisportRateControlFactory}), or add it to an
 * {@link HttpConfiguration} with {@link HttpConfiguration#addCustomizer(HttpConfiguration.Customizer)}.</p>
 */
@ManagedObject("iisport connection actions: graceful disconnect, TCP reset, HTTP/2 RST_STREAM and GOAWAY")
public class IisportConnectionCustomizer implements HttpConfiguration.Customizer
{
    private static final Logger LOG = LoggerFactory.getLogger(IisportConnectionCustomizer.class);
    private static final Set<String> ATTRIBUTES = Set.of(
        ConnectionBridge.DISCONNECT_ATTRIBUTE,
        ConnectionBridge.RESET_ATTRIBUTE,
        ConnectionBridge.CLOSE_ATTRIBUTE
    );

    private final LongAdder _disconnects = new LongAdder();
    private final LongAdder _resets = new LongAdder();
    private final LongAdder _streamResets = new LongAdder();
    private final LongAdder _goAways = new LongAdder();
    private final LongAdder _closes = new LongAdder();

    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders)
    {
        HttpVersion version = request.getConnectionMetaData().getHttpVersion();
        return switch (version)
        {
            case HTTP_1_0, HTTP_1_1 -> new Request.AttributesWrapper(request, new ActionAttributes(request, this, false));
            case HTTP_2 -> new Request.AttributesWrapper(request, new ActionAttributes(request, this, true));
            default -> request;
        };
    }

    /**
     * <p>Adds this customizer to the {@link HttpConfiguration} of every connector of the server that does not
     * have one yet, keeps application resets out of the rate control of every HTTP/2 connection factory, and
     * adds this customizer to the server as a bean, so its counters are exported when JMX is enabled.</p>
     * <p>Call it once the connectors are configured and before the server starts.</p>
     *
     * @param server the server
     */
    public void install(Server server)
    {
        boolean http2 = isHttp2Available();
        for (Connector connector : server.getConnectors())
        {
            for (ConnectionFactory factory : connector.getConnectionFactories())
            {
                if (factory instanceof HttpConfiguration.ConnectionFactory configured)
                {
                    HttpConfiguration configuration = configured.getHttpConfiguration();
                    if (configuration.getCustomizer(IisportConnectionCustomizer.class) == null)
                    {
                        configuration.addCustomizer(this);
                        if (LOG.isDebugEnabled())
                            LOG.debug("added to {} of {}", configuration, connector);
                    }
                }
                if (http2 && IisportRateControlFactory.install(factory) && LOG.isDebugEnabled())
                    LOG.debug("application resets exempted from the rate control of {}", factory);
            }
        }
        if (!server.contains(this))
            server.addBean(this);
    }

    private static boolean isHttp2Available()
    {
        try
        {
            Class.forName("org.eclipse.jetty.http2.server.AbstractHTTP2ServerConnectionFactory", false, IisportConnectionCustomizer.class.getClassLoader());
            return true;
        }
        catch (ClassNotFoundException | LinkageError x)
        {
            return false;
        }
    }

    @ManagedAttribute("The number of graceful disconnects requested")
    public long getDisconnects()
    {
        return _disconnects.sum();
    }

    @ManagedAttribute("The number of HTTP/1 connections reset (TCP RST)")
    public long getResets()
    {
        return _resets.sum();
    }

    @ManagedAttribute("The number of HTTP/2 streams reset (RST_STREAM)")
    public long getStreamResets()
    {
        return _streamResets.sum();
    }

    @ManagedAttribute("The number of HTTP/2 sessions shut down (GOAWAY)")
    public long getGoAways()
    {
        return _goAways.sum();
    }

    @ManagedAttribute("The number of connections closed without a response")
    public long getCloses()
    {
        return _closes.sum();
    }

    @ManagedOperation(value = "Resets the counters", impact = "ACTION")
    public void resetStatistics()
    {
        _disconnects.reset();
        _resets.reset();
        _streamResets.reset();
        _goAways.reset();
        _closes.reset();
    }

    void onDisconnect()
    {
        _disconnects.increment();
    }

    void onReset()
    {
        _resets.increment();
    }

    void onStreamReset()
    {
        _streamResets.increment();
    }

    void onGoAway()
    {
        _goAways.increment();
    }

    void onClose()
    {
        _closes.increment();
    }

    @Override
    public String toString()
    {
        return String.format("%s@%x[disconnects=%d,resets=%d,streamResets=%d,goAways=%d,closes=%d]",
            getClass().getSimpleName(), hashCode(), getDisconnects(), getResets(), getStreamResets(), getGoAways(), getCloses());
    }

    /**
     * The synthetic action attributes of one request; the actions are created, and the request's stream wrapped,
     * the first time one of them is read.
     */
    private static class ActionAttributes extends Attributes.Synthetic
    {
        private final Request _request;
        private final IisportConnectionCustomizer _customizer;
        private final boolean _http2;
        private volatile ConnectionActions _actions;

        private ActionAttributes(Request request, IisportConnectionCustomizer customizer, boolean http2)
        {
            super(request);
            _request = request;
            _customizer = customizer;
            _http2 = http2;
        }

        @Override
        protected Object getSyntheticAttribute(String name)
        {
            return switch (name)
            {
                case ConnectionBridge.DISCONNECT_ATTRIBUTE -> getConnectionActions().getDisconnect();
                case ConnectionBridge.RESET_ATTRIBUTE -> getConnectionActions().getReset();
                case ConnectionBridge.CLOSE_ATTRIBUTE -> getConnectionActions().getClose();
                default -> null;
            };
        }

        @Override
        protected Set<String> getSyntheticNameSet()
        {
            return ATTRIBUTES;
        }

        private ConnectionActions getConnectionActions()
        {
            ConnectionActions actions = _actions;
            if (actions == null)
            {
                // Only the first read of an action attribute of a request gets here.
                synchronized (this)
                {
                    actions = _actions;
                    if (actions == null)
                    {
                        actions = _http2
                            ? Http2ConnectionActions.newConnectionActions(_request, _customizer)
                            : new Http1ConnectionActions(_request, _customizer);
                        actions.install();
                        _actions = actions;
                    }
                }
            }
            return actions;
        }
    }
}
