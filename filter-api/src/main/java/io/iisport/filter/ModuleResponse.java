package io.iisport.filter;

import io.iisport.httpserv.HttpDataChunk;
import io.iisport.httpserv.IHttpResponse;
import io.iisport.spi.ConnectionBridge;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.UnsupportedEncodingException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The buffering {@link IHttpResponse} over an {@link HttpServletResponse}: the servlet and the modules write into
 * one buffer, which goes to the client when the request ends, raising {@code RQ_SEND_RESPONSE} first.
 *
 * <p>How the servlet's output reaches the container is one {@link Output} state:
 * <pre>
 *   BUFFERING --(limit passed, disableBuffering())--&gt; STREAMING
 *       |                                                  |
 *       +--(setWriteListener())--&gt; PASS_THROUGH &lt;---------+ (setWriteListener())
 *   responseBufferLimit 0 starts in PASS_THROUGH; an explicit flush changes no state.
 * </pre>
 * {@code BUFFERING}: writes collect in the buffer up to the filter's {@code responseBufferLimit}; the write that
 * would pass it sends what is buffered (headers without {@code Content-Length}) and the response streams from
 * then on ({@code STREAMING}), each write sent after {@code RQ_SEND_RESPONSE} in pieces of at most
 * {@code max(limit, 8 KiB)}, so memory never grows past that. {@code PASS_THROUGH}: there is no iisport buffer;
 * each write goes to the container's own stream after {@code RQ_SEND_RESPONSE}, and the container's own buffer,
 * commit rules, {@code Content-Length}, {@code sendError}, {@code sendRedirect}, {@code reset} and non-blocking
 * {@code isReady()} apply as if there were no filter.
 *
 * <p>The servlet contract, as the servlet sees it: {@link #flushBuffer()} and {@code flush()} are an IIS
 * {@code Flush} in every state: {@code RQ_SEND_RESPONSE} (headers being sent on the first, {@code MORE_DATA}),
 * then the headers are committed and what is buffered goes to the client; output written after it is buffered
 * again. {@code close()} ends the servlet's output but sends nothing before the request ends; mixing
 * {@link #getWriter()} and {@link #getOutputStream()} is an {@link IllegalStateException}; the writer encodes into
 * the buffer on every write, so no character is stranded; while buffered, {@code Content-Length} set through any of
 * the six setters is held back and reported by {@code getHeader}, {@code getHeaders}, {@code getHeaderNames} and
 * {@code containsHeader}, and the real header is the length of the body actually sent when it is sent whole;
 * {@link #reset()} and {@link #resetBuffer()} clear the buffer (an {@link IllegalStateException} once committed);
 * {@link #sendError(int, String)} and {@link #sendRedirect(String)} discard the body and are carried out by the
 * container when the request ends, so its error pages still apply, unless a module rewrites the response in
 * {@code OnSendResponse}.
 */
final class ModuleResponse extends HttpServletResponseWrapper implements IHttpResponse {
    private static final Logger LOG = LoggerFactory.getLogger(ModuleResponse.class);
    private static final int STREAM_SLICE = 8192;

    /** How the servlet's output reaches the container; see the class comment for the transitions. */
    enum Output {
        /** Writes collect in the buffer until an explicit flush, the limit or the final send. */
        BUFFERING,
        /** Past the limit, or after {@code disableBuffering()}: each write is sent after {@code RQ_SEND_RESPONSE}. */
        STREAMING,
        /** No iisport buffer (limit 0, or non-blocking output): writes go to the container's stream. */
        PASS_THROUGH
    }

    private final HttpServletResponse real;
    private final RequestContext context;
    private final ConnectionActions connection;
    private final int limit;
    private final boolean sendResponseModules;

    private final BodyBuffer body = new BodyBuffer(ChunkPool.SHARED);
    private Output output;
    /** The servlet set a WriteListener: the container's stream is non-blocking and may still reference written bytes. */
    private boolean nonBlocking;
    /** Part of the body already went into the container's buffer (an async dispatch, a switch to non-blocking). */
    private boolean handedOver;
    /** Every send is also flushed to the client: {@link #disableBuffering()} was called. */
    private boolean flushEachSend;
    /** {@code RQ_SEND_RESPONSE} modules are running: their writes only fill the buffer. */
    private boolean inSendResponse;
    /** The servlet closed its output, or sent an error or redirect: its later writes are dropped. */
    private boolean servletClosed;
    /** The final send was made; later writes are dropped. */
    private boolean completed;
    /** A module changed the body: the servlet's declared Content-Length no longer holds. */
    private boolean bodyEdited;
    /** The servlet's Content-Length, held back while buffered; -1 for none. */
    private long contentLength = -1;
    /** The servlet's sendError or sendRedirect, carried out at the final send; {@code null} for none. */
    private DeferredEnding ending;
    private int subStatus;
    private String reason;
    private String errorDescription;

    private ServletOutputStream servletStream;
    private ResponseWriter writer;
    private ServletOutputStream realStream;
    private OutputStream realSink;

    ModuleResponse(HttpServletResponse real, RequestContext context, ConnectionActions connection, int limit,
            boolean sendResponseModules) {
        super(real);
        this.real = real;
        this.context = context;
        this.connection = connection;
        this.limit = limit;
        this.sendResponseModules = sendResponseModules;
        this.output = limit == 0 ? Output.PASS_THROUGH : Output.BUFFERING;
    }

    // ---------------------------------------------------------------- the buffer

    private boolean discarding() {
        return completed || connection.isAborted();
    }

    private void append(byte[] b, int off, int len) {
        long maxCapacity = inSendResponse || output == Output.PASS_THROUGH ? Long.MAX_VALUE
                : output == Output.STREAMING ? Math.max(limit, STREAM_SLICE) : limit;
        body.append(b, off, len, maxCapacity);
    }

    /** Writes into the response the way the output state says; the caller checked {@link #discarding()}. */
    private void write(byte[] b, int off, int len) throws IOException {
        if (inSendResponse) {
            append(b, off, len);
            return;
        }
        switch (output) {
            case PASS_THROUGH -> passThrough(b, off, len);
            case STREAMING -> stream(b, off, len);
            case BUFFERING -> {
                if (body.size() + len <= limit) {
                    append(b, off, len);
                    return;
                }
                int fill = limit - body.size();
                append(b, off, fill);
                output = Output.STREAMING;
                send(true, false);
                stream(b, off + fill, len - fill);
            }
        }
    }

    /** A write while streaming: sent in slices, each after {@code RQ_SEND_RESPONSE}. */
    private void stream(byte[] b, int off, int len) throws IOException {
        if (!sendResponseModules) {
            if (body.size() > 0) {
                send(true, false);
            }
            writeReal(b, off, len);
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
        if (sendResponseModules) {
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
            writeReal(joined.toByteArray(), 0, joined.size());
        } else {
            writeReal(b, off, len);
        }
        if (flushEachSend && !nonBlocking) {
            realSink().flush();
        }
    }

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
        if (body.size() > 0) {
            drainReal();
        } else if (!real.isCommitted()) {
            beforeCommit(false);
        }
        if (flush || headersBeingSent || flushEachSend) {
            // The headers went with this send, as the modules were told: commit them now.
            real.flushBuffer();
        }
    }

    /** Raises {@code RQ_SEND_RESPONSE}, if a module subscribed and this is not a write made by such a module. */
    private void raiseSendResponse(boolean headersBeingSent, boolean moreData) {
        if (sendResponseModules && !inSendResponse) {
            inSendResponse = true;
            try {
                context.raiseSendResponse(headersBeingSent, moreData);
            } finally {
                inSendResponse = false;
            }
        }
    }

    private void writeReal(byte[] b, int off, int len) throws IOException {
        if (!real.isCommitted()) {
            beforeCommit(false);
        }
        realSink().write(b, off, len);
    }

    /** Writes what is buffered to the container and empties the buffer. */
    private void drainReal() throws IOException {
        if (!real.isCommitted()) {
            beforeCommit(false);
        }
        body.drainTo(realSink());
    }

    /** What goes with the headers: the held-back Content-Length and a degraded disconnect's Connection: close. */
    private void beforeCommit(boolean whole) {
        if (whole) {
            real.setContentLengthLong(!bodyEdited && contentLength >= 0 ? contentLength : body.size());
        } else if (!bodyEdited && contentLength >= 0) {
            real.setContentLengthLong(contentLength);
        }
        connection.beforeCommit(real);
    }

    private ServletOutputStream realStream() throws IOException {
        if (realStream == null) {
            realStream = real.getOutputStream();
        }
        return realStream;
    }

    /**
     * Where sent bytes go in the container: its output stream, unless its writer is in use (by the target of an
     * async dispatch, a servlet the filter does not wrap): then the bytes go to that writer as the characters
     * they encode.
     */
    private OutputStream realSink() throws IOException {
        if (realSink == null) {
            try {
                realSink = realStream();
            } catch (IllegalStateException writerInUse) {
                realSink = containerWriter(real.getCharacterEncoding());
            }
        }
        return realSink;
    }

    private OutputStream containerWriter(String encoding) throws IOException {
        return new DecodingOutputStream(real.getWriter(), Charset.forName(encoding));
    }

    /**
     * Puts what is buffered into the container's own buffer without sending it, and keeps no buffer from then on
     * if {@code passThrough}. For an async dispatch (whose target the filter may not see) and a switch to
     * non-blocking output, so that the container has the body in order.
     */
    void handOver(boolean passThrough) throws IOException {
        if (writer != null) {
            writer.encode();
        }
        if (!discarding() && output != Output.PASS_THROUGH) {
            if (body.size() > 0) {
                if (writer != null && realSink == null) {
                    // The target may go on with getWriter(), as it could without the filter.
                    realSink = containerWriter(writer.encoding);
                }
                drainReal();
                handedOver = true;
            }
            if (passThrough) {
                if (!real.isCommitted()) {
                    beforeCommit(false);
                }
                contentLength = -1;
                output = Output.PASS_THROUGH;
            }
        }
    }

    /**
     * The final send, when the request ends: raises {@code RQ_SEND_RESPONSE}, then hands the response to the
     * container. Called once, by the pipeline.
     */
    void complete() throws IOException {
        if (completed) {
            return;
        }
        if (writer != null) {
            writer.encode();
        }
        if (connection.isAborted()) {
            completed = true;
            body.clear();
            return;
        }
        raiseSendResponse(!real.isCommitted(), false);
        completed = true;
        if (connection.isAborted()) {
            body.clear();
            return;
        }
        if (!real.isCommitted()) {
            if (ending instanceof DeferredEnding.SendError error) {
                beforeCommit(false);
                real.sendError(real.getStatus(), error.message() != null ? error.message() : errorDescription);
                return;
            }
            if (ending instanceof DeferredEnding.SendRedirect redirect) {
                beforeCommit(false);
                real.sendRedirect(redirect.location());
                return;
            }
            beforeCommit(output == Output.BUFFERING && !handedOver);
        }
        if (body.size() > 0) {
            if (nonBlocking && !realStream().isReady()) {
                LOG.warn("iisport: {} bytes that modules wrote at the final send of a non-blocking response to {} were"
                        + " dropped: the container's output was not ready", body.size(),
                        HttpSyntax.printable(context.getServletRequest().getRequestURI()));
                body.clear();
                return;
            }
            body.drainTo(realSink());
        }
    }

    /** @return the bytes the buffer holds room for now (what it costs in heap) */
    long bufferCapacity() {
        return body.capacity();
    }

    /** Gives the buffer's chunks back for reuse, once the request is over and no write can reference them. */
    void release() {
        if (!nonBlocking) {
            body.release();
        }
    }

    /** @return whether the final send was made */
    boolean isCompleted() {
        return completed;
    }

    /** Ends a request whose reset or close the container could not do (see {@link Degradation.Kind#RESET}). */
    boolean completeDegradedAbort() {
        if (real.isCommitted()) {
            return false;
        }
        real.reset();
        real.setStatus(SC_INTERNAL_SERVER_ERROR);
        real.setHeader("Connection", "close");
        real.setContentLength(0);
        return true;
    }

    /** Makes the response a 500 for a failed module: the body is dropped and the container renders the error. */
    void failWithServerError() {
        if (real.isCommitted()) {
            connection.reset(ConnectionBridge.CANCEL);
            return;
        }
        body.clear();
        bodyEdited = true;
        real.setStatus(SC_INTERNAL_SERVER_ERROR);
        ending = new DeferredEnding.SendError(null);
        servletClosed = true;
    }

    /** A module rewrote the response: a pending sendError/sendRedirect of the servlet no longer applies. */
    private void moduleTookOver() {
        ending = null;
    }

    // ---------------------------------------------------------------- the servlet's view

    private void servletWrite(byte[] b, int off, int len) throws IOException {
        if (servletClosed || discarding()) {
            return;
        }
        write(b, off, len);
    }

    /** The servlet's flush: an IIS Flush, which sends what is buffered to the client and commits. */
    private void servletFlush() throws IOException {
        if (discarding() || inSendResponse) {
            return;
        }
        if (nonBlocking) {
            realStream().flush();
            return;
        }
        send(true, true);
    }

    @Override
    public ServletOutputStream getOutputStream() {
        if (writer != null) {
            throw new IllegalStateException("getWriter() has already been called for this response");
        }
        if (servletStream == null) {
            servletStream = new BufferedServletOutputStream();
        }
        return servletStream;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (servletStream != null) {
            throw new IllegalStateException("getOutputStream() has already been called for this response");
        }
        if (writer == null) {
            String encoding = real.getCharacterEncoding();
            Charset charset;
            try {
                charset = Charset.forName(encoding);
            } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                throw new UnsupportedEncodingException(encoding);
            }
            if (!impliedByContentType(encoding)) {
                // What the container's getWriter() does: the charset becomes part of the content type.
                real.setCharacterEncoding(encoding);
            }
            writer = new ResponseWriter(charset, encoding);
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
        if (type == null || type.toLowerCase(java.util.Locale.ROOT).contains("charset=")) {
            return false;
        }
        String contextDefault = context.getServletRequest().getServletContext().getResponseCharacterEncoding();
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
    public void setLocale(java.util.Locale locale) {
        super.setLocale(locale);
        keepWriterCharset();
    }

    private void keepWriterCharset() {
        if (writer != null && !writer.encoding.equalsIgnoreCase(real.getCharacterEncoding())) {
            real.setCharacterEncoding(writer.encoding);
        }
    }

    /** An IIS Flush: raises {@code RQ_SEND_RESPONSE}, commits and sends what is buffered; the response stays open. */
    @Override
    public void flushBuffer() throws IOException {
        if (writer != null) {
            writer.encode();
        }
        servletFlush();
    }

    @Override
    public boolean isCommitted() {
        return real.isCommitted() || ending != null;
    }

    @Override
    public void reset() {
        if (isCommitted()) {
            throw new IllegalStateException("the response is committed");
        }
        real.reset();
        body.clear();
        contentLength = -1;
        subStatus = 0;
        reason = null;
        servletStream = null;
        writer = null;
        realStream = null;
        realSink = null;
        servletClosed = false;
    }

    @Override
    public void resetBuffer() {
        if (isCommitted()) {
            throw new IllegalStateException("the response is committed");
        }
        body.clear();
        if (output == Output.PASS_THROUGH || handedOver) {
            real.resetBuffer();
        }
    }

    @Override
    public void setBufferSize(int size) {
        if (output != Output.PASS_THROUGH && body.size() > 0) {
            throw new IllegalStateException("content has already been written");
        }
        super.setBufferSize(size);
    }

    @Override
    public void sendError(int sc) throws IOException {
        sendError(sc, null);
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        if (isCommitted()) {
            throw new IllegalStateException("the response is committed");
        }
        if (discarding()) {
            return;
        }
        if (output == Output.PASS_THROUGH) {
            real.sendError(sc, msg);
            return;
        }
        body.clear();
        real.setStatus(sc);
        ending = new DeferredEnding.SendError(msg);
        servletClosed = true;
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
     * Servlet 6.1's {@code sendRedirect(String, int, boolean)}: the redirect is carried out when the request ends,
     * with the body written so far unless {@code clearBuffer}.
     */
    public void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
        if (isCommitted()) {
            throw new IllegalStateException("the response is committed");
        }
        if (discarding()) {
            return;
        }
        if (output == Output.PASS_THROUGH && sc == SC_FOUND && clearBuffer) {
            real.sendRedirect(location);
            return;
        }
        if (clearBuffer) {
            body.clear();
            if (output == Output.PASS_THROUGH) {
                real.resetBuffer();
            }
        }
        real.setStatus(sc);
        real.setHeader("Location", location);
        if (output != Output.PASS_THROUGH) {
            ending = sc == SC_FOUND && clearBuffer ? new DeferredEnding.SendRedirect(location)
                    : new DeferredEnding.AsIs();
            servletClosed = true;
        }
    }

    // ---------------------------------------------------------------- Content-Length, held back

    private static boolean isContentLength(String name) {
        return "Content-Length".equalsIgnoreCase(name);
    }

    /** @return whether a write of this header is the Content-Length held back while the body is buffered */
    private boolean heldBack(String name) {
        return isContentLength(name) && holdsContentLength();
    }

    /**
     * @return whether the filter holds the Content-Length back: while it buffers, and unless the container put its
     *     own wrapper below the filter's (Tomcat does during an include, and ignores the included servlet's length)
     */
    private boolean holdsContentLength() {
        return output != Output.PASS_THROUGH && getResponse() == real;
    }

    @Override
    public void setContentLength(int len) {
        setContentLengthLong(len);
    }

    @Override
    public void setContentLengthLong(long len) {
        if (!holdsContentLength()) {
            super.setContentLengthLong(len);
        } else if (!real.isCommitted()) {
            contentLength = len < 0 ? -1 : len;
        }
    }

    private void setContentLengthHeader(String value) {
        if (value == null) {
            setContentLengthLong(-1);
            return;
        }
        try {
            setContentLengthLong(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Content-Length '" + HttpSyntax.printable(value) + "' is not a number");
        }
    }

    @Override
    public void setHeader(String name, String value) {
        if (heldBack(name)) {
            setContentLengthHeader(value);
        } else {
            super.setHeader(name, value);
        }
    }

    @Override
    public void addHeader(String name, String value) {
        if (heldBack(name)) {
            setContentLengthHeader(value);
        } else {
            super.addHeader(name, value);
        }
    }

    @Override
    public void setIntHeader(String name, int value) {
        if (heldBack(name)) {
            setContentLengthLong(value);
        } else {
            super.setIntHeader(name, value);
        }
    }

    @Override
    public void addIntHeader(String name, int value) {
        if (heldBack(name)) {
            setContentLengthLong(value);
        } else {
            super.addIntHeader(name, value);
        }
    }

    @Override
    public boolean containsHeader(String name) {
        if (isContentLength(name)) {
            return contentLength >= 0 || real.containsHeader(name);
        }
        return super.containsHeader(name);
    }

    @Override
    public String getHeader(String name) {
        if (isContentLength(name) && contentLength >= 0) {
            return Long.toString(contentLength);
        }
        return super.getHeader(name);
    }

    @Override
    public Collection<String> getHeaders(String name) {
        if (isContentLength(name) && contentLength >= 0) {
            return List.of(Long.toString(contentLength));
        }
        return super.getHeaders(name);
    }

    @Override
    public Collection<String> getHeaderNames() {
        Collection<String> names = super.getHeaderNames();
        if (contentLength < 0) {
            return names;
        }
        for (String name : names) {
            if (isContentLength(name)) {
                return names;
            }
        }
        Set<String> all = new LinkedHashSet<>(names);
        all.add("Content-Length");
        return all;
    }

    // ---------------------------------------------------------------- IHttpResponse, for modules

    @Override
    public void clear() {
        if (discarding()) {
            return;
        }
        body.clear();
        bodyEdited = true;
    }

    @Override
    public void clearHeaders() {
        if (discarding() || real.isCommitted()) {
            return;
        }
        int status = real.getStatus();
        real.reset();
        real.setStatus(status);
        contentLength = -1;
        realStream = null;
        realSink = null;
        if (writer != null) {
            real.setCharacterEncoding(writer.encoding);
        }
    }

    @Override
    public void setHeader(String headerName, String headerValue, boolean replace) {
        HttpSyntax.checkName(headerName);
        HttpSyntax.checkValue("header '" + headerName + "' value", headerValue);
        if (discarding() || real.isCommitted()) {
            return;
        }
        if (replace) {
            setHeader(headerName, headerValue);
        } else {
            addHeader(headerName, headerValue);
        }
    }

    @Override
    public void deleteHeader(String headerName) {
        if (discarding() || real.isCommitted() || headerName == null) {
            return;
        }
        if (isContentLength(headerName)) {
            contentLength = -1;
            if (!real.containsHeader(headerName)) {
                return;
            }
        }
        real.setHeader(headerName, null);
        if (real.containsHeader(headerName)) {
            removeByReplay(headerName);
        }
    }

    /** Removes a header on containers that ignore {@code setHeader(name, null)}: reset, then put the rest back. */
    private void removeByReplay(String headerName) {
        int status = real.getStatus();
        String contentType = real.getContentType();
        List<String[]> kept = new ArrayList<>();
        for (String name : new ArrayList<>(real.getHeaderNames())) {
            if (!name.equalsIgnoreCase(headerName) && !name.equalsIgnoreCase("Content-Type")) {
                for (String value : real.getHeaders(name)) {
                    kept.add(new String[] {name, value});
                }
            }
        }
        real.reset();
        realStream = null;
        realSink = null;
        real.setStatus(status);
        if (contentType != null && !headerName.equalsIgnoreCase("Content-Type")) {
            real.setContentType(contentType);
        }
        for (String[] header : kept) {
            real.addHeader(header[0], header[1]);
        }
    }

    @Override
    public void setStatus(int statusCode, String reason) {
        setStatus(statusCode, reason, 0);
    }

    @Override
    public void setStatus(int statusCode, String reason, int subStatus) {
        if (statusCode < 100 || statusCode > 999) {
            throw new IllegalArgumentException("status code " + statusCode + " is not from 100 to 999");
        }
        if (subStatus < 0 || subStatus > 0xFFFF) {
            throw new IllegalArgumentException("sub-status " + subStatus + " is not from 0 to 65535");
        }
        if (reason != null) {
            HttpSyntax.checkValue("reason", reason);
        }
        if (discarding() || real.isCommitted()) {
            return;
        }
        moduleTookOver();
        real.setStatus(statusCode);
        this.reason = reason;
        this.subStatus = subStatus;
    }

    @Override
    public int getStatus() {
        return real.getStatus();
    }

    @Override
    public int getSubStatus() {
        return subStatus;
    }

    @Override
    public String getReason() {
        return reason;
    }

    @Override
    public void redirect(String url, boolean resetStatusCode, boolean includeParameters) {
        HttpSyntax.checkValue("redirect URL", url);
        if (discarding() || real.isCommitted()) {
            return;
        }
        String location = url;
        String query = context.getServletRequest().getQueryString();
        if (includeParameters && query != null && !query.isEmpty()) {
            location = url + (url.indexOf('?') >= 0 ? '&' : '?') + query;
        }
        moduleTookOver();
        body.clear();
        bodyEdited = true;
        if (resetStatusCode) {
            real.setStatus(SC_FOUND);
        }
        real.setHeader("Location", location);
    }

    @Override
    public long writeEntityChunks(HttpDataChunk[] dataChunks, boolean async, boolean moreData) {
        if (dataChunks == null) {
            throw new IllegalArgumentException("dataChunks is null");
        }
        long total = 0;
        for (HttpDataChunk chunk : dataChunks) {
            if (chunk == null) {
                throw new IllegalArgumentException("dataChunks holds null");
            }
            total += writeChunk(chunk);
        }
        return total;
    }

    private long writeChunk(HttpDataChunk chunk) {
        try {
            if (chunk.getDataChunkType() == HttpDataChunk.HttpDataChunkType.HttpDataChunkFromMemory) {
                int len = (int) chunk.getLength();
                if (!discarding()) {
                    moduleWrote();
                    write(chunk.getBuffer(), chunk.getBufferOffset(), len);
                }
                return len;
            }
            try (FileChannel file = FileChannel.open(chunk.getFile(), StandardOpenOption.READ)) {
                long position = chunk.getStartingOffset();
                long end = chunk.getLength() == HttpDataChunk.HTTP_BYTE_RANGE_TO_EOF
                        ? file.size() : position + chunk.getLength();
                if (end > file.size()) {
                    throw new IOException("chunk range " + position + "-" + end + " passes the end of " + chunk.getFile()
                            + " (" + file.size() + " bytes)");
                }
                if (discarding()) {
                    return Math.max(0, end - position);
                }
                moduleWrote();
                ByteBuffer piece = ByteBuffer.allocate((int) Math.min(64 * 1024, Math.max(1, end - position)));
                long written = 0;
                while (position < end) {
                    piece.clear().limit((int) Math.min(piece.capacity(), end - position));
                    int n = file.read(piece, position);
                    if (n < 0) {
                        throw new IOException("unexpected end of " + chunk.getFile());
                    }
                    position += n;
                    written += n;
                    if (!discarding()) {
                        write(piece.array(), 0, n);
                    }
                }
                return written;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void moduleWrote() {
        moduleTookOver();
        bodyEdited = true;
    }

    @Override
    public long flush(boolean async, boolean moreData) {
        if (discarding()) {
            return 0;
        }
        long n = body.size();
        try {
            if (inSendResponse) {
                if (body.size() > 0) {
                    drainReal();
                } else if (!real.isCommitted()) {
                    beforeCommit(false);
                }
            } else {
                send(moreData, true);
                return n;
            }
            if (!connection.isAborted()) {
                real.flushBuffer();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n;
    }

    @Override
    public void disableBuffering() {
        if (output == Output.BUFFERING) {
            output = Output.STREAMING;
        }
        flushEachSend = true;
    }

    @Override
    public void setErrorDescription(String description) {
        this.errorDescription = description;
    }

    @Override
    public String getErrorDescription() {
        return errorDescription;
    }

    @Override
    public void setNeedDisconnect() {
        connection.disconnect(real.isCommitted());
    }

    @Override
    public void setNeedGoAway() {
        setNeedDisconnect();
    }

    @Override
    public void resetConnection() {
        resetStream(ConnectionBridge.CANCEL);
    }

    @Override
    public void resetStream(int errorCode) {
        connection.reset(errorCode);
    }

    @Override
    public void closeConnection() {
        connection.close();
    }

    // ---------------------------------------------------------------- the servlet's stream and writer

    private final class BufferedServletOutputStream extends ServletOutputStream {
        private final byte[] one = new byte[1];

        @Override
        public void write(int b) throws IOException {
            one[0] = (byte) b;
            servletWrite(one, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            servletWrite(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            servletFlush();
        }

        @Override
        public void close() {
            servletClosed = true;
        }

        @Override
        public boolean isReady() {
            if (output == Output.BUFFERING || discarding()) {
                return true;
            }
            try {
                return realStream().isReady();
            } catch (IOException e) {
                return true;
            }
        }

        @Override
        public void setWriteListener(WriteListener writeListener) {
            try {
                handOver(true);
                nonBlocking = true;
                realStream().setWriteListener(writeListener);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Encodes into the buffer on every write, so that no character waits in the encoder. */
    private final class ResponseWriter extends PrintWriter {
        final String encoding;

        ResponseWriter(Charset charset, String encoding) {
            super(new OutputStreamWriter(new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    byte[] one = {(byte) b};
                    servletWrite(one, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    servletWrite(b, off, len);
                }
            }, charset));
            this.encoding = encoding;
        }

        /** Pushes encoded characters into the buffer without the servlet's flush semantics. */
        void encode() {
            super.flush();
        }

        @Override
        public void write(int c) {
            super.write(c);
            encode();
        }

        @Override
        public void write(char[] buf, int off, int len) {
            super.write(buf, off, len);
            encode();
        }

        @Override
        public void write(String s, int off, int len) {
            super.write(s, off, len);
            encode();
        }

        @Override
        public void flush() {
            encode();
            try {
                servletFlush();
            } catch (IOException e) {
                setError();
            }
        }

        @Override
        public void close() {
            encode();
            servletClosed = true;
        }
    }
}
