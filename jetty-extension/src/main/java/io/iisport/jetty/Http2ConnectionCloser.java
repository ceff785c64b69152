package io.iisport.jetty;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.jetty.http2.HTTP2Session;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.frames.Frame;
import org.eclipse.jetty.http2.frames.GoAwayFrame;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * <p>Closes the connection of an HTTP/2 session that the server shut down, once the session has sent its final
 * GOAWAY, whether or not the client answers it (RFC 9113 §6.8).</p>
 * <p>{@link Session#shutdown()} sends a graceful GOAWAY; when the last stream ends, Jetty sends the final GOAWAY,
 * with the last stream id it processed, and then waits for the client to answer with its own GOAWAY or to close;
 * a client that does neither keeps the connection open until the idle timeout. This listener of the session's
 * outgoing frames sees that final GOAWAY go out, waits a grace period, in which a client that answers closes the
 * connection itself, then closes the network endpoint: under TLS Jetty sends close_notify, then FIN. Closing the
 * connection stops the session, as Jetty does when the client closes.</p>
 * <p>If the endpoint is still waiting to write when the grace ends (a client that does not read), the close waits
 * for the write to complete, checking again after each grace period; the connection's idle timeout still
 * applies.</p>
 */
final class Http2ConnectionCloser implements HTTP2Session.FrameListener
{
    private static final Logger LOG = LoggerFactory.getLogger(Http2ConnectionCloser.class);
    /** The shortest wait between two checks of a pending write, in milliseconds. */
    private static final long MIN_RECHECK_MILLIS = 10;

    private enum State
    {
        /** The session is shutting down; its final GOAWAY has not been sent yet. */
        AWAITING_FINAL_GOAWAY,
        /** The final GOAWAY was sent; the close runs when the grace period ends. */
        CLOSE_SCHEDULED,
        /** The connection is closed, by the client, by Jetty or by this closer. */
        CLOSED
    }

    private final AtomicReference<State> _state = new AtomicReference<>(State.AWAITING_FINAL_GOAWAY);
    private final HTTP2Session _session;
    private final Scheduler _scheduler;
    private final long _graceMillis;

    private Http2ConnectionCloser(HTTP2Session session, Scheduler scheduler, long graceMillis)
    {
        _session = session;
        _scheduler = scheduler;
        _graceMillis = graceMillis;
    }

    /**
     * Makes the session's connection close after its final GOAWAY; call it before shutting the session down. A
     * session gets one closer: calling it again does nothing.
     *
     * @param session the session about to be shut down
     * @param scheduler the scheduler of the connector
     * @param graceMillis how long to wait after the final GOAWAY before closing, in milliseconds, 0 or more
     */
    static void install(HTTP2Session session, Scheduler scheduler, long graceMillis)
    {
        if (session.getEventListeners().stream().anyMatch(Http2ConnectionCloser.class::isInstance))
            return;
        // Two threads shutting the session down at once may both add one: the second close does nothing.
        session.addEventListener(new Http2ConnectionCloser(session, scheduler, graceMillis));
    }

    @Override
    public void onOutgoingFrame(Session session, Frame frame)
    {
        // Called just before the frame is written. A GOAWAY that is not graceful carries the last stream id:
        // Jetty sends it once no stream is left, or on a session failure, after which it closes anyway.
        if (frame instanceof GoAwayFrame goAway && !goAway.isGraceful() &&
            _state.compareAndSet(State.AWAITING_FINAL_GOAWAY, State.CLOSE_SCHEDULED))
        {
            if (LOG.isDebugEnabled())
                LOG.debug("final {} sent, closing in {} ms {}", goAway, _graceMillis, _session);
            schedule(_graceMillis);
        }
    }

    private void schedule(long delayMillis)
    {
        _scheduler.schedule(this::close, delayMillis, TimeUnit.MILLISECONDS);
    }

    private void close()
    {
        EndPoint endPoint = _session.getEndPoint();
        if (!endPoint.isOpen())
        {
            _state.set(State.CLOSED);
            if (LOG.isDebugEnabled())
                LOG.debug("already closed {}", _session);
            return;
        }
        if (endPoint instanceof AbstractEndPoint abstractEndPoint && abstractEndPoint.getWriteFlusher().isPending())
        {
            if (LOG.isDebugEnabled())
                LOG.debug("write pending, closing later {}", _session);
            schedule(Math.max(_graceMillis, MIN_RECHECK_MILLIS));
            return;
        }
        _state.set(State.CLOSED);
        if (LOG.isDebugEnabled())
            LOG.debug("closing {}", _session);
        _session.disconnect();
    }

    @Override
    public String toString()
    {
        return String.format("%s@%x[%s,grace=%dms]", getClass().getSimpleName(), hashCode(), _state.get(), _graceMillis);
    }
}
