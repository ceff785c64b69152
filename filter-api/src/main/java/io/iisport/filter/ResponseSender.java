package io.iisport.filter;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * The sends of the response body to the container, as IIS sends a response: each raises {@code RQ_SEND_RESPONSE}
 * through a {@link SendListener} first (modules may still edit, add to or reset the response), then hands what is
 * buffered to the container and commits the headers with the first; the final send carries out the servlet's
 * deferred {@code sendError} or {@code sendRedirect}. {@link ResponseOutput} decides when a send happens.
 *
 * <pre>
 *   OPEN --send, flush--&gt; IN_SEND_RESPONSE --the modules returned--&gt; OPEN
 *     |                   (their writes only fill the buffer)
 *     +--complete()--&gt; (RQ_SEND_RESPONSE, as above) --&gt; COMPLETED: every later write is discarded
 *     +--leftToContainer()--&gt; LEFT_TO_CONTAINER: the same, without a send of its own
 * </pre>
 */
final class ResponseSender {
    private static final System.Logger LOG = System.getLogger(ResponseSender.class.getName());

    /** Raises {@code RQ_SEND_RESPONSE} for a send: the pipeline's only way in. */
    @FunctionalInterface
    interface SendListener {
        void onSend(boolean headersBeingSent, boolean moreData);
    }

    /** Where the sends are; see the class comment. */
    enum State {
        OPEN,
        /** {@code RQ_SEND_RESPONSE} modules are running: their writes only fill the buffer. */
        IN_SEND_RESPONSE,
        /** The final send was made. */
        COMPLETED,
        /**
         * The handler wrote to the container's own response, which the container sends: nothing is sent from here,
         * and every later write is discarded, as after the final send.
         */
        LEFT_TO_CONTAINER
    }

    /** The request, for the custom error page's attributes. */
    private final HttpServletRequest request;
    private final HttpServletResponse real;
    private final BodyBuffer body;
    private final ResponseMetadata metadata;
    private final ConnectionControl connection;
    private final ContainerOutput container;
    /** {@code null} when no module subscribed to {@code RQ_SEND_RESPONSE}. */
    private final SendListener sendListener;
    private State state = State.OPEN;
    /** Every send is also flushed to the client: {@code disableBuffering()} was called. */
    private boolean flushEachSend;
    /**
     * The request ended: the container may have recycled its response for another request, so whatever comes later
     * (a module's thread) is discarded, whether or not this output made the final send.
     */
    private volatile boolean requestEnded;

    /**
     * @param body the buffer whose content each send hands to the container
     * @param sendListener raises {@code RQ_SEND_RESPONSE}; {@code null} when no module subscribed to it
     */
    ResponseSender(HttpServletRequest request, HttpServletResponse real, BodyBuffer body, ResponseMetadata metadata,
            ConnectionControl connection, ContainerOutput container, SendListener sendListener) {
        this.request = request;
        this.real = real;
        this.body = body;
        this.metadata = metadata;
        this.connection = connection;
        this.container = container;
        this.sendListener = sendListener;
    }

    /** @return whether a send raises {@code RQ_SEND_RESPONSE}: a module subscribed to it */
    boolean raisesSendResponse() {
        return sendListener != null;
    }

    /** @return whether {@code RQ_SEND_RESPONSE} modules are running */
    boolean inSendResponse() {
        return state == State.IN_SEND_RESPONSE;
    }

    /** @return whether the response was sent whole: the final send was made, or left to the container */
    boolean isCompleted() {
        return state == State.COMPLETED || state == State.LEFT_TO_CONTAINER;
    }

    /** @return whether writes are discarded: a reset or close was asked, the final send was made, or the request ended */
    boolean discarding() {
        return isCompleted() || connection.isAborted() || requestEnded;
    }

    /**
     * The final send of a response the handler wrote to the container's own (see {@link DirectHandler}): the container
     * sends it as it has it; from now on this output discards what it is given, as after its own final send.
     */
    void leftToContainer() {
        if (state == State.OPEN) {
            state = State.LEFT_TO_CONTAINER;
        }
    }

    /** The request ended: everything later is discarded (see {@link #requestEnded}). */
    void requestEnded() {
        requestEnded = true;
    }

    /** @return whether nothing was asked of the sends yet: none completed, no flush of each send, no abort */
    boolean untouched() {
        return state == State.OPEN && !flushEachSend && !connection.isAborted();
    }

    /** IIS {@code DisableBuffering}: every later send is flushed to the client. */
    void flushEachSend() {
        flushEachSend = true;
    }

    /**
     * Sends what is buffered: raises {@code RQ_SEND_RESPONSE}, then writes the buffer to the container.
     *
     * @param moreData whether more data follows this send
     * @param flush whether the send must reach the client now (an explicit flush); the first send of the headers
     *     and every send after {@link #flushEachSend()} do anyway
     */
    void send(boolean moreData, boolean flush) throws IOException {
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

    /**
     * A write while streaming when no module subscribed to {@code RQ_SEND_RESPONSE}: what is buffered, then
     * {@code b}, straight to the container.
     */
    void sendDirect(byte[] b, int off, int len) throws IOException {
        if (body.size() > 0) {
            send(true, false);
        }
        container.write(b, off, len);
        if (flushEachSend) {
            real.flushBuffer();
        }
    }

    /**
     * A write without an iisport buffer: {@code RQ_SEND_RESPONSE}, then one write to the container's stream (one, so
     * that a non-blocking stream's {@code isReady()} contract holds), with what modules wrote first.
     *
     * @param nonBlocking whether the container's stream is non-blocking (it is not flushed then)
     */
    void passThrough(byte[] b, int off, int len, boolean nonBlocking) throws IOException {
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

    private void raiseSendResponse(boolean headersBeingSent, boolean moreData) {
        if (sendListener != null && state == State.OPEN) {
            state = State.IN_SEND_RESPONSE;
            try {
                sendListener.onSend(headersBeingSent, moreData);
            } finally {
                if (state == State.IN_SEND_RESPONSE) {
                    state = State.OPEN;
                }
            }
        }
    }

    /**
     * An IIS {@code Flush}: the headers are committed and what is buffered goes to the client, after
     * {@code RQ_SEND_RESPONSE} unless it is a module's flush from within that notification.
     *
     * @param nonBlocking whether the container's stream is non-blocking (nothing is buffered then)
     * @return the bytes that were buffered
     */
    int flush(boolean moreData, boolean nonBlocking) throws IOException {
        if (discarding()) {
            return 0;
        }
        int n = body.size();
        if (nonBlocking) {
            container.stream().flush();
        } else if (state == State.IN_SEND_RESPONSE) {
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
     * The final send, when the request ends: raises {@code RQ_SEND_RESPONSE}, then hands the response to the
     * container, carrying out the servlet's deferred {@code sendError} or {@code sendRedirect}. Once; later calls do
     * nothing.
     *
     * @param blank whether the response has no body so far (nothing buffered, never streamed or handed over),
     *     asked after {@code RQ_SEND_RESPONSE}: IIS's custom error applies to it
     * @param nonBlocking whether the container's stream is non-blocking: what modules wrote is dropped if it is not
     *     ready
     * @param wholeBody whether the buffer holds the whole body, which the container would not have committed: it goes
     *     into the container's buffer unsent then, and the container frames it as it completes the response
     */
    void complete(BooleanSupplier blank, boolean nonBlocking, boolean wholeBody) throws IOException {
        if (isCompleted()) {
            return;
        }
        if (connection.isAborted()) {
            state = State.COMPLETED;
            body.clear();
            return;
        }
        // isCommitted() takes a lock on Jetty: asked again only if a module could have committed in between.
        boolean committed = real.isCommitted();
        raiseSendResponse(!committed, false);
        state = State.COMPLETED;
        if (connection.isAborted()) {
            body.clear();
            return;
        }
        if (sendListener != null) {
            committed = real.isCommitted();
        }
        if (!committed) {
            container.beforeCommit();
            if (metadata.endOn(request, real, blank.getAsBoolean(), () -> container.keep(body))) {
                return;
            }
            if (wholeBody && metadata.declaredLength() < 0 && body.size() > 0) {
                // The container would still hold all of it: it goes into the container's buffer unsent, and the
                // container frames it with its length as it completes the response, as without the filter; until
                // then a filter before this one may still change the headers, as it could without it.
                container.keep(body);
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
     * in LOG_REQUEST or END_REQUEST with no filters around the module filter, see
     * {@link RequestSuspension}), or where the servlet had closed its output: the container's output is closed, so
     * that the client has the whole response now, as IIS sends it before {@code RQ_LOG_REQUEST}. A failure (the client
     * gone) is logged; the request goes on.
     * Also for a response {@link #leftToContainer() left to the container}: Jetty and Tomcat still render the error
     * page of a servlet's {@code sendError} once the request completes.
     */
    void finishOnWire() {
        if (!isCompleted() || connection.isAborted()) {
            return;
        }
        try {
            container.close();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "iisport: closing the response of "
                    + HttpSyntax.printable(request.getRequestURI()) + " before LOG_REQUEST failed: " + e);
        }
    }

    /**
     * After the final send of a response a forward ended: the container's response is suspended as the container
     * suspends it after a forward ({@link ContainerRules#suspendAfterForward}), holding what the final send gave it,
     * which the container sends when the request ends, or replaces with its error page if an exception reaches it
     * first. Where the container would have closed the output instead, it is closed ({@link #finishOnWire}).
     */
    void suspendOnWire(ContainerRules rules) {
        if (!isCompleted() || connection.isAborted()) {
            return;
        }
        if (!rules.suspendAfterForward(real)) {
            finishOnWire();
        }
    }
}
