package io.iisport.jetty;

import org.eclipse.jetty.http2.frames.ResetFrame;

/**
 * A RST_STREAM frame that the web application asked for through the reset action, as opposed to one the
 * server sends on its own because of what the client did; {@link IisportRateControlFactory} tells them apart.
 */
class ApplicationResetFrame extends ResetFrame
{
    ApplicationResetFrame(int streamId, int error)
    {
        super(streamId, error);
    }
}
