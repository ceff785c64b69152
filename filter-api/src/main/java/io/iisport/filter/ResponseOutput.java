package io.iisport.filter;

import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Where the bytes the servlet and modules write go: the buffer, the {@code responseBufferLimit} and when the buffer
 * is sent; the sends themselves (each raising {@code RQ_SEND_RESPONSE} first) are {@link ResponseSender}'s.
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
    private static final int STREAM_SLICE = 8192;

    /** How written bytes reach the container; see the class comment for the transitions. */
    enum State {
        /** Writes collect in the buffer until an explicit flush, the limit or the final send. */
        BUFFERING,
        /** Past the limit, or after {@code disableBuffering()}: each write is sent. */
        STREAMING,
        /** No iisport buffer (limit 0, or non-blocking output): writes go to the container's stream. */
        PASS_THROUGH,
        /**
         * An async dispatch was asked, and what was buffered handed over ({@link #handOverForDispatch}): if the module
         * filter's chain runs for the dispatch, it resumes the state before ({@link #resumeAfterDispatch}); a write
         * that comes first, or another call of the servlet's on the output ({@link #state()}: a {@code sendError}, a
         * redirect, a length), is the dispatch's target acting without the filter (a filter mapped without the ASYNC
         * dispatcher, a path it does not map), which must reach the container before it completes the request on its
         * own: the output passes through from then on.
         */
        DISPATCHED
    }

    private final HttpServletResponse real;
    private final ResponseMetadata metadata;
    private final int limit;
    private final BodyBuffer body;

    private State state;
    /** The state before {@link State#DISPATCHED}. */
    private State beforeDispatch;
    /** The servlet set a WriteListener: the container's stream is non-blocking and may still reference bytes. */
    private boolean nonBlocking;
    /** The container may hold part of the body (an async dispatch, a switch to non-blocking output). */
    private boolean handedOver;
    private final ContainerOutput container;
    private final ResponseSender sender;

    /**
     * @param body the buffer (its capacity never passes {@code max(limit, 8 KiB)} while streaming)
     * @param sendListener raises {@code RQ_SEND_RESPONSE}; {@code null} when no module subscribed to it
     */
    ResponseOutput(HttpServletRequest request, HttpServletResponse real, BodyBuffer body, ResponseMetadata metadata,
            ConnectionControl connection, int limit, ResponseSender.SendListener sendListener) {
        this.real = real;
        this.body = body;
        this.metadata = metadata;
        this.limit = limit;
        this.state = limit == 0 ? State.PASS_THROUGH : State.BUFFERING;
        this.container = new ContainerOutput(real, metadata, connection);
        this.sender = new ResponseSender(request, real, body, metadata, connection, container, sendListener);
    }

    /**
     * @return the output's state; asked while {@link State#DISPATCHED}, by the servlet's calls, it is the dispatch's
     *     target acting without the filter: the output passes through first
     */
    State state() {
        if (state == State.DISPATCHED) {
            passThrough();
        }
        return state;
    }

    /** @return the bytes buffered and not yet sent */
    int buffered() {
        return body.size();
    }

    /** @return whether {@code RQ_SEND_RESPONSE} modules are running */
    boolean inSendResponse() {
        return sender.inSendResponse();
    }

    /** @return whether writes are discarded: a reset or close was asked, or the final send was made */
    boolean discarding() {
        return sender.discarding();
    }

    /**
     * The request ended: later writes, flushes and header changes (a module's thread that kept its context) are
     * discarded, as after the final send, since the container may now recycle its response for another request.
     */
    void requestEnded() {
        sender.requestEnded();
    }

    /** @return whether the final send was made */
    boolean isCompleted() {
        return sender.isCompleted();
    }

    /** @return whether nothing was written, sent or asked of the output yet */
    boolean untouched() {
        return state == (limit == 0 ? State.PASS_THROUGH : State.BUFFERING) && body.size() == 0 && !nonBlocking
                && !handedOver && sender.untouched();
    }

    /**
     * The handler writes to the container's response itself (see {@link DirectHandler}): writes that still come here
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
        if (!sender.inSendResponse() && state != State.BUFFERING) {
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
        sender.flushEachSend();
    }

    // ---------------------------------------------------------------- writes

    /** Writes what the servlet or a module wrote, as the state says; discarded after a reset or the final send. */
    void write(byte[] b, int off, int len) throws IOException {
        if (discarding()) {
            return;
        }
        if (sender.inSendResponse()) {
            append(b, off, len);
            return;
        }
        switch (state) {
            case PASS_THROUGH -> sender.passThrough(b, off, len, nonBlocking);
            case DISPATCHED -> {
                passThrough();
                sender.passThrough(b, off, len, nonBlocking);
            }
            case STREAMING -> stream(b, off, len);
            case BUFFERING -> {
                if (body.size() + len <= limit) {
                    append(b, off, len);
                    return;
                }
                int fill = limit - body.size();
                append(b, off, fill);
                state = State.STREAMING;
                sender.send(true, false);
                stream(b, off + fill, len - fill);
            }
        }
    }

    private void append(byte[] b, int off, int len) {
        long maxCapacity = sender.inSendResponse() || state == State.PASS_THROUGH ? Long.MAX_VALUE
                : state == State.STREAMING ? Math.max(limit, STREAM_SLICE) : limit;
        body.append(b, off, len, maxCapacity);
    }

    /** A write while streaming: sent in slices, each after {@code RQ_SEND_RESPONSE}. */
    private void stream(byte[] b, int off, int len) throws IOException {
        if (!sender.raisesSendResponse()) {
            sender.sendDirect(b, off, len);
            return;
        }
        int slice = Math.max(limit, STREAM_SLICE);
        while (len > 0 && !discarding()) {
            int n = Math.min(len, slice - body.size());
            if (n <= 0) {
                sender.send(true, false);
                continue;
            }
            append(b, off, n);
            off += n;
            len -= n;
            sender.send(true, false);
        }
    }

    // ---------------------------------------------------------------- sends

    /**
     * An IIS {@code Flush} (see {@link ResponseSender#flush}): the headers are committed and what is buffered goes to
     * the client.
     *
     * @return the bytes that were buffered
     */
    int flush(boolean moreData) throws IOException {
        return sender.flush(moreData, nonBlocking);
    }

    /**
     * The servlet asks for its writer: the container's is taken too (see {@link ContainerOutput#takeWriter}).
     *
     * @return the charset the container's writer encodes with; {@code null} if the container's stream is in use
     */
    String takeContainerWriter() throws IOException {
        return container.takeWriter();
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
            passThrough();
        }
    }

    /** No buffer from now on (what was buffered went to the container's). */
    private void passThrough() {
        if (!real.isCommitted()) {
            container.beforeCommit();
        }
        metadata.contentLength = -1;
        handedOver = true;
        state = State.PASS_THROUGH;
    }

    /**
     * An async dispatch is asked: what is buffered goes into the container's buffer ({@link #handOver}), and the
     * output waits to learn whether the module filter sees the dispatch ({@link State#DISPATCHED}).
     */
    void handOverForDispatch(String writerEncoding) throws IOException {
        handOver(false, writerEncoding);
        if (state == State.BUFFERING || state == State.STREAMING) {
            beforeDispatch = state;
            state = State.DISPATCHED;
        }
    }

    /** The module filter's chain runs for the async dispatch: the output goes on as before it. */
    void resumeAfterDispatch() {
        if (state == State.DISPATCHED) {
            state = beforeDispatch;
        }
    }

    /** The final send, when the request ends (see {@link ResponseSender#complete}). Called once. */
    void complete() throws IOException {
        complete(false);
    }

    /**
     * The final send.
     *
     * @param uncommitted whether the container would not have committed the servlet's writes by now: then, if the
     *     whole body is still in this buffer, it goes out with its Content-Length, as the container frames a response
     *     it completes uncommitted
     */
    void complete(boolean uncommitted) throws IOException {
        sender.complete(this::blank, nonBlocking, uncommitted && state == State.BUFFERING && !handedOver);
    }

    /** @return whether the response has no body so far: nothing buffered, and never streamed or handed over */
    private boolean blank() {
        return state == State.BUFFERING && !handedOver && body.size() == 0;
    }

    /** See {@link ResponseSender#leftToContainer()}. */
    void leftToContainer() {
        sender.leftToContainer();
    }

    /** The container's output is closed after the final send (see {@link ResponseSender#finishOnWire}). */
    void finishOnWire() {
        sender.finishOnWire();
    }

    /** The container's response is suspended after the final send (see {@link ResponseSender#suspendOnWire}). */
    void suspendOnWire(ContainerRules rules) {
        sender.suspendOnWire(rules);
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
