package io.iisport.jetty;

import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * <p>The only use of Jetty's non-public HTTP/1 classes ({@code org.eclipse.jetty.server.internal}), which may
 * change between releases.</p>
 * <p>There is no public way to make an HTTP/1 connection non-persistent once its response is committed; the
 * connection's {@code HttpGenerator} knows, and closes the connection after the last byte when it is told.</p>
 */
final class HttpConnectionInternals
{
    private static final Logger LOG = LoggerFactory.getLogger(HttpConnectionInternals.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private HttpConnectionInternals()
    {
    }

    /**
     * Makes the connection non-persistent: the output is shut down after the last byte of the current
     * response, and no further request is parsed.
     * <p>The generator is not thread-safe: call only while no send of the connection is in progress.</p>
     *
     * @param connection the connection of the request
     * @return whether the connection could be made non-persistent
     */
    static boolean setNonPersistent(Connection connection)
    {
        try
        {
            if (connection instanceof HttpConnection httpConnection)
            {
                httpConnection.getGenerator().setPersistent(false);
                return true;
            }
        }
        catch (LinkageError x)
        {
            if (WARNED.compareAndSet(false, true))
                LOG.warn("Cannot make HTTP/1 connections non-persistent with this Jetty version; disconnect will close abruptly", x);
        }
        return false;
    }
}
