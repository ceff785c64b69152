package io.iisport.tomcat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.LongAdder;

import io.iisport.spi.ConnectionBridge;
import jakarta.servlet.ServletException;
import org.apache.catalina.Container;
import org.apache.catalina.Engine;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.UpgradeProtocol;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;

/**
 * <p>Publishes the iisport connection actions of every HTTP/1.0, HTTP/1.1 and HTTP/2 request as request
 * attributes typed with JDK types only, so that a web application, whose class loader cannot see Tomcat's
 * classes, can use them:</p>
 * <ul>
 *   <li>{@value ConnectionBridge#DISCONNECT_ATTRIBUTE}: a {@link Runnable} that closes the connection gracefully
 *   after the current response: HTTP/1 completes the response, even if already committed or chunked, then closes
 *   (FIN) without handling a further request; HTTP/2 sends GOAWAY(NO_ERROR) and closes the connection once its
 *   streams are done, whether or not the client answers;</li>
 *   <li>{@value ConnectionBridge#RESET_ATTRIBUTE}: a {@link java.util.function.IntConsumer} that resets with an
 *   HTTP/2 error code: HTTP/1 sends a TCP RST at once (the code is not sent); HTTP/2 sends RST_STREAM on this
 *   stream only, when the request returns to Tomcat;</li>
 *   <li>{@value ConnectionBridge#CLOSE_ATTRIBUTE}: a {@link Runnable} that closes without a response: HTTP/1
 *   closes the connection (FIN) when the request returns to Tomcat; HTTP/2 resets the stream with CANCEL, then
 *   closes the connection as for a disconnect.</li>
 * </ul>
 * <p>After a reset or close, later writes to the response are discarded without failing. Every action may be
 * called more than once, a reset after a disconnect wins, and once the request has completed the actions do
 * nothing. The details, and what they need of Tomcat's internals, are in {@code TomcatInternals}: a Tomcat whose
 * internals differ from the tested versions (10.1.34, 11.0.15) gets no attributes, and the module filter degrades
 * as it does without this extension, with its usual WARN.</p>
 * <p>Why a {@code Valve}: the actions belong to each request, need the connector's request and response objects
 * (which only a Valve sees) and must be in place before the web application runs; a Valve is how Tomcat adds
 * per-request behaviour at server level (as {@code RemoteIpValve} and {@code AccessLogValve} do), and it is
 * installed with one line in {@code server.xml}, inside {@code <Engine>} so that every host and application gets
 * it:</p>
 * <pre>{@code <Valve className="io.iisport.tomcat.IisportConnectionValve"/>}</pre>
 * <p>Tomcat registers the Valve with JMX (for example {@code Catalina:type=Valve,name=IisportConnectionValve}),
 * where its counters can be read and reset.</p>
 */
public class IisportConnectionValve extends ValveBase {
    private static final Log LOG = LogFactory.getLog(IisportConnectionValve.class);
    private static final String VERSION = readVersion();
    private final LongAdder disconnects = new LongAdder();
    private final LongAdder resets = new LongAdder();
    private final LongAdder streamResets = new LongAdder();
    private final LongAdder goAways = new LongAdder();
    private final LongAdder closes = new LongAdder();

    /** Creates the Valve; it supports asynchronous requests. */
    public IisportConnectionValve() {
        super(true);
    }

    /**
     * Starts the Valve and logs one INFO line naming the extension, its version and the connectors of the service it
     * covers (those of the service whose engine holds it).
     *
     * @throws LifecycleException if the Valve cannot start
     */
    @Override
    protected synchronized void startInternal() throws LifecycleException {
        super.startInternal();
        List<String> covered = new ArrayList<>();
        Container container = getContainer();
        while (container != null && !(container instanceof Engine)) {
            container = container.getParent();
        }
        if (container instanceof Engine engine && engine.getService() != null) {
            for (Connector connector : engine.getService().findConnectors()) {
                List<String> protocols = new ArrayList<>(List.of(connector.getScheme()));
                for (UpgradeProtocol upgrade : connector.findUpgradeProtocols()) {
                    protocols.add(connector.getSecure() ? upgrade.getAlpnName() : upgrade.getHttpUpgradeName(false));
                }
                covered.add(connector + " " + protocols);
            }
        }
        LOG.info("iisport-tomcat-extension " + VERSION + " started: connection actions on "
                + (covered.isEmpty() ? "the connectors of its container" : String.join(", ", covered)));
    }

    private static String readVersion() {
        Properties properties = new Properties();
        try (InputStream in = IisportConnectionValve.class.getResourceAsStream("iisport-tomcat-extension.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        return properties.getProperty("version", "(unknown version)");
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        ConnectionActions actions = null;
        try {
            actions = ConnectionActions.install(request, this);
        } catch (RuntimeException | LinkageError x) {
            // Never fail a request for the actions: without them, the module filter degrades as documented.
            LOG.warn("iisport: no connection actions for this request", x);
        }
        try {
            getNext().invoke(request, response);
        } finally {
            if (actions != null) {
                actions.afterService(request);
            }
        }
    }

    /** @return the number of graceful disconnects requested */
    public long getDisconnects() {
        return disconnects.sum();
    }

    /** @return the number of HTTP/1 connections reset (TCP RST) */
    public long getResets() {
        return resets.sum();
    }

    /** @return the number of HTTP/2 streams reset (RST_STREAM) */
    public long getStreamResets() {
        return streamResets.sum();
    }

    /** @return the number of HTTP/2 connections closed with GOAWAY after a disconnect or close */
    public long getGoAways() {
        return goAways.sum();
    }

    /** @return the number of connections (HTTP/1) or streams (HTTP/2) closed without a response */
    public long getCloses() {
        return closes.sum();
    }

    /** Resets the counters to 0. */
    public void resetStatistics() {
        disconnects.reset();
        resets.reset();
        streamResets.reset();
        goAways.reset();
        closes.reset();
    }

    void onDisconnect() {
        disconnects.increment();
    }

    void onReset() {
        resets.increment();
    }

    void onStreamReset() {
        streamResets.increment();
    }

    void onGoAway() {
        goAways.increment();
    }

    void onClose() {
        closes.increment();
    }

    @Override
    public String toString() {
        return String.format("%s[disconnects=%d,resets=%d,streamResets=%d,goAways=%d,closes=%d]",
                getClass().getSimpleName(), getDisconnects(), getResets(), getStreamResets(), getGoAways(), getCloses());
    }
}
