package io.iisport.jetty;

import java.nio.ByteBuffer;

import io.iisport.spi.ConnectionBridge;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.HTTP2Connection;
import org.eclipse.jetty.http2.HTTP2Session;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.QuietException;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * <p>The connection actions of an HTTP/2 request (h2c or h2).</p>
 * <ul>
 *   <li>disconnect: the stream completes normally, then the session is shut down gracefully with
 *   {@link Session#shutdown()}: GOAWAY(NO_ERROR), the streams in flight finish, new streams are refused, then,
 *   once the last stream has ended, the final GOAWAY; the server then closes the connection itself, after
 *   {@link IisportConnectionCustomizer#getHttp2CloseGrace() a short grace}, whether or not the client answers
 *   (see {@link Http2ConnectionCloser}). The {@code Connection} header means nothing on HTTP/2, so the GOAWAY is
 *   sent explicitly.</li>
 *   <li>reset: at once, RST_STREAM with the given error code on this stream only; the other streams of the
 *   session carry on. The frame is an {@link ApplicationResetFrame}, which
 *   {@link IisportRateControlFactory} keeps out of the session's rapid-reset rate control.</li>
 *   <li>close: at once, RST_STREAM(CANCEL) on this stream, so it gets no response, and the session is shut down
 *   gracefully as for disconnect: the connection closes once the other streams in flight have finished, rather
 *   than failing them, and the same grace has passed.</li>
 * </ul>
 * <p>After a reset or close, later writes are discarded.</p>
 */
class Http2ConnectionActions extends ConnectionActions
{
    private static final Logger LOG = LoggerFactory.getLogger(Http2ConnectionActions.class);

    private Http2ConnectionActions(Request request, IisportConnectionCustomizer customizer)
    {
        super(request, customizer);
    }

    /**
     * Creates the actions; only called for HTTP/2 requests, so this class, which needs the HTTP/2 jars, is only
     * loaded when HTTP/2 is in use.
     */
    static ConnectionActions newConnectionActions(Request request, IisportConnectionCustomizer customizer)
    {
        return new Http2ConnectionActions(request, customizer);
    }

    private HTTP2Session getSession()
    {
        Connection connection = getRequest().getConnectionMetaData().getConnection();
        return connection instanceof HTTP2Connection http2Connection ? http2Connection.getSession() : null;
    }

    private int getStreamId()
    {
        return Integer.parseInt(getRequest().getId());
    }

    @Override
    protected HttpStream newHttpStream(HttpStream stream)
    {
        return new Http2Stream(stream);
    }

    @Override
    protected void onDisconnect()
    {
        // Applied when the stream completes.
    }

    @Override
    protected void onClose()
    {
        resetStream(ConnectionBridge.CANCEL);
        goAway();
    }

    @Override
    protected void onReset(int errorCode)
    {
        getCustomizer().onStreamReset();
        resetStream(errorCode);
    }

    private void resetStream(int errorCode)
    {
        Session session = getSession();
        if (session == null)
            return;
        int streamId = getStreamId();
        Stream stream = session.getStream(streamId);
        if (stream == null)
        {
            // Already closed, for example reset by the client.
            if (LOG.isDebugEnabled())
                LOG.debug("no stream #{} to reset on {}", streamId, session);
            return;
        }
        stream.reset(new ApplicationResetFrame(streamId, errorCode), Callback.from(() ->
        {
            if (LOG.isDebugEnabled())
                LOG.debug("reset stream #{} with error {} on {}", streamId, errorCode, session);
        }, x ->
        {
            if (LOG.isDebugEnabled())
                LOG.debug("failed to reset stream #{} on {}", streamId, session, x);
        }));
    }

    private void goAway()
    {
        HTTP2Session session = getSession();
        if (session == null || session.isClosed())
            return;
        getCustomizer().onGoAway();
        if (LOG.isDebugEnabled())
            LOG.debug("shutting down {}", session);
        Scheduler scheduler = getRequest().getConnectionMetaData().getConnector().getScheduler();
        Http2ConnectionCloser.install(session, scheduler, getCustomizer().getHttp2CloseGrace());
        session.shutdown();
    }

    private class Http2Stream extends HttpStream.Wrapper
    {
        private Http2Stream(HttpStream wrapped)
        {
            super(wrapped);
        }

        @Override
        public void send(MetaData.Request request, MetaData.Response response, boolean last, ByteBuffer content, Callback callback)
        {
            int level = getLevel();
            if (level >= CLOSE)
            {
                if (LOG.isDebugEnabled())
                    LOG.debug("discarding send after {} {}", levelName(level), Http2ConnectionActions.this);
                callback.succeeded();
                return;
            }
            super.send(request, response, last, content, newSendCallback(callback));
        }

        @Override
        public void succeeded()
        {
            int level = complete();
            if (level >= CLOSE)
            {
                // The stream is reset, perhaps with no response at all: complete it as failed, which
                // finds the stream already reset and sends nothing more.
                super.failed(new QuietException.Exception(levelName(level) + " by the application"));
                return;
            }
            super.succeeded();
            if (level == DISCONNECT)
                goAway();
        }

        @Override
        public void failed(Throwable x)
        {
            int level = complete();
            super.failed(x);
            if (level == DISCONNECT)
                goAway();
        }
    }
}
