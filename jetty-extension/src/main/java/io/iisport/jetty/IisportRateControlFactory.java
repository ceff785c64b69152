package io.iisport.jetty;

import java.util.Objects;

import org.eclipse.jetty.http2.server.AbstractHTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.RateControl;
import org.eclipse.jetty.server.ConnectionFactory;

/**
 * <p>A {@link RateControl.Factory} that keeps the RST_STREAM frames requested by the web application through the
 * reset action out of the HTTP/2 session's rate control, and counts every other event as its delegate does.</p>
 * <p>Jetty counts the RST_STREAM frames the server sends against the same per-session rate control that defends
 * against rapid resets (by default 128 events per second); past it, the session is closed with
 * ENHANCE_YOUR_CALM. Resets the application asks for are not caused by the client and must not close the
 * session, while the resets the server sends because of what the client did, and every frame the client
 * sends, stay counted.</p>
 */
public class IisportRateControlFactory implements RateControl.Factory
{
    private final RateControl.Factory _delegate;

    /**
     * @param delegate the factory of the rate control that counts every other event
     */
    public IisportRateControlFactory(RateControl.Factory delegate)
    {
        _delegate = Objects.requireNonNull(delegate);
    }

    /**
     * @return the factory of the rate control that counts every other event
     */
    public RateControl.Factory getDelegate()
    {
        return _delegate;
    }

    @Override
    public RateControl newRateControl(EndPoint endPoint)
    {
        RateControl rateControl = _delegate.newRateControl(endPoint);
        return event -> event instanceof ApplicationResetFrame || rateControl.onEvent(event);
    }

    /**
     * Wraps the rate control factory of an HTTP/2 server connection factory, once; affects the connections
     * created afterwards.
     *
     * @param factory a connection factory
     * @return whether the factory is an HTTP/2 one whose rate control factory was wrapped by this call
     */
    public static boolean install(ConnectionFactory factory)
    {
        if (factory instanceof AbstractHTTP2ServerConnectionFactory http2Factory &&
            !(http2Factory.getRateControlFactory() instanceof IisportRateControlFactory))
        {
            http2Factory.setRateControlFactory(new IisportRateControlFactory(http2Factory.getRateControlFactory()));
            return true;
        }
        return false;
    }

    @Override
    public String toString()
    {
        return String.format("%s@%x[%s]", getClass().getSimpleName(), hashCode(), _delegate);
    }
}
