package io.iisport.filter;

import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The response body on its way to the container: the buffer, the {@code responseBufferLimit}, the container's
 * output, and the sends, each raising {@code RQ_SEND_RESPONSE} through a {@link SendListener} first.
 *
 * <p>How written bytes reach the container is one {@link State}:
 * <pre>
 *   BUFFERING --(limit passed, disableBuffering())--&gt; STREAMING
 *       |                                                  |
 *       +--(setWriteListener())--&gt; PASS_THROUGH &lt;---------+ (setWriteListener())
 *   responseBufferLimit 0 starts in PASS_THROUGH; an explicit flush changes no state; complete() ends all.
 * </pre>
 * {@code BUFFERING}: writes collect in the buffer up to the limit; the write that would pass it sends what is
 * buffered (headers without {@code Content-Length}) and the response streams from then on ({@code STREAMING}),
 * each write sent in pieces of at most {@code max(limit, 8 KiB)}, so memory never grows past that. {@code
 * PASS_THROUGH}: no iisport buffer; each write goes to the container's stream, whose own buffer, commit rules and
 * non-blocking {@code isReady()} apply. A flush ({@link #flush}) is an IIS Flush in every state: the headers are
 * committed and what is buffered goes to the client. After a reset or close, and after the final send, every
 * write is discarded.
 */
final class ResponseOutput {
    private static final System.Logger LOG = System.getLogger(ResponseOutput.class.getName());
    private static final int STREAM_SLICE = 8192;

    /** How written bytes reach the container; see the class comment for the transitions. */
    enum State {
        /** Writes collect in the buffer until an explicit flush, the limit or the final send. */
        BUFFERING,
        /** Past the limit, or after {@code disableBuffering()}: each write is sent. */
        STREAMING,
        /** No iisport buffer (limit 0, or non-blocking output): writes go to the container's stream. */
        PASS_THROUGH
    }

    /** Raises {@code RQ_SEND_RESPONSE} for a send: the pipeline's only way in. */
    @FunctionalInterface
    interface SendListener {
        void onSend(boolean headersBeingSent, boolean moreData);
    }

    private final HttpServletResponse real;
    /** The request, for the custom error page's attributes. */
    private final HttpServletRequest request;
    private final ResponseMetadata metadata;
    private final ConnectionControl connection;
    private final int limit;
    /** {@code null} when no module subscribed to {@code RQ_SEND_RESPONSE}. */
    private final SendListener sendListener;
    private final BodyBuffer body;

    private State state;
    /** The servlet set a WriteListener: the container's stream is non-blocking and may still reference bytes. */
    private boolean nonBlocking;
    /** The container may hold part of the body (an async dispatch, a switch to non-blocking output). */
    private boolean handedOver;
    /** Every send is also flushed to the client: {@code disableBuffering()} was called. */
    private boolean flushEachSend;
    /** {@code RQ_SEND_RESPONSE} modules are running: their writes only fill the buffer. */
    private boolean inSendResponse;
    /** The final send was made. */
    private boolean completed;
    private final ContainerOutput container;

    /**
     * @param body the buffer (its capacity never passes {@code max(limit, 8 KiB)} while streaming)
     * @param sendListener raises {@code RQ_SEND_RESPONSE}; {@code null} when no module subscribed to it
     */
    ResponseOutput(HttpServletRequest request, HttpServletResponse real, BodyBuffer body, ResponseMetadata metadata,
            ConnectionControl connection, int limit, SendListener sendListener) {
        this.request = request;
        this.real = real;
        this.body = body;
        this.metadata = metadata;
        this.connection = connection;
        this.limit = limit;
        this.sendListener = sendListener;
        this.state = limit == 0 ? State.PASS_THROUGH : State.BUFFERING;
        this.container = new ContainerOutput(real, metadata, connection);
    }

    State state() {
        return state;
    }

    /** @return the bytes buffered and not yet sent */
    int buffered() {
        return body.size();
    }

    /** @return whether {@code RQ_SEND_RESPONSE} modules are running */
    boolean inSendResponse() {
        return inSendResponse;
    }

    /** @return whether writes are discarded: a reset or close was asked, or the final send was made */
    boolean discarding() {
        return completed || connection.isAborted();
    }

    boolean isCompleted() {
        return completed;
    }

    /** @return whether nothing was written, sent or asked of the output yet */
    boolean untouched() {
        return state == (limit == 0 ? State.PASS_THROUGH : State.BUFFERING) && body.size() == 0 && !nonBlocking
                && !handedOver && !flushEachSend && !completed && !connection.isAborted();
    }

    /**
     * The handler writes to the container's response itself (see {@link RequestRun}): writes that still come here
     * go to the container's output, and the final send sends nothing of its own.
     */
    void handToContainer() {
        state = State.PASS_THROUGH;
        handedOver = true;
    }

    /** Empties the buffer (IIS {@code Clear}, the servlet's {@code resetBuffer}). */
    void clear() {
        body.clear();
    }

    /** @return a copy of what is buffered and not yet sent; empty after a reset */
    byte[] bufferedCopy() throws IOException {
        if (discarding() || body.size() == 0) {
            return new byte[0];
        }
        ByteArrayOutputStream copy = new ByteArrayOutputStream(body.size());
        body.copyTo(copy);
        return copy.toByteArray();
    }

    /**
     * Writes {@code b} before what is buffered (IIS {@code WriteEntityChunkByReference} at position 0): in
     * {@code OnSendResponse}, or while the response is buffered; elsewhere it is a write.
     */
    void insertBefore(byte[] b, int off, int len) throws IOException {
        if (discarding()) {
            return;
        }
        if (!inSendResponse && state != State.BUFFERING) {
            write(b, off, len);
            return;
        }
        byte[] after = bufferedCopy();
        body.clear();
        append(b, off, len);
        append(after, 0, after.length);
    }

    /**
     * The container's response was reset: its stream must be asked for again, and the trailer supplier goes back
     * if trailers are still set.
     *
     * @param servletReset the servlet's {@code reset()}: its own trailers are gone too
     */
    void realReset(boolean servletReset) {
        container.reset();
        metadata.afterRealReset(servletReset);
    }

    /** @return whether the container's buffer may hold part of the body, which a reset of it must clear too */
    boolean containerHoldsBody() {
        return state == State.PASS_THROUGH || handedOver;
    }

    /** IIS {@code DisableBuffering}: every later send streams and is flushed to the client. */
    void disableBuffering() {
        if (state == State.BUFFERING) {
            state = State.STREAMING;
        }
        flushEachSend = true;
    }

    // ---------------------------------------------------------------- writes

    /** Writes what the servlet or a module wrote, as the state says; discarded after a reset or the final send. */
    void write(byte[] b, int off, int len) throws IOException {
        if (discarding()) {
            return;
        }
        if (inSendResponse) {
            append(b, off, len);
            return;
        }
        switch (state) {
            case PASS_THROUGH -> passThrough(b, off, len);
            case STREAMING -> stream(b, off, len);
            case BUFFERING -> {
                if (body.size() + len <= limit) {
                    append(b, off, len);
                    return;
                }
                int fill = limit - body.size();
                append(b, off, fill);
                state = State.STREAMING;
                send(true, false);
                stream(b, off + fill, len - fill);
            }
        }
    }

    private void append(byte[] b, int off, int len) {
        long maxCapacity = inSendResponse || state == State.PASS_THROUGH ? Long.MAX_VALUE
                : state == State.STREAMING ? Math.max(limit, STREAM_SLICE) : limit;
        body.append(b, off, len, maxCapacity);
    }

    /** A write while streaming: sent in slices, each after {@code RQ_SEND_RESPONSE}. */
    private void stream(byte[] b, int off, int len) throws IOException {
        if (sendListener == null) {
            if (body.size() > 0) {
                send(true, false);
            }
            container.write(b, off, len);
            if (flushEachSend) {
                real.flushBuffer();
            }
            return;
        }
        int slice = Math.max(limit, STREAM_SLICE);
        while (len > 0 && !discarding()) {
            int n = Math.min(len, slice - body.size());
            if (n <= 0) {
                send(true, false);
                continue;
            }
            append(b, off, n);
            off += n;
            len -= n;
            send(true, false);
        }
    }

    /**
     * A write without an iisport buffer: {@code RQ_SEND_RESPONSE}, then one write to the container's stream (one, so
     * that a non-blocking stream's {@code isReady()} contract holds), with what modules wrote first.
     */
    private void passThrough(byte[] b, int off, int len) throws IOException {
        if (sendListener != null) {
            raiseSendResponse(!real.isCommitted(), true);
            if (connection.isAborted()) {
                body.clear();
                return;
            }
        }
        if (body.size() > 0) {
            ByteArrayOutputStream joined = new ByteArrayOutputStream(body.size() + len);
            body.drainTo(joined);
            joined.write(b, off, len);
            container.write(joined.toByteArray(), 0, joined.size());
        } else {
            container.write(b, off, len);
        }
        if (flushEachSend && !nonBlocking) {
            container.sink().flush();
        }
    }

    // ---------------------------------------------------------------- sends

    /**
     * Sends what is buffered: raises {@code RQ_SEND_RESPONSE}, then writes the buffer to the container.
     *
     * @param moreData whether more data follows this send
     * @param flush whether the send must reach the client now (an explicit flush); the first send of the headers
     *     and every send after {@link #disableBuffering()} do anyway
     */
    private void send(boolean moreData, boolean flush) throws IOException {
        boolean headersBeingSent = !real.isCommitted();
        raiseSendResponse(headersBeingSent, moreData);
        if (connection.isAborted()) {
            body.clear();
            return;
        }
        if (headersBeingSent && metadata.ending != null) {
            // A module failed (or ended the response) in this notification: the final send renders the error.
            body.clear();
            return;
        }
        container.drain(body);
        if (flush || headersBeingSent || flushEachSend) {
            // The headers went with this send, as the modules were told: commit them now.
            real.flushBuffer();
        }
    }

    private void raiseSendResponse(boolean headersBeingSent, boolean moreData) {
        if (sendListener != null && !inSendResponse) {
            inSendResponse = true;
            try {
                sendListener.onSend(headersBeingSent, moreData);
            } finally {
                inSendResponse = false;
            }
        }
    }

    /**
     * An IIS {@code Flush}: the headers are committed and what is buffered goes to the client, after
     * {@code RQ_SEND_RESPONSE} unless it is a module's flush from within that notification.
     *
     * @return the bytes that were buffered
     */
    int flush(boolean moreData) throws IOException {
        if (discarding()) {
            return 0;
        }
        int n = body.size();
        if (nonBlocking) {
            container.stream().flush();
        } else if (inSendResponse) {
            container.drain(body);
            if (!connection.isAborted()) {
                real.flushBuffer();
            }
        } else {
            send(moreData, true);
        }
        return n;
    }

    /**
     * Puts what is buffered into the container's own buffer without sending it, and keeps no buffer from then on if
     * {@code passThrough}: for an async dispatch (whose target the filter may not see) and a switch to non-blocking
     * output, so that the container has the body in order.
     *
     * @param writerEncoding the charset of the servlet's writer, if it uses one: the target of a dispatch may go on
     *     with {@code getWriter()}, so the bytes go to the container's writer; {@code null} for the stream
     */
    void handOver(boolean passThrough, String writerEncoding) throws IOException {
        if (discarding() || state == State.PASS_THROUGH) {
            return;
        }
        handedOver = true;
        if (body.size() > 0) {
            if (writerEncoding != null) {
                container.useWriter(writerEncoding);
            }
            container.drain(body);
        }
        if (passThrough) {
            if (!real.isCommitted()) {
                container.beforeCommit();
            }
            metadata.contentLength = -1;
            state = State.PASS_THROUGH;
        }
    }

    /**
     * The final send, when the request ends: raises {@code RQ_SEND_RESPONSE}, then hands the response to the
     * container, carrying out the servlet's deferred {@code sendError} or {@code sendRedirect}. Called once.
     */
    void complete() throws IOException {
        if (completed) {
            return;
        }
        if (connection.isAborted()) {
            completed = true;
            body.clear();
            return;
        }
        // isCommitted() takes a lock on Jetty: asked again only if a module could have committed in between.
        boolean committed = real.isCommitted();
        raiseSendResponse(!committed, false);
        completed = true;
        if (connection.isAborted()) {
            body.clear();
            return;
        }
        if (sendListener != null) {
            committed = real.isCommitted();
        }
        if (!committed) {
            container.beforeCommit();
            if (metadata.endOn(request, real, state == State.BUFFERING && !handedOver && body.size() == 0)) {
                return;
            }
        }
        if (body.size() > 0) {
            if (nonBlocking && !container.stream().isReady()) {
                int dropped = body.size();
                LOG.log(System.Logger.Level.WARNING, () -> "iisport: " + dropped + " bytes that modules wrote at the"
                        + " final send of a non-blocking response were dropped: the container's output was not ready");
                body.clear();
                return;
            }
            body.drainTo(container.sink());
        }
    }

    /**
     * After the final send, while the request's last notifications wait for a module ({@code RQ_NOTIFICATION_PENDING}
     * in LOG_REQUEST or END_REQUEST): the container's output is closed, so that the client has the whole response
     * now, as IIS sends it before {@code RQ_LOG_REQUEST}. A failure (the client gone) is logged; the request goes on.
     */
    void finishOnWire() {
        if (!completed || connection.isAborted()) {
            return;
        }
        try {
            container.close();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "iisport: closing the response of "
                    + HttpSyntax.printable(request.getRequestURI()) + " before LOG_REQUEST failed: " + e);
        }
    }

    /** Gives the buffer's chunks back for reuse, once the request is over and no write can reference them. */
    void release() {
        if (!nonBlocking) {
            body.release();
        }
    }

    // ---------------------------------------------------------------- non-blocking output

    /** {@code ServletOutputStream.isReady()}: always while buffered, else the container's. */
    boolean isReady() throws IOException {
        return state == State.BUFFERING || discarding() || container.stream().isReady();
    }

    /** {@code ServletOutputStream.setWriteListener}: the buffer goes to the container and no buffer is kept. */
    void setWriteListener(WriteListener listener) throws IOException {
        handOver(true, null);
        nonBlocking = true;
        container.stream().setWriteListener(listener);
    }
}
