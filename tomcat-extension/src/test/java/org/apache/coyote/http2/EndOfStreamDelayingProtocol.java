package org.apache.coyote.http2;

import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.coyote.Adapter;
import org.apache.coyote.Request;
import org.apache.coyote.http11.upgrade.InternalHttpUpgradeHandler;
import org.apache.tomcat.util.net.SocketWrapperBase;

/**
 * Test seam: HTTP/2 whose connections, for the requests to some paths, pause between the moment Tomcat counts the
 * stream out of the active ones and the write of the stream's last frame ({@code writeBody} calls
 * {@code sentEndOfStream} first). It holds open, for as long as a test needs, the window in which a connection closed
 * on "no stream active" alone loses the end of a response. In Tomcat's package, as {@code Stream} and
 * {@code sentEndOfStream} are package-private and protected.
 */
public class EndOfStreamDelayingProtocol extends Http2Protocol {
    private final Set<String> paths;
    private final long delayMillis;

    /**
     * @param paths the request URIs whose streams are delayed
     * @param delayMillis how long, in milliseconds, each of them waits before its last frame is written
     */
    public EndOfStreamDelayingProtocol(Set<String> paths, long delayMillis) {
        this.paths = Set.copyOf(paths);
        this.delayMillis = delayMillis;
    }

    @Override
    public InternalHttpUpgradeHandler getInternalUpgradeHandler(SocketWrapperBase<?> socketWrapper, Adapter adapter,
            Request coyoteRequest) {
        if (socketWrapper.hasAsyncIO()) {
            return new Http2AsyncUpgradeHandler(this, adapter, coyoteRequest, socketWrapper) {
                @Override
                protected void sentEndOfStream(Stream stream) {
                    super.sentEndOfStream(stream);
                    delay(stream);
                }
            };
        }
        return new Http2UpgradeHandler(this, adapter, coyoteRequest, socketWrapper) {
            @Override
            protected void sentEndOfStream(Stream stream) {
                super.sentEndOfStream(stream);
                delay(stream);
            }
        };
    }

    private void delay(Stream stream) {
        if (paths.contains(stream.getCoyoteRequest().requestURI().toString())) {
            try {
                TimeUnit.MILLISECONDS.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
