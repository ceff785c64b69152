package io.iisport.tomcat;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.coyote.ActionCode;
import org.apache.coyote.http11.Http11Processor;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.apache.tomcat.util.net.Nio2Channel;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.NioEndpoint;
import org.apache.tomcat.util.net.SocketWrapperBase;

/**
 * <p>The only use of Tomcat's internal classes ({@code org.apache.coyote}, {@code org.apache.tomcat.util.net} and
 * the Catalina connector objects), which may change between releases. Tested with Tomcat 10.1.34 and 11.0.15 (the
 * versions pinned in the poms).</p>
 * <p>Everything reached by reflection is looked up once, when this class is loaded, separately for HTTP/1.1 and
 * HTTP/2: if a member is missing, the protocol it serves gets no connection actions ({@link #connection(Request)}
 * returns {@code null}, so the module filter degrades and logs its usual WARN), and one WARN says why.</p>
 * <p>What is reached, and why there is no public way:</p>
 * <ul>
 *   <li>{@code org.apache.coyote.Response#hook}: the protocol processor of a request ({@code Http11Processor} or
 *   the HTTP/2 {@code StreamProcessor}); no {@code ActionCode} returns it.</li>
 *   <li>{@code Http11Processor#keepAlive}: once the response is committed, nothing else makes an HTTP/1.1
 *   connection close after the response while letting the response complete: the error states that close the
 *   connection ({@code ErrorState.CLOSE_CLEAN}) also turn the status into 500 and ask for an error report.</li>
 *   <li>{@code AbstractProcessor#socketWrapper}: the socket, for {@code SO_LINGER 0} and the reset.</li>
 *   <li>{@code StreamProcessor#stream}, {@code StreamProcessor#handler}, {@code Stream#streamOutputBuffer},
 *   {@code StreamOutputBuffer#reset} and {@code #closed}, {@code StreamException},
 *   {@code Http2UpgradeHandler#closeConnection(Http2Exception)} and {@code #activeRemoteStreamCount}: how
 *   Tomcat itself cancels a stream ({@code Stream#doStreamCancel}) and closes a connection after a GOAWAY,
 *   none of which is public.</li>
 * </ul>
 */
final class TomcatInternals {
    private static final Log LOG = LogFactory.getLog(TomcatInternals.class);

    private static final Http1 HTTP1;
    private static final Http2 HTTP2;
    /** The coyote response's {@code hook}: the processor. */
    private static final VarHandle HOOK;
    /** {@code AbstractProcessor#socketWrapper}. */
    private static final VarHandle SOCKET_WRAPPER;

    static {
        VarHandle hook = null;
        VarHandle socketWrapper = null;
        Http1 http1 = null;
        Http2 http2 = null;
        try {
            hook = field(org.apache.coyote.Response.class, "hook", org.apache.coyote.ActionHook.class);
            socketWrapper = field(org.apache.coyote.AbstractProcessor.class, "socketWrapper", SocketWrapperBase.class);
            http1 = new Http1(field(Http11Processor.class, "keepAlive", boolean.class));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError x) {
            warn("HTTP/1.1", x);
        }
        if (hook != null) {
            try {
                http2 = new Http2();
            } catch (ReflectiveOperationException | RuntimeException | LinkageError x) {
                warn("HTTP/2", x);
            }
        }
        HOOK = hook;
        SOCKET_WRAPPER = socketWrapper;
        HTTP1 = http1;
        HTTP2 = http2;
    }

    private TomcatInternals() {
    }

    private static void warn(String protocol, Throwable x) {
        LOG.warn("iisport: this Tomcat's internals differ from those of the tested versions; " + protocol
                + " requests get no connection actions, and iisport degrades as without the extension", x);
    }

    private static VarHandle field(Class<?> owner, String name, Class<?> type) throws ReflectiveOperationException {
        return MethodHandles.privateLookupIn(owner, MethodHandles.lookup()).findVarHandle(owner, name, type);
    }

    private static MethodHandle method(Class<?> owner, String name, Class<?>... parameters)
            throws ReflectiveOperationException {
        Method method = owner.getDeclaredMethod(name, parameters);
        return MethodHandles.privateLookupIn(owner, MethodHandles.lookup()).unreflect(method);
    }

    /**
     * @param request the request
     * @return the connection of the request, or {@code null} when its protocol (HTTP/1.0, HTTP/1.1, HTTP/2) is not
     * reachable in this Tomcat
     */
    static Connection connection(Request request) {
        if (HOOK == null) {
            return null;
        }
        Response response = request.getResponse();
        Object processor = HOOK.getVolatile(response.getCoyoteResponse());
        if (HTTP1 != null && processor instanceof Http11Processor) {
            return new Http1Connection(response, processor);
        }
        if (HTTP2 != null && HTTP2.streamProcessor.isInstance(processor)) {
            return new Http2Connection(request, response, processor);
        }
        return null;
    }

    /**
     * Publishes a request attribute without the attribute events of the Servlet API: the coyote request's
     * attributes are plain, recycled with the request, and {@code ServletRequest#getAttribute} falls back to them.
     */
    static void publish(Request request, String name, Object value) {
        request.getCoyoteRequest().setAttribute(name, value);
    }

    /**
     * Stops every later write of the response from reaching the client and keeps Tomcat from rendering an error
     * page or sending headers of its own: the Catalina response is suspended, the coyote response is marked
     * committed and its error reported, and the processor is put in {@code ErrorState.CLOSE_NOW} (HTTP/1.1: the
     * connection closes when the request returns; HTTP/2: the stream is reset then).
     */
    private static void abortResponse(Response response) {
        org.apache.coyote.Response coyote = response.getCoyoteResponse();
        response.setSuspended(true);
        coyote.setCommitted(true);
        coyote.action(ActionCode.CLOSE_NOW, null);
        coyote.setErrorReported();
    }

    /**
     * The connection of one request, acted on by {@link ConnectionActions}, which calls each of disconnect, reset
     * and close at most once, in that order of strength; after a close, HTTP/2 also gets a disconnect.
     */
    abstract static class Connection {
        final Response response;

        Connection(Response response) {
            this.response = response;
        }

        /** The response completes normally, then the connection closes gracefully. */
        abstract void disconnect(Runnable onGoAway);

        /** Reset now: HTTP/1 TCP RST, HTTP/2 RST_STREAM with the code. */
        abstract void reset(int errorCode);

        /** Close now, without a response (HTTP/2: reset with CANCEL; {@link #disconnect} follows). */
        abstract void close();

        /** Called when the application has returned, after a reset or close: the response stays discarded. */
        void afterAbort() {
            // Tomcat's ErrorReportValve resumes a suspended response that is not committed.
            response.setSuspended(true);
        }

        /** @return whether this is an HTTP/2 stream */
        abstract boolean isHttp2();
    }

    private record Http1(VarHandle keepAlive) {
    }

    /**
     * HTTP/1.0 and HTTP/1.1, plain or TLS.
     * <ul>
     *   <li>disconnect: the processor's keep-alive is switched off, so Tomcat adds {@code Connection: close} if the
     *   headers are not yet sent, completes the response (chunked terminator included) and closes the connection
     *   (TLS {@code close_notify}, then FIN) without reading a further request, pipelined or not.</li>
     *   <li>reset: {@code SO_LINGER} 0 on the socket and the socket closed at once: a TCP RST, without TLS
     *   {@code close_notify}; later writes are discarded.</li>
     *   <li>close: later writes are discarded and the connection closes (TLS {@code close_notify}, then FIN) as
     *   soon as the request returns to Tomcat, without a response if none was sent.</li>
     * </ul>
     */
    private static final class Http1Connection extends Connection {
        private final Object processor;

        private Http1Connection(Response response, Object processor) {
            super(response);
            this.processor = processor;
        }

        @Override
        void disconnect(Runnable onGoAway) {
            HTTP1.keepAlive().setVolatile(processor, false);
        }

        @Override
        void reset(int errorCode) {
            abortResponse(response);
            SocketWrapperBase<?> wrapper = (SocketWrapperBase<?>) SOCKET_WRAPPER.getVolatile(processor);
            NetworkChannel channel = wrapper == null ? null : channel(wrapper.getSocket());
            if (channel == null) {
                // The connection closes when the request returns (CLOSE_NOW), with a FIN.
                LOG.debug("iisport: no socket channel to reset, the connection will close instead");
                return;
            }
            try {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
                channel.close();
                if (wrapper instanceof NioEndpoint.NioSocketWrapper nio && nio.getPoller() != null) {
                    // A channel registered with a selector is only really closed (and the RST sent) when the
                    // selector next deregisters it: wake the poller rather than wait for its select timeout.
                    nio.getPoller().getSelector().wakeup();
                }
            } catch (IOException | RuntimeException x) {
                LOG.debug("iisport: could not reset " + channel, x);
            }
        }

        private static NetworkChannel channel(Object socket) {
            if (socket instanceof NioChannel nio) {
                return nio.getIOChannel();
            }
            if (socket instanceof Nio2Channel nio2) {
                return nio2.getIOChannel();
            }
            return null;
        }

        @Override
        void close() {
            abortResponse(response);
        }

        @Override
        boolean isHttp2() {
            return false;
        }
    }

    private static final class Http2 {
        /** How often the graceful close checks whether the streams are done. */
        private static final long POLL_MILLIS = 10;
        /** How long the graceful close waits for the streams before it leaves the connection to Tomcat. */
        private static final long MAX_WAIT_MILLIS = TimeUnit.MINUTES.toMillis(5);

        private final Class<?> streamProcessor;
        private final VarHandle stream;
        private final VarHandle handler;
        private final MethodHandle streamId;
        private final VarHandle streamOutputBuffer;
        private final VarHandle outputReset;
        private final VarHandle outputClosed;
        private final Constructor<?> streamException;
        private final Object internalError;
        private final Object[] errors;
        private final MethodHandle errorCode;
        private final MethodHandle closeConnection;
        private final VarHandle activeRemoteStreamCount;
        /** {@code Http2UpgradeHandler#streams}: the streams by id, a {@code Stream} while being processed. */
        private final VarHandle streams;
        private final Class<?> streamClass;
        /** {@code Stream#getCoyoteRequest()}. */
        private final MethodHandle streamRequest;

        private Http2() throws ReflectiveOperationException {
            ClassLoader loader = Http11Processor.class.getClassLoader();
            String pkg = "org.apache.coyote.http2.";
            streamProcessor = Class.forName(pkg + "StreamProcessor", false, loader);
            streamClass = Class.forName(pkg + "Stream", false, loader);
            Class<?> handlerClass = Class.forName(pkg + "Http2UpgradeHandler", false, loader);
            Class<?> outputClass = Class.forName(pkg + "Stream$StreamOutputBuffer", false, loader);
            Class<?> exceptionClass = Class.forName(pkg + "StreamException", false, loader);
            Class<?> errorClass = Class.forName(pkg + "Http2Error", false, loader);
            stream = field(streamProcessor, "stream", streamClass);
            handler = field(streamProcessor, "handler", handlerClass);
            streamId = method(Class.forName(pkg + "AbstractStream", false, loader), "getIdAsInt");
            streamOutputBuffer = field(streamClass, "streamOutputBuffer", outputClass);
            outputReset = field(outputClass, "reset", exceptionClass);
            outputClosed = field(outputClass, "closed", boolean.class);
            streamException = exceptionClass.getDeclaredConstructor(String.class, errorClass, int.class);
            streamException.setAccessible(true);
            errors = errorClass.getEnumConstants();
            internalError = Enum.valueOf(errorClass.asSubclass(Enum.class), "INTERNAL_ERROR");
            errorCode = method(errorClass, "getCode");
            closeConnection = method(handlerClass, "closeConnection",
                    Class.forName(pkg + "Http2Exception", false, loader));
            activeRemoteStreamCount = field(handlerClass, "activeRemoteStreamCount", AtomicInteger.class);
            streams = field(handlerClass, "streams", handlerClass.getDeclaredField("streams").getType());
            streamRequest = method(streamClass, "getCoyoteRequest");
            if (!Map.class.isAssignableFrom(streams.varType())) {
                throw new NoSuchFieldException("Http2UpgradeHandler.streams is a " + streams.varType().getName());
            }
        }

        /**
         * Where the connection's streams are, for a graceful close. A stream's processor replaces the stream, in the
         * connection's map of streams, by a {@code RecycledStream} once it has written all of its frames; a stream
         * whose body goes by sendfile is never replaced (its processor returns before the file is sent), so for it only
         * its count among the active streams tells.
         */
        private Streams streams(Object handler) throws Throwable {
            Streams result = Streams.DONE;
            for (Object stream : ((Map<?, ?>) streams.get(handler)).values()) {
                if (streamClass.isInstance(stream)) {
                    org.apache.coyote.Request request = (org.apache.coyote.Request) streamRequest.invoke(stream);
                    if (request.getAttribute(org.apache.coyote.Constants.SENDFILE_FILENAME_ATTR) == null) {
                        return Streams.PROCESSING;
                    }
                    result = Streams.SENDFILE;
                }
            }
            return result;
        }

        /** @return the {@code Http2Error} of the code; Tomcat has no other, so other codes are INTERNAL_ERROR */
        private Object error(int code) throws Throwable {
            for (Object error : errors) {
                if ((long) errorCode.invoke(error) == code) {
                    return error;
                }
            }
            return internalError;
        }
    }

    /**
     * HTTP/2, h2c or h2.
     * <ul>
     *   <li>reset: later writes are discarded and the stream is reset, with RST_STREAM and the given code, as soon
     *   as the request returns to Tomcat, the way Tomcat cancels a stream itself ({@code Stream#doStreamCancel});
     *   codes that Tomcat's {@code Http2Error} does not define (above 0xd) are sent as INTERNAL_ERROR.</li>
     *   <li>disconnect: once no stream of the connection is active or still being processed (this one included),
     *   GOAWAY(NO_ERROR) with the last stream processed, and the connection closes (TLS {@code close_notify}, then
     *   FIN), whether or not the client answers. If the streams are not done at the first check
     *   ({@code Http2.POLL_MILLIS} after the call; under load this one can be, its response not yet done), a
     *   GOAWAY(NO_ERROR, 2^31-1) is sent first, so that the client opens no new stream meanwhile (RFC 9113 §6.8
     *   allows both).</li>
     *   <li>close: reset with CANCEL; once the request has returned, disconnect.</li>
     * </ul>
     */
    private static final class Http2Connection extends Connection {
        private final Request request;
        private final Object processor;
        /** Set by the first disconnect: a disconnect then a close of the same request close the connection once. */
        private final AtomicBoolean closing = new AtomicBoolean();

        private Http2Connection(Request request, Response response, Object processor) {
            super(response);
            this.request = request;
            this.processor = processor;
        }

        @Override
        void disconnect(Runnable onGoAway) {
            if (!closing.compareAndSet(false, true)) {
                return;
            }
            Object handler = HTTP2.handler.get(processor);
            ScheduledExecutorService executor = request.getConnector().getProtocolHandler().getUtilityExecutor();
            new GracefulClose(handler, executor, onGoAway).schedule();
        }

        @Override
        void reset(int errorCode) {
            Object stream = HTTP2.stream.get(processor);
            Object output = HTTP2.streamOutputBuffer.get(stream);
            try {
                int id = (int) HTTP2.streamId.invoke(stream);
                Object exception = HTTP2.streamException.newInstance("Reset by the application", HTTP2.error(errorCode), id);
                HTTP2.outputReset.setVolatile(output, exception);
            } catch (Throwable x) {
                // Without the reset exception, Tomcat resets the stream with INTERNAL_ERROR.
                LOG.warn("iisport: could not set the HTTP/2 error code " + errorCode, x);
            }
            HTTP2.outputClosed.setVolatile(output, true);
            abortResponse(response);
        }

        @Override
        void close() {
            reset(io.iisport.spi.ConnectionBridge.CANCEL);
        }

        @Override
        boolean isHttp2() {
            return true;
        }
    }

    /** Where the streams of an HTTP/2 connection are, once none is active any more. */
    private enum Streams {
        /** Every stream's processor is done: every frame is written. */
        DONE,
        /** Only streams sent by sendfile are not known to be done: their last frame may still be being written. */
        SENDFILE,
        /** A stream's processor is not done: its last frame may not be written yet. */
        PROCESSING
    }

    /**
     * Closes an HTTP/2 connection with GOAWAY once none of its streams is active or still being processed.
     * <p>
     * Tomcat counts a stream out of the active ones just <em>before</em> it writes the stream's last frame
     * ({@code Http2UpgradeHandler#writeBody} calls {@code sentEndOfStream} first, in Tomcat 10.1 and 11), so the count
     * alone can reach zero while that frame is still to be written: a GOAWAY then went out before the response's
     * END_STREAM, and the close cut the response off. A stream's processor has written all of its frames when it
     * replaces the stream, in the connection's map of streams, by a {@code RecycledStream}; so the connection closes
     * once the count is zero and the map holds no {@code Stream} any more, except streams sent by sendfile, which
     * Tomcat does not replace and which must be inactive at two checks in a row (see {@link Streams}).
     */
    private static final class GracefulClose implements Runnable {
        private final Object handler;
        private final ScheduledExecutorService executor;
        private final Runnable onGoAway;
        private final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Http2.MAX_WAIT_MILLIS);
        private boolean paused;
        /**
         * Whether the previous check found no stream active and only sendfile streams not known to be done: a
         * sendfile stream inactive at two checks in a row has had {@code Http2.POLL_MILLIS} to write its last frame.
         */
        private boolean sendfileQuiet;

        private GracefulClose(Object handler, ScheduledExecutorService executor, Runnable onGoAway) {
            this.handler = handler;
            this.executor = executor;
            this.onGoAway = onGoAway;
        }

        void schedule() {
            executor.schedule(this, Http2.POLL_MILLIS, TimeUnit.MILLISECONDS);
        }

        @Override
        public void run() {
            try {
                AtomicInteger active = (AtomicInteger) HTTP2.activeRemoteStreamCount.get(handler);
                Streams streams = active.get() <= 0 ? HTTP2.streams(handler) : Streams.PROCESSING;
                if (streams == Streams.DONE || streams == Streams.SENDFILE && sendfileQuiet) {
                    onGoAway.run();
                    // GOAWAY(NO_ERROR, last stream processed), then the connection is closed.
                    HTTP2.closeConnection.invoke(handler, null);
                    return;
                }
                sendfileQuiet = streams == Streams.SENDFILE;
                if (!paused) {
                    paused = true;
                    ((org.apache.coyote.http11.upgrade.InternalHttpUpgradeHandler) handler).pause();
                }
                if (System.nanoTime() - deadline < 0) {
                    schedule();
                }
            } catch (Throwable x) {
                LOG.warn("iisport: could not close the HTTP/2 connection gracefully", x);
            }
        }
    }
}
