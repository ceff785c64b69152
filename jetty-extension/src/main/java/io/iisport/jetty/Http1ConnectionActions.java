package io.iisport.jetty;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.NetworkChannel;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.QuietException;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * <p>The connection actions of an HTTP/1.0 or HTTP/1.1 request (plain or TLS).</p>
 * <ul>
 *   <li>disconnect: the response completes normally; {@code Connection: close} is added if the headers are not
 *   yet sent, and the connection is made non-persistent, so that the output is shut down (FIN) after the last
 *   byte, chunked terminator included, and no later request of the connection, pipelined or not, is handled.</li>
 *   <li>reset: at once, {@code SO_LINGER} is set to 0 on the socket and the network endpoint is closed, so the
 *   client receives a TCP RST (no TLS {@code close_notify}); later writes are discarded and the request is
 *   completed as failed, so the connection is never reused.</li>
 *   <li>close: later writes are discarded, no later request of the connection is handled, and the output is shut
 *   down (FIN, after a TLS {@code close_notify}) without a response when the request completes, or at once if a
 *   send is in progress, so that a write blocked on a slow client is released. A FIN rather than a RST, because
 *   that is what separates a close from a reset. Waiting for the completion when nothing is being sent keeps the
 *   {@link io.iisport.spi.ConnectionBridge} precedence true on the wire: a reset after a close still reaches the
 *   client as a RST, where a FIN already sent would have hidden it (as it does after a close that had to release
 *   a write in progress).</li>
 * </ul>
 */
class Http1ConnectionActions extends ConnectionActions
{
    private static final Logger LOG = LoggerFactory.getLogger(Http1ConnectionActions.class);

    /** Sends handed to the connection and not completed yet; counted before the level is checked. */
    private final AtomicInteger _sending = new AtomicInteger();

    Http1ConnectionActions(Request request, IisportConnectionCustomizer customizer)
    {
        super(request, customizer);
    }

    private Connection getConnection()
    {
        return getRequest().getConnectionMetaData().getConnection();
    }

    @Override
    protected HttpStream newHttpStream(HttpStream stream)
    {
        return new Http1Stream(stream);
    }

    @Override
    protected void onDisconnect()
    {
        // Applied by the stream wrapper, in the thread that prepares, sends or completes the response.
    }

    @Override
    protected void onClose()
    {
        // A send that started before the close is counted here: release it now. Otherwise the FIN goes when the
        // request completes (Http1Stream.succeeded or failed), and a send that starts later is discarded.
        if (_sending.get() > 0)
            getConnection().getEndPoint().shutdownOutput();
    }

    @Override
    protected void onReset(int errorCode)
    {
        getCustomizer().onReset();
        EndPoint endPoint = getConnection().getEndPoint();
        while (endPoint instanceof EndPoint.Wrapper wrapper)
        {
            endPoint = wrapper.unwrap();
        }
        if (endPoint.getTransport() instanceof NetworkChannel channel)
        {
            try
            {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
            catch (IOException | UnsupportedOperationException x)
            {
                if (LOG.isDebugEnabled())
                    LOG.debug("could not set SO_LINGER on {}", endPoint, x);
            }
        }
        endPoint.close(new QuietException.Exception("reset by the application"));
    }

    private class Http1Stream extends HttpStream.Wrapper
    {
        private Http1Stream(HttpStream wrapped)
        {
            super(wrapped);
        }

        @Override
        public void prepareResponse(HttpFields.Mutable headers)
        {
            if (getLevel() == DISCONNECT)
                headers.ensureField(HttpFields.CONNECTION_CLOSE);
            super.prepareResponse(headers);
        }

        @Override
        public void send(MetaData.Request request, MetaData.Response response, boolean last, ByteBuffer content, Callback callback)
        {
            _sending.incrementAndGet();
            int level = getLevel();
            if (level >= CLOSE)
            {
                _sending.decrementAndGet();
                if (LOG.isDebugEnabled())
                    LOG.debug("discarding send after {} {}", levelName(level), Http1ConnectionActions.this);
                callback.succeeded();
                return;
            }
            // Sends are serialized, so the generator is not in use by another thread here.
            if (level == DISCONNECT)
                HttpConnectionInternals.setNonPersistent(getConnection());
            super.send(request, response, last, content, newSendCallback(new Callback.Nested(callback)
            {
                @Override
                public void succeeded()
                {
                    _sending.decrementAndGet();
                    super.succeeded();
                }

                @Override
                public void failed(Throwable x)
                {
                    _sending.decrementAndGet();
                    super.failed(x);
                }
            }));
        }

        @Override
        public void succeeded()
        {
            int level = complete();
            if (LOG.isDebugEnabled())
                LOG.debug("succeeded at {} {}", levelName(level), Http1ConnectionActions.this);
            switch (level)
            {
                case DISCONNECT, CLOSE ->
                {
                    // No send is in progress: making the connection non-persistent now makes the
                    // connection close its parser, so no further request is handled, and shutting the
                    // output down covers a response that was already complete before the action.
                    boolean nonPersistent = HttpConnectionInternals.setNonPersistent(getConnection());
                    getConnection().getEndPoint().shutdownOutput();
                    if (nonPersistent)
                        super.succeeded();
                    else
                        super.failed(new QuietException.Exception(levelName(level) + " by the application"));
                }
                case RESET -> super.failed(new QuietException.Exception("reset by the application"));
                default -> super.succeeded();
            }
        }

        @Override
        public void failed(Throwable x)
        {
            complete();
            super.failed(x);
        }
    }
}
