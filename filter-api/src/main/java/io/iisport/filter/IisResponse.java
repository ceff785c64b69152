package io.iisport.filter;

import io.iisport.httpserv.IHttpResponse;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;

/**
 * The response as the servlet sees it: the Servlet contract over the filter's {@link ResponseOutput}, so that a
 * servlet behaves as it does without the filter.
 *
 * <ul>
 *   <li>{@link #flushBuffer()} and {@code flush()} are an IIS {@code Flush}: they commit and send what is buffered.
 *   <li>The servlet sees the response committed where the container would commit it: once it wrote more than the
 *       container's buffer size, its later status and header changes are ignored and {@code sendError},
 *       {@code reset} and the like are {@link IllegalStateException}s, while the bytes stay in the filter's buffer
 *       for the modules until the limit, a flush or the final send.
 *   <li>While buffered, {@code Content-Length} set through any setter is held back (and reported back by the
 *       getters, see {@link ServletResponseHeaders}), and {@code sendError}/{@code sendRedirect} are deferred to
 *       the final send so that modules still see them and the container's error pages still apply.
 *   <li>The writer encodes into the buffer on every write; its charset is the container's writer's.
 *   <li>{@code close()} ends the servlet's output and commits the response as the servlet sees it; later writes are
 *       dropped and later status and header changes ignored, as the container does.
 *   <li>{@code getWriter()} takes the container's writer too, when the servlet asks: the container fixes the
 *       charset as it does without the filter, and what runs after the filter (an error page included into a
 *       committed response) finds the writer in use; the buffered bytes go to it as characters.
 * </ul>
 */
final class IisResponse extends ServletIisResponse {
    private final HttpServletResponse real;
    private final ResponseOutput output;
    private final ResponseMetadata metadata;
    /** The request, for its servlet context (read only by the servlet's calls: see {@link FilterResponse}). */
    private final HttpServletRequest request;
    private final ModulePipeline pipeline;
    /** The servlet set the buffer size (Jetty's aggregation size is the buffer size then). */
    private boolean bufferSizeSet;
    /**
     * Whether the container's commit point for the servlet's writes is known ({@link ContainerRules#commitsAt}): the
     * filter was given the container's own response, or an outer module filter's. An application filter around this
     * one that wraps the response decides itself what reaches the container and when: a compressing or caching wrapper
     * may hold megabytes without the container committing. The servlet's view still follows the container's rules
     * there (right for a wrapper that passes the bytes through); after a failure, whether the container committed is
     * read from it once the bytes went through the wrapper (see {@link #sendAfterFailure}).
     */
    private final boolean commitPointKnown;

    /** The response as the servlet sees it. */
    private enum ServletView {
        /** Not committed: writes are buffered, headers and status still change. */
        OPEN,
        /** Committed where the container commits the same writes (see {@link ContainerRules#commitsAt}). */
        COMMITTED,
        /**
         * Its output closed ({@code close()}): committed, later writes dropped; the final send closes the container's
         * output, which completes the response on the wire as the servlet's {@code close()} does without the filter.
         */
        CLOSED,
        /**
         * Its Content-Length written (Servlet 6.0 section 5.7, "Closure of Response Object"): committed, later writes
         * dropped; the final send hands the container the length and the bytes, and the container closes where it
         * does: Jetty and Tomcat 11 at the last byte ({@code HttpOutput.isAllContentWritten},
         * {@code OutputBuffer.updateBytesWritten}); Tomcat 10.1 only counts the response committed
         * ({@code Response.isAppCommitted}) and sends it when the request ends, so that an exception thrown after the
         * servlet returned still gets the container's 500.
         */
        LENGTH_WRITTEN,
        /**
         * Ended by a forward the container only suspends (Tomcat's {@code ApplicationDispatcher.doForward}: {@code
         * ResponseFacade.finish()}): committed, later writes dropped; the final send hands the container the body and
         * suspends its response likewise (see {@link ContainerRules#suspendAfterForward}), so that nothing is
         * committed before the request ends and an exception thrown after the forward still gets the container's 500.
         */
        SUSPENDED,
        /** Ended by {@code sendError}, {@code sendRedirect} or a module's failure: later writes dropped. */
        ENDED;

        boolean committed() {
            return this != OPEN && this != ENDED;
        }

        boolean dropsWrites() {
            return this != OPEN && this != COMMITTED;
        }

        /** @return whether the servlet saw its response committed, so that its header and status changes are ignored */
        boolean fixesHeaders() {
            return this != OPEN;
        }
    }

    private ServletView view = ServletView.OPEN;
    /** The bytes the servlet wrote since the last reset, for its Content-Length (see {@link #closeAtContentLength}). */
    private long servletWritten;
    private final Sink sink = new Sink();
    private ServletOutputStream servletStream;
    private ServletOutput.Writer writer;

    IisResponse(HttpServletResponse real, ResponseOutput output, ResponseMetadata metadata,
            HttpServletRequest request, ModulePipeline pipeline, IHttpResponse modules) {
        super(real, metadata, output, modules);
        this.real = real;
        this.output = output;
        this.metadata = metadata;
        this.request = request;
        this.pipeline = pipeline;
        this.commitPointKnown = !(real instanceof ServletResponseWrapper) || real instanceof IisResponse;
    }

    // ---------------------------------------------------------------- the filter's side

    /** The final send: the writer's last characters go into the buffer first. */
    void complete() throws IOException {
        encodeWriter();
        output.complete(view == ServletView.OPEN);
        leaveOnWire();
    }

    /**
     * After the final send, the container's response is left as the container would have it once the servlet ended its
     * output, so that an application filter before this one, once the chain returned, and the container's handling of
     * an exception it throws find it so (see {@link ServletView}): completed on the wire after {@code close()} (and
     * after a forward on Jetty, which closes the output), suspended after a forward on Tomcat, and as the container's
     * own rules have it once the Content-Length was written.
     */
    private void leaveOnWire() {
        switch (view) {
            case CLOSED -> output.finishOnWire();
            case SUSPENDED -> output.suspendOnWire(pipeline.containerRules);
            default -> {
                // LENGTH_WRITTEN: the container, given the length with the bytes, closes where it does.
            }
        }
    }

    /** What became of the output when the handler failed (see {@link #sendAfterFailure}). */
    enum AfterFailure {
        /**
         * The container answers the failure with its error page: nothing to give, or what went into its buffer
         * through an application's wrapper did not commit it.
         */
        CONTAINER_ANSWERS,
        /** {@code RQ_SEND_RESPONSE} saw the error response; the container answers it from its own buffer. */
        CONTAINER_ANSWERS_AFTER_MODULES,
        /** A module took over the error response in {@code RQ_SEND_RESPONSE}: it was sent, nothing is rethrown. */
        MODULE_ANSWERED,
        /** Sent as the container would have sent it by then: the container aborts the response, or finds it whole. */
        SENT
    }

    /**
     * The handler failed: the container gets the servlet's output as it would hold it without the filter, and answers
     * the failure from there. If the container's response is committed already (a flush), what the servlet wrote since
     * goes out first, as the container sends what its buffer still holds before it aborts the response (Tomcat's {@code
     * ErrorReportValve} flushes it; Jetty loses what its aggregation buffer holds). A {@code sendError} or redirect the
     * servlet made before it is carried out first where it survives the exception (Jetty), and dropped where it does
     * not. If the servlet saw its response committed (it wrote where the container commits, closed its output, or wrote
     * its Content-Length, or a forward ended it), what the container would have sent by then goes out — the final send
     * if the servlet ended its output (the container's response then left as it would be, see {@link #leaveOnWire}),
     * else a flush. Otherwise this is the final send of an error response ({@link DeferredEnding.HandlerFailed}):
     * {@code RQ_SEND_RESPONSE} modules see it with {@code status}, and on Tomcat its body goes into the container's
     * buffer unsent, as it would be there (Tomcat sends its 500 with that body where no error page is mapped; error
     * pages replace it); Jetty replaces it with its error page, so it is dropped.
     *
     * @param status the status the container will answer the failure with
     * @return what became of the output
     * @throws IOException if the send failed (the client is gone)
     */
    AfterFailure sendAfterFailure(int status) throws IOException {
        if (output.discarding()) {
            return AfterFailure.CONTAINER_ANSWERS;
        }
        encodeWriter();
        if (real.isCommitted()) {
            return output.buffered() == 0 ? AfterFailure.CONTAINER_ANSWERS : sendAsCommitted();
        }
        if (metadata.ending != null) {
            if (pipeline.containerRules.keepsSendErrorOnException()) {
                // Jetty: the servlet's sendError or redirect still answers; the container then finds it so.
                output.complete();
                return AfterFailure.CONTAINER_ANSWERS_AFTER_MODULES;
            }
            // Tomcat: the exception's error response replaces the servlet's own ending.
            metadata.ending = null;
        }
        if (!view.committed()) {
            real.setStatus(status);
            metadata.ending = new DeferredEnding.HandlerFailed();
            if (!pipeline.containerRules.keepsUnsentBodyOnError()) {
                // The container's error page replaces it; given to the container, it could commit the response.
                output.clear();
            }
            output.complete();
            return metadata.ending instanceof DeferredEnding.HandlerFailed
                    ? AfterFailure.CONTAINER_ANSWERS_AFTER_MODULES : AfterFailure.MODULE_ANSWERED;
        }
        return sendAsCommitted();
    }

    /**
     * What the container would have sent by the failure of a handler whose response is committed, as the servlet sees
     * it or on the wire: the final send if the servlet ended its output, and the container's response left as it would
     * be then (closed: the container finds it whole, as without the filter), else a flush.
     */
    private AfterFailure sendAsCommitted() throws IOException {
        if (view.dropsWrites()) {
            output.complete();
            leaveOnWire();
        } else if (commitPointKnown || real.isCommitted()) {
            output.flush(true);
        } else {
            // Through a wrapper the bytes may not have committed the container (compressed, or held): they go into
            // its buffer unflushed, and it answers the failure as it finds its response, as without the filter.
            output.complete();
            if (!real.isCommitted()) {
                return AfterFailure.CONTAINER_ANSWERS;
            }
        }
        return AfterFailure.SENT;
    }

    /** @return whether neither a module nor the servlet decided or wrote anything of the response yet */
    boolean untouched() {
        return metadata.untouched() && output.untouched() && writer == null && servletStream == null;
    }

    /**
     * An async dispatch: what is buffered goes into the container's buffer, and the output waits to learn whether the
     * filter sees the dispatch (see {@link ResponseOutput#handOverForDispatch}).
     */
    void handOver() throws IOException {
        encodeWriter();
        output.handOverForDispatch(writer == null ? null : writer.encoding);
    }

    /** A forward: what the servlet buffered is discarded, as the container discards its own buffer. */
    void beforeForward() {
        if (!real.isCommitted() && metadata.ending == null) {
            output.clear();
        }
    }

    /**
     * The container ends the servlet's output after a forward, as Tomcat's {@code ApplicationDispatcher.forward}
     * does with {@code ResponseFacade.finish()} on its own response: the servlet's later writes are dropped. The
     * output the servlet chose is closed; if it chose none, none is chosen now, so the container's writer stays free
     * and its charset unfixed, as without the filter: the error page of a {@code sendError} in the forward's target
     * (Tomcat's {@code ErrorReportValve}) sets its own charset ({@code utf-8}), and the content type gets no charset
     * the servlet did not cause.
     */
    void finishAfterForward() throws IOException {
        if (writer != null) {
            writer.close();
        } else if (servletStream != null) {
            servletStream.close();
        } else {
            sink.close();
        }
        // Tomcat only suspends its own response after a forward: so does the final send.
        view = ServletView.SUSPENDED;
    }

    /**
     * Makes the response an error for a failed module (500, or 413 for a request body over the limit): the body is
     * dropped and the container renders the error.
     */
    void failWith(int status) {
        output.clear();
        metadata.bodyEdited = true;
        real.setStatus(status);
        metadata.ending = new DeferredEnding.SendError(null);
        endForServlet();
    }

    /** The servlet's response ends as the container will carry it out: later writes are dropped. */
    private void endForServlet() {
        // A response the servlet already saw committed (a module failing then) keeps that.
        view = view.committed() ? ServletView.CLOSED : ServletView.ENDED;
    }

    private void encodeWriter() {
        if (writer != null) {
            writer.encode();
        }
    }

    // ---------------------------------------------------------------- commit, as the servlet sees it

    @Override
    public boolean isCommitted() {
        return real.isCommitted() || metadata.ending != null || view.committed();
    }

    /**
     * @return whether a header change of the servlet is ignored, as the container ignores it once committed (also after
     *     {@code sendError} and {@code sendRedirect}, which commit the response, Servlet 6.0 section 13.3, unless the
     *     container keeps header changes after a {@code sendError}: see
     *     {@link ContainerRules#keepsHeaderChangesAfterSendError})
     */
    @Override
    boolean ignoresHeaderChanges() {
        if (!view.fixesHeaders() || real.isCommitted()) {
            return false;
        }
        return view != ServletView.ENDED || !(metadata.ending instanceof DeferredEnding.SendError)
                || !pipeline.containerRules.keepsHeaderChangesAfterSendError();
    }

    /**
     * @return whether a status change of the servlet is ignored: once it saw the response committed, or ended it with
     *     {@code sendError} or {@code sendRedirect} (whose status the deferred ending keeps, as the container does)
     */
    @Override
    boolean ignoresStatusChanges() {
        return view.fixesHeaders() && !real.isCommitted();
    }

    private void servletWrite(byte[] b, int off, int len) throws IOException {
        if (view.dropsWrites()) {
            return;
        }
        long length = metadata.contentLength;
        if (length >= 0 && servletWritten + len > length && output.state() != ResponseOutput.State.PASS_THROUGH
                && pipeline.containerRules.refusesWritesPastContentLength()) {
            throw new IllegalStateException("too much content written");
        }
        output.write(b, off, len);
        long before = servletWritten;
        servletWritten += len;
        if (view == ServletView.OPEN && output.state() == ResponseOutput.State.BUFFERING
                && pipeline.containerRules.commitsAt(len, before, writer != null, real.getBufferSize(), bufferSizeSet)) {
            // Where the container would have committed the same writes: from now on the servlet sees it committed.
            view = ServletView.COMMITTED;
        }
        closeAtContentLength();
    }

    /**
     * Closes the output as the container does once the servlet wrote the Content-Length it set, more than zero
     * (Servlet 6.0 §5.7, "Closure of Response Object"): the response is committed, later writes are dropped and
     * header and status changes ignored. Only a length the filter holds back counts: one it passed to the container,
     * the container applies itself. Checked at each write, as Jetty and Tomcat do, and when the length is set on
     * Tomcat, which counts the bytes already written against a length set after them (Jetty does not).
     */
    private void closeAtContentLength() {
        long length = metadata.contentLength;
        if (length > 0 && servletWritten >= length && output.state() != ResponseOutput.State.PASS_THROUGH
                && !view.dropsWrites()) {
            view = ServletView.LENGTH_WRITTEN;
        }
    }

    @Override
    public void setContentLengthLong(long len) {
        super.setContentLengthLong(len);
        if (len > 0 && servletWritten >= len && pipeline.containerRules.closesAtLengthSetAfterTheBytes()) {
            closeAtContentLength();
        }
    }

    private void servletFlush() throws IOException {
        if (view.dropsWrites() || output.inSendResponse()) {
            return;
        }
        output.flush(true);
    }

    /** An IIS Flush: raises {@code RQ_SEND_RESPONSE}, commits and sends what is buffered; the response stays open. */
    @Override
    public void flushBuffer() throws IOException {
        encodeWriter();
        servletFlush();
    }

    @Override
    public void reset() {
        if (isCommitted()) {
            throw new IllegalStateException("the response is committed");
        }
        real.reset();
        output.clear();
        output.realReset(true);
        metadata.reset();
        servletStream = null;
        writer = null;
        view = ServletView.OPEN;
        servletWritten = 0;
    }

    @Override
    public void resetBuffer() {
        if (isCommitted()) {
            throw new IllegalStateException("the response is committed");
        }
        output.clear();
        servletWritten = 0;
        if (output.containerHoldsBody()) {
            real.resetBuffer();
        }
    }

    @Override
    public void setBufferSize(int size) {
        if (output.state() != ResponseOutput.State.PASS_THROUGH && output.buffered() > 0) {
            throw new IllegalStateException("content has already been written");
        }
        super.setBufferSize(size);
        bufferSizeSet = true;
    }

    // ---------------------------------------------------------------- endings

    @Override
    public void sendError(int sc) throws IOException {
        sendError(sc, null);
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        if (isCommitted()) {
            throw new IllegalStateException("the response is committed");
        }
        if (output.discarding()) {
            return;
        }
        if (output.state() == ResponseOutput.State.PASS_THROUGH) {
            real.sendError(sc, msg);
            return;
        }
        output.clear();
        real.setStatus(sc);
        metadata.ending = new DeferredEnding.SendError(msg);
        endForServlet();
    }

    @Override
    public void sendRedirect(String location) throws IOException {
        sendRedirect(location, SC_FOUND, true);
    }

    /**
     * Servlet 6.1's {@code sendRedirect(String, boolean)}, kept in the buffer like {@link #sendRedirect(String)}
     * (overrides the 6.1 wrapper's method at run time on 6.1 containers).
     */
    public void sendRedirect(String location, boolean clearBuffer) throws IOException {
        sendRedirect(location, SC_FOUND, clearBuffer);
    }

    /** Servlet 6.1's {@code sendRedirect(String, int)}, kept in the buffer like {@link #sendRedirect(String)}. */
    public void sendRedirect(String location, int sc) throws IOException {
        sendRedirect(location, sc, true);
    }

    /**
     * Servlet 6.1's {@code sendRedirect(String, int, boolean)}: deferred to the final send ({@link
     * DeferredEnding.SendRedirect}), where the container carries it out with its own rules for the location and the
     * body, keeping the body written so far unless {@code clearBuffer}. Until then {@code RQ_SEND_RESPONSE} modules
     * see the status and the {@code Location} the servlet gave, as for {@link #sendRedirect(String)}. Without an
     * iisport buffer ({@link ResponseOutput.State#PASS_THROUGH}) the container, which holds the body, carries it out
     * now.
     */
    public void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
        if (isCommitted()) {
            throw new IllegalStateException("the response is committed");
        }
        if (output.discarding()) {
            return;
        }
        DeferredEnding.SendRedirect redirect = new DeferredEnding.SendRedirect(location, sc, clearBuffer);
        boolean passThrough = output.state() == ResponseOutput.State.PASS_THROUGH;
        if (passThrough && redirect.carryOut(real, () -> { })) {
            return;
        }
        if (clearBuffer) {
            resetBuffer();
        }
        real.setStatus(sc);
        real.setHeader("Location", location);
        if (!passThrough) {
            metadata.ending = redirect;
            endForServlet();
        }
    }

    // ---------------------------------------------------------------- the stream and the writer

    @Override
    public ServletOutputStream getOutputStream() {
        if (writer != null) {
            throw new IllegalStateException("getWriter() has already been called for this response");
        }
        if (servletStream == null) {
            servletStream = new ServletOutput.Stream(sink);
        }
        return servletStream;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (servletStream != null) {
            throw new IllegalStateException("getOutputStream() has already been called for this response");
        }
        if (writer == null) {
            // The container's own writer, taken when the servlet takes it without the filter.
            String encoding = output.takeContainerWriter();
            if (encoding == null) {
                // The container's stream is in use already (a module sent first).
                encoding = real.getCharacterEncoding();
                if (!impliedByContentType(encoding)) {
                    // What the container's getWriter() does: the charset becomes part of the content type.
                    real.setCharacterEncoding(encoding);
                }
            }
            Charset charset;
            try {
                charset = Charset.forName(encoding);
            } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                throw new UnsupportedEncodingException(encoding);
            }
            writer = new ServletOutput.Writer(sink, charset, encoding);
        }
        return writer;
    }

    /**
     * @return whether the container takes {@code encoding} from the content type without naming it, as Jetty does
     *     for types with an assumed charset ({@code application/json} is UTF-8): its {@code getWriter()} adds no
     *     charset parameter then, and neither does the filter's
     */
    private boolean impliedByContentType(String encoding) {
        String type = real.getContentType();
        if (type == null || type.toLowerCase(Locale.ROOT).contains("charset=")) {
            return false;
        }
        String contextDefault = request.getServletContext().getResponseCharacterEncoding();
        return !encoding.equalsIgnoreCase(contextDefault != null ? contextDefault : "ISO-8859-1");
    }

    @Override
    public void setCharacterEncoding(String charset) {
        if (writer == null) {
            super.setCharacterEncoding(charset);
        }
    }

    /** Once the writer is in use, the charset stays the writer's, as the container keeps it. */
    @Override
    public void setContentType(String type) {
        super.setContentType(type);
        keepWriterCharset();
    }

    /** Once the writer is in use, the charset stays the writer's, as the container keeps it. */
    @Override
    public void setLocale(Locale locale) {
        super.setLocale(locale);
        keepWriterCharset();
    }

    /** Puts the writer's charset back after the container's response changed it (a module's clearHeaders). */
    void keepWriterCharset() {
        if (writer != null && !writer.encoding.equalsIgnoreCase(real.getCharacterEncoding())) {
            real.setCharacterEncoding(writer.encoding);
        }
    }

    /** What the servlet's stream and writer write into. */
    private final class Sink implements ServletOutput.Sink {
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            servletWrite(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            servletFlush();
        }

        @Override
        public void close() {
            encodeWriter();
            // The container commits the response when the servlet closes its output, unless a forward suspended it:
            // Tomcat's close() of a suspended output does nothing (OutputBuffer.close).
            if (view != ServletView.SUSPENDED) {
                view = ServletView.CLOSED;
            }
        }

        @Override
        public boolean isReady() throws IOException {
            return output.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) throws IOException {
            output.setWriteListener(listener);
        }
    }
}
