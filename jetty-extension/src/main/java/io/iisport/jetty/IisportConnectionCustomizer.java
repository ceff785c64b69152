package io.iisport.jetty;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

import io.iisport.spi.ConnectionBridge;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;
import org.eclipse.jetty.util.annotation.ManagedOperation;
import org.eclipse.jetty.util.annotation.Name;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * <p>Publishes the iisport connection actions of every HTTP/1 and HTTP/2 request as request attributes typed
 * with JDK types only, so that a web application, whose class loader cannot see Jetty's classes, can use them:</p>
 * <ul>
 *   <li>{@value ConnectionBridge#DISCONNECT_ATTRIBUTE}: a {@link Runnable} that closes the connection gracefully
 *   after the current response (HTTP/2: GOAWAY after the stream completes, then the connection closes
 *   {@linkplain #setHttp2CloseGrace(long) shortly} after the last stream has ended);</li>
 *   <li>{@value ConnectionBridge#RESET_ATTRIBUTE}: a {@link java.util.function.IntConsumer} that resets now with
 *   an HTTP/2 error code (HTTP/1: TCP RST, the code is not sent; HTTP/2: RST_STREAM on this stream only);</li>
 *   <li>{@value ConnectionBridge#CLOSE_ATTRIBUTE}: a {@link Runnable} that closes now without a response
 *   (HTTP/1: FIN; HTTP/2: RST_STREAM(CANCEL) on this stream, then GOAWAY).</li>
 * </ul>
 * <p>The attributes are synthetic, and their values are only created when read; what every request pays is a
 * request wrapper and a wrapper of its {@code HttpStream}, installed before the response is written so that a
 * write in progress when an action is called from another thread completes without failing. Every action may
 * be called from any thread and more than once; a reset after a disconnect wins; after a reset or close, later
 * writes to the response are discarded without failing. Requests of other protocols (HTTP/3) do not get the
 * attributes.</p>
 * <p>Install it on every connector with {@link #install(Server)} before the server starts, or create it with
 * {@link #IisportConnectionCustomizer(Server)} and add it to the server as a bean, to install it when the server
 * starts; either way it also keeps application resets out of the HTTP/2 rapid-reset rate control (see
 * {@link IisportRateControlFactory}). Added to an {@link HttpConfiguration} with
 * {@link HttpConfiguration#addCustomizer(HttpConfiguration.Customizer)} alone, it leaves the rate control as it
 * is.</p>
 */
@ManagedObject("iisport connection actions: graceful disconnect, TCP reset, HTTP/2 RST_STREAM and GOAWAY")
public class IisportConnectionCustomizer extends AbstractLifeCycle implements HttpConfiguration.Customizer
{
    /**
     * The default of {@link #getHttp2CloseGrace()}, in milliseconds.
     */
    public static final long DEFAULT_HTTP2_CLOSE_GRACE = 100;
    private static final Logger LOG = LoggerFactory.getLogger(IisportConnectionCustomizer.class);
    private static final String VERSION = readVersion();
    private final Server _server;
    private volatile Server _installedOn;
    /** The connectors {@link #install(Server)} found on the server, customized. */
    private final List<Connector> _installedConnectors = new CopyOnWriteArrayList<>();
    private final LongAdder _disconnects = new LongAdder();
    private final LongAdder _resets = new LongAdder();
    private final LongAdder _streamResets = new LongAdder();
    private final LongAdder _goAways = new LongAdder();
    private final LongAdder _closes = new LongAdder();
    private volatile boolean _exemptApplicationResets = true;
    private volatile long _http2CloseGrace = DEFAULT_HTTP2_CLOSE_GRACE;

    /**
     * Creates a customizer to add to an {@link HttpConfiguration}, or to install with {@link #install(Server)}.
     */
    public IisportConnectionCustomizer()
    {
        this(null);
    }

    /**
     * Creates a customizer that installs itself on every connector of the server when it starts, as a bean of
     * the server; this is how the {@code iisport} module of a Jetty distribution installs it, after every
     * connector is configured, whatever the order of the modules.
     *
     * @param server the server, or {@code null}
     */
    public IisportConnectionCustomizer(@Name("server") Server server)
    {
        _server = server;
    }

    /**
     * Installs this customizer on the connectors of the server given to the constructor, if any; then, if it was
     * installed on a server ({@link #install(Server)}), logs one INFO line naming the extension, its version and the
     * connectors it covers (those {@code install} customized, if the server holds no connector as it starts: Spring
     * Boot's embedded Jetty adds its connectors back once the application is ready), or a WARN if it covers none (a
     * server without connectors serves nothing: a Jetty distribution needs a connector module such as {@code http}).
     */
    @Override
    protected void doStart() throws Exception
    {
        if (_server != null)
            install(_server);
        super.doStart();
        Server server = _installedOn;
        if (server == null)
            return;
        List<String> covered = coveredConnectors(List.of(server.getConnectors()));
        if (!covered.isEmpty())
        {
            LOG.info("iisport-jetty-extension {} started: connection actions on {}", VERSION, String.join(", ", covered));
            return;
        }
        // Spring Boot's embedded Jetty starts its server without the connectors it configured, and adds them back
        // when the application is ready.
        List<String> installed = coveredConnectors(_installedConnectors);
        if (installed.isEmpty())
            LOG.warn("iisport-jetty-extension {} covers no connector: add a connector (the http, http2c or https module) and install the extension after it", VERSION);
        else
            LOG.info("iisport-jetty-extension {} started: connection actions on {}, once the server serves through them", VERSION, String.join(", ", installed));
    }

    /**
     * @return each connector whose HTTP configuration has this customizer, as its protocols and, for a network
     * connector, its host and port (0: an ephemeral port, chosen when the connector opens)
     */
    private List<String> coveredConnectors(List<Connector> connectors)
    {
        List<String> covered = new ArrayList<>();
        for (Connector connector : connectors)
        {
            boolean customized = connector.getConnectionFactories().stream()
                .anyMatch(factory -> factory instanceof HttpConfiguration.ConnectionFactory configured &&
                    configured.getHttpConfiguration().getCustomizers().contains(this));
            if (!customized)
                continue;
            String where = connector instanceof NetworkConnector network
                ? "@" + (network.getHost() == null ? "*" : network.getHost()) + ":" + network.getPort()
                : "";
            covered.add(connector.getProtocols() + where);
        }
        return covered;
    }

    private static String readVersion()
    {
        Properties properties = new Properties();
        try (InputStream in = IisportConnectionCustomizer.class.getResourceAsStream("iisport-jetty-extension.properties"))
        {
            if (in != null)
                properties.load(in);
        }
        catch (IOException x)
        {
            throw new UncheckedIOException(x);
        }
        return properties.getProperty("version", "(unknown version)");
    }

    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders)
    {
        HttpVersion version = request.getConnectionMetaData().getHttpVersion();
        ConnectionActions actions = switch (version)
        {
            case HTTP_1_0, HTTP_1_1 -> new Http1ConnectionActions(request, this);
            case HTTP_2 -> Http2ConnectionActions.newConnectionActions(request, this);
            default -> null;
        };
        if (actions == null)
            return request;
        actions.install();
        return new Request.AttributesWrapper(request, actions);
    }

    /**
     * <p>Adds this customizer to the {@link HttpConfiguration} of every connector of the server that does not
     * have one yet, keeps application resets out of the rate control of every HTTP/2 connection factory (unless
     * {@link #isExemptApplicationResets()} is false), and adds this customizer to the server as a bean, so its
     * counters are exported when JMX is enabled.</p>
     * <p>Call it once the connectors are configured and before the server starts.</p>
     *
     * @param server the server
     */
    public void install(Server server)
    {
        boolean exempt = isExemptApplicationResets() && isHttp2Available();
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
                    if (!_installedConnectors.contains(connector))
                        _installedConnectors.add(connector);
                }
                if (exempt && IisportRateControlFactory.install(factory) && LOG.isDebugEnabled())
                    LOG.debug("application resets exempted from the rate control of {}", factory);
            }
        }
        if (!server.contains(this))
            server.addBean(this);
        _installedOn = server;
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

    @ManagedAttribute("Whether install keeps the HTTP/2 resets requested by the application out of the rapid-reset rate control")
    public boolean isExemptApplicationResets()
    {
        return _exemptApplicationResets;
    }

    /**
     * @param exempt whether {@link #install(Server)} keeps the HTTP/2 resets requested by the application out of
     * the rapid-reset rate control of the HTTP/2 connection factories (by default true)
     */
    public void setExemptApplicationResets(boolean exempt)
    {
        _exemptApplicationResets = exempt;
    }

    @ManagedAttribute("How long, in ms, an HTTP/2 connection shut down by a web application stays open after its final GOAWAY")
    public long getHttp2CloseGrace()
    {
        return _http2CloseGrace;
    }

    /**
     * <p>Sets how long an HTTP/2 connection that a disconnect or close shut down stays open after the server sent
     * its final GOAWAY, the one sent once no stream is left: a client that answers the GOAWAY closes the
     * connection itself in that time; otherwise the server closes it when the grace ends (under TLS with
     * close_notify, then FIN), rather than waiting for the idle timeout. RFC 9113 §6.8 lets the sender of a
     * GOAWAY close the connection once the streams it processes have ended.</p>
     * <p>Applies to the sessions shut down from then on.</p>
     *
     * @param millis the grace in milliseconds, 0 or more; by default {@value #DEFAULT_HTTP2_CLOSE_GRACE}
     * @throws IllegalArgumentException if {@code millis} is negative
     */
    public void setHttp2CloseGrace(long millis)
    {
        if (millis < 0)
            throw new IllegalArgumentException("Invalid http2CloseGrace: " + millis + " ms, it must be 0 or more");
        _http2CloseGrace = millis;
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
        return String.format("%s@%x{%s}[disconnects=%d,resets=%d,streamResets=%d,goAways=%d,closes=%d]",
            getClass().getSimpleName(), hashCode(), getState(), getDisconnects(), getResets(), getStreamResets(), getGoAways(), getCloses());
    }
}
