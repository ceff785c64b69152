package io.iisport.conformance;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The catalogue: every case, in one list, by area. Each case is requested at {@code /b/...} (no filter) and at
 * {@code /f/...} (IisModuleFilter with a module on every notification that does nothing), or {@code /z/...} for
 * the responseBufferLimit=0 cases, or {@code /d/...} for the WebSocket upgrade behind a module that calls
 * {@code setNeedDisconnect()}; every {@code /f/} case is also requested at {@code /l/...} (a module on every
 * notification before the handler and on LOG_REQUEST and END_REQUEST: the servlet gets the container's own objects),
 * named {@code direct.<name>}; {@code {p}} in a target stands for the prefix. The servlets are in the
 * conformance WAR, each documenting its query parameters.
 */
public final class Catalogue {
    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;

    private Catalogue() {
    }

    /** @return every case, names unique */
    public static List<Case> cases() {
        List<Case> cases = new ArrayList<>();

        // Output through the stream and the writer, at sizes around each buffer: the filter's first buffer (256 B),
        // the containers' output buffers (8 KiB, ~32 KiB), 256 KiB and the filter's 4 MiB responseBufferLimit.
        for (int size : new int[] {0, 1, 255, 256, 257, 8 * KIB - 1, 8 * KIB, 8 * KIB + 1, 32 * KIB - 1, 32 * KIB,
                32 * KIB + 1, 256 * KIB, 256 * KIB + 1, 4 * MIB - 1, 4 * MIB, 4 * MIB + 1}) {
            cases.add(get("out.stream." + size, "{p}/out?size=" + size, size + " bytes through the output stream"));
        }
        for (int size : new int[] {256, 8 * KIB + 1, 32 * KIB + 1, 256 * KIB + 1, 4 * MIB + 1}) {
            cases.add(get("out.writer." + size, "{p}/out?via=writer&size=" + size, size + " bytes through the writer"));
        }
        cases.add(get("out.length.32769", "{p}/out?length=true&size=32769", "setContentLengthLong, then the bytes")
                .framed());
        cases.add(get("out.length.4194305", "{p}/out?length=true&size=4194305", "setContentLengthLong over 4 MiB")
                .framed());
        cases.add(get("out.bufferSize.1024", "{p}/out?bufferSize=1024&size=10000", "setBufferSize(1024), 10000 bytes"));

        // An application's filter around the module filter, acting once the chain returned.
        cases.add(get("outerFilter.header", "{p}/outer?size=100", "a filter before the module filter sets a header "
                + "after the chain returned, the response uncommitted"));
        cases.add(get("outerFilter.header.writer", "{p}/outer?size=100&via=writer", "the same after the writer"));
        cases.add(get("outerFilter.header.committed", "{p}/outer?size=40000", "the same once the servlet's output "
                + "committed the response"));
        cases.add(get("outerFilter.append", "{p}/outer?size=100&outer=append", "a filter before the module filter "
                + "appends a footer through the stream after the chain returned"));
        cases.add(get("outerFilter.append.writer", "{p}/outer?size=100&outer=append&via=writer", "the same through "
                + "the writer"));
        cases.add(get("outerFilter.header.closed", "{p}/outer?size=100&close=true", "the same once the servlet "
                + "closed its output"));
        cases.add(get("outerFilter.append.closed", "{p}/outer?size=100&close=true&outer=append", "a footer appended "
                + "once the servlet closed its output"));
        cases.add(get("outerFilter.forward", "{p}/outer-dispatch?mode=forward", "a header set after the chain of a "
                + "forward, which closes the response"));
        cases.add(get("outerFilter.include", "{p}/outer-dispatch?mode=include", "a header set after the chain of "
                + "an include"));
        cases.add(get("outerFilter.append.length", "{p}/outer?size=100&outer=append&length=true", "the same after a "
                + "servlet that set its Content-Length"));
        cases.add(get("outerFilter.gzip", "{p}/outer?size=100&outer=gzip", "a filter before the module filter "
                + "compresses the response through a wrapper, finished once the chain returned"));
        cases.add(get("outerFilter.gzip.large", "{p}/outer?size=200000&outer=gzip", "the same, more than the "
                + "container's buffer before compression, little after"));
        cases.add(get("outerFilter.gzip.fail", "{p}/outer?size=200000&outer=gzip&fail=true", "the servlet throws once "
                + "it wrote that: the compressed bytes never filled the container's buffer, so its error page"));
        cases.add(get("outerFilter.gzip.forward", "{p}/outer-dispatch?mode=forward&outer=gzip", "a compressing "
                + "wrapper around a forward, which closes the response"));
        cases.add(get("outerFilter.count.fail", "{p}/outer?size=200000&outer=count&fail=true", "the same through a "
                + "wrapper that passes the bytes through: the container committed, the response is aborted"));
        cases.add(get("outerFilter.throw", "{p}/outer?size=100&outer=throw", "a filter before the module filter "
                + "throws a ServletException after the chain returned, the response uncommitted: the error page"));
        cases.add(get("outerFilter.throw.forward", "{p}/outer-dispatch?mode=forward&outer=throw", "the same after a "
                + "forward (Tomcat only suspends the response: its error page)"));
        cases.add(get("outerFilter.throw.length", "{p}/outer?size=100&length=true&outer=throw", "the same after a "
                + "servlet that set its Content-Length and wrote it all"));
        cases.add(get("outerFilter.throw.closed", "{p}/outer?size=100&close=true&outer=throw", "the same after a "
                + "servlet that closed its output"));
        // An application's filter between the module filter and the servlet, throwing once the chain returned.
        cases.add(get("innerFilter.throw", "{p}/inner?size=100", "a filter behind the module filter throws a "
                + "ServletException after the chain returned, the response uncommitted: the error page"));
        cases.add(get("innerFilter.throw.afterFlush", "{p}/inner?size=1500&flushEvery=1000&flush=buffer", "1000 "
                + "bytes, flushBuffer, 500 bytes, then a filter behind the module filter throws: all 1500 bytes, then "
                + "the response is aborted"));

        // Flushing: each flushed piece must reach the client when it does bare (within 100 ms).
        cases.add(get("flush.stream.pieces", "{p}/out?size=3000&flushEvery=1000&gap=300",
                "3 x 1000 bytes, the stream flushed after each, 300 ms apart").timedEvery(1000));
        cases.add(get("flush.writer.pieces", "{p}/out?via=writer&size=3000&flushEvery=1000&gap=300",
                "3 x 1000 bytes, the writer flushed after each, 300 ms apart").timedEvery(1000));
        cases.add(get("flush.flushBuffer.pieces", "{p}/out?size=3000&flushEvery=1000&gap=300&flush=buffer",
                "3 x 1000 bytes, flushBuffer after each, 300 ms apart").timedEvery(1000));
        cases.add(get("flush.download.6m", "{p}/out?size=6291456&flushEvery=1048576&gap=100&chunk=65536",
                "a 6 MiB download flushed every MiB, 100 ms apart").timedEvery(MIB));
        cases.add(get("flush.sse.h1", "{p}/sse?events=3&gap=300", "server-sent events over HTTP/1.1, writer flush")
                .timedBy("\n\n"));
        cases.add(get("flush.sse.h1.flushBuffer", "{p}/sse?events=3&gap=300&flush=buffer",
                "server-sent events over HTTP/1.1, flushBuffer").timedBy("\n\n"));
        cases.add(h2("flush.sse.h2c", "{p}/sse?events=3&gap=300", "server-sent events over h2c").timedBy("\n\n"));
        cases.add(h2("flush.sse.h2c.flushBuffer", "{p}/sse?events=3&gap=300&flush=buffer",
                "server-sent events over h2c, flushBuffer").timedBy("\n\n"));

        // HTTP/2 output.
        cases.add(h2("h2c.out.256", "{p}/out?size=256", "256 bytes over h2c"));
        cases.add(h2("h2c.out.262145", "{p}/out?size=262145", "256 KiB + 1 over h2c"));
        cases.add(h2("h2c.out.4194305", "{p}/out?size=4194305", "4 MiB + 1 over h2c"));

        // Non-blocking output (WriteListener), complete() right after the last write or once isReady() again.
        for (int size : new int[] {8 * KIB, 64 * KIB, 256 * KIB, MIB, 6 * MIB}) {
            cases.add(get("nonblocking." + size + ".completeImmediately", "{p}/nb?complete=immediate&size=" + size,
                    size + " bytes through a WriteListener, complete() right after the last write"));
            cases.add(get("nonblocking." + size + ".completeWhenReady", "{p}/nb?complete=ready&size=" + size,
                    size + " bytes through a WriteListener, complete() once isReady() is true again"));
        }
        cases.add(get("nonblocking.1048576.length", "{p}/nb?complete=ready&length=true&size=1048576",
                "1 MiB through a WriteListener with setContentLengthLong").framed());

        // startAsync.
        cases.add(get("async.thread", "{p}/async?mode=thread", "startAsync; another thread writes and completes"));
        cases.add(get("async.completeInDispatch", "{p}/async?mode=completeInDispatch",
                "startAsync, a write, complete(), a write, all in the dispatch that started it"));
        cases.add(get("async.completeDuringDispatch", "{p}/async?mode=completeDuringDispatch",
                "another thread writes and completes while the dispatch that started async runs, which then writes"));
        cases.add(get("async.redispatch.completeInDispatch", "{p}/async?mode=redispatchComplete",
                "a write, dispatch() back; the ASYNC dispatch starts async again: a write, complete(), a write"));
        cases.add(get("async.redispatch.completeDuringDispatch", "{p}/async?mode=redispatchCompleteDuring",
                "a write, dispatch() back; the ASYNC dispatch starts async again, another thread writes and completes,"
                        + " then the ASYNC dispatch writes"));
        cases.add(get("async.redispatch.write", "{p}/async?mode=redispatchWrite",
                "a write, dispatch() back; the ASYNC dispatch writes twice and returns without starting async"));
        cases.add(get("async.events.h1", "{p}/async?mode=events",
                "startAsync; another thread writes three flushed events 300 ms apart").timedBy("\n\n"));
        cases.add(h2("async.events.h2c", "{p}/async?mode=events", "the same over h2c").timedBy("\n\n"));
        cases.add(get("async.dispatch.mapped", "{p}/async?mode=dispatch&x=1",
                "AsyncContext.dispatch to a path the filter maps; the target prints the parameters it sees"));
        cases.add(get("async.dispatch.unmapped", "{p}/async?mode=dispatchUnmapped&x=1",
                "AsyncContext.dispatch to a path the filter does not map"));
        cases.add(get("async.timeout", "{p}/async?mode=timeout", "startAsync, then nothing: the container's timeout"));
        cases.add(get("async.listener.complete", "{p}/async?mode=ticker",
                "43 bytes written and flushed, then event.getAsyncContext().complete() in onTimeout"));

        // RequestDispatcher.
        cases.add(get("dispatch.forward", "{p}/dispatch?mode=forward", "buffered output, then a forward"));
        cases.add(get("dispatch.forward.thenWrite", "{p}/dispatch?mode=forwardThenWrite",
                "a forward, then a write and flush after it returned"));
        cases.add(get("dispatch.forward.thenThrow", "{p}/dispatch?mode=forwardThenThrow",
                "a forward, then a ServletException after it returned (Tomcat only suspended the response)"));
        cases.add(get("dispatch.forward.closeThenThrow", "{p}/dispatch?mode=forwardCloseThenThrow",
                "a forward, the writer closed after it returned, then a ServletException (still suspended on Tomcat)"));
        cases.add(get("dispatch.forward.sendError", "{p}/dispatch?mode=forwardSendError",
                "a forward to a target that calls sendError(404): the container's error page, in its charset"));
        cases.add(h2("dispatch.forward.sendError.h2c", "{p}/dispatch?mode=forwardSendError", "the same over h2c"));
        cases.add(get("dispatch.forward.sendError.charset", "{p}/dispatch?mode=forwardSendErrorCharset",
                "a forward to a target that sets text/plain;charset=UTF-8, then calls sendError(409)"));
        cases.add(get("dispatch.forward.quiet", "{p}/dispatch?mode=forwardQuiet",
                "a forward to a target that writes nothing: the content type gets no charset"));
        cases.add(get("dispatch.forward.static", "{p}/dispatch?mode=forwardStatic", "a forward to a static file"));
        cases.add(get("dispatch.include", "{p}/dispatch?mode=include", "BEFORE-, an included servlet, -AFTER"));
        cases.add(get("dispatch.include.static", "{p}/dispatch?mode=includeStatic",
                "BEFORE-, an included 11-byte static file, -AFTER"));
        cases.add(get("dispatch.include.staticLarge", "{p}/dispatch?mode=includeStaticLarge",
                "BEFORE-, an included 66000-byte static file, -AFTER"));

        // sendError, sendRedirect, error pages.
        cases.add(get("error.sendError.404", "{p}/error?mode=sendError&code=404", "sendError(404): the container's page"));
        cases.add(get("error.sendError.500.message", "{p}/error?mode=sendError&code=500&message=broken",
                "sendError(500, message)"));
        cases.add(get("error.sendError.410.errorPage", "{p}/error?mode=sendError&code=410",
                "sendError(410): an <error-page> by code"));
        cases.add(get("error.writeThenSendError", "{p}/error?mode=writeThenSendError&code=404",
                "a few lines written, then sendError(404)"));
        cases.add(get("error.flushThenSendError", "{p}/error?mode=flushThenSendError&code=500",
                "flushBuffer, then sendError (IllegalStateException)"));
        cases.add(get("error.throwAfterFlush", "{p}/error?mode=throwAfterFlush",
                "flushBuffer, then a ServletException: the committed response is aborted"));
        cases.add(get("error.throwAfterFlush.mapped", "{p}/error?mode=throwMappedAfterFlush",
                "the writer flushed, then an exception with an <error-page>: included, then the response is aborted"));
        cases.add(get("error.writeThenThrow", "{p}/error?mode=writeThenThrow",
                "\"partial\" unflushed through the writer, then a ServletException with no <error-page>"));
        cases.add(get("error.writeThenThrow.mapped", "{p}/error?mode=writeThenThrowMapped",
                "\"partial\" unflushed through the stream, then an exception with an <error-page>"));
        cases.add(get("error.sendErrorThenThrow", "{p}/error?mode=sendErrorThenThrow",
                "sendError(503), then a ServletException"));
        cases.add(get("error.smallWritesThenThrow", "{p}/error?mode=smallWritesThenThrow",
                "90 stream writes of 100 bytes, then a ServletException: the container's 500 page"));
        cases.add(get("output.smallWrites.20000", "{p}/commit?mode=points&api=stream&writes=100x200",
                "200 stream writes of 100 bytes: framed as the container frames a response it completes uncommitted")
                .framed());
        cases.add(get("error.throwAfterCommit", "{p}/error?mode=throwAfterCommit",
                "40000 bytes, then a ServletException: the response the container committed is aborted"));
        cases.add(get("error.throwAfterCommit.mapped", "{p}/error?mode=throwMappedAfterCommit",
                "40000 characters, then an exception with an <error-page>, after the container committed"));
        cases.add(get("error.throwAfterClose", "{p}/error?mode=throwAfterClose",
                "the writer closed, then a ServletException: the response is already whole"));
        cases.add(get("error.lengthThenThrow", "{p}/error?mode=lengthThenThrow",
                "setContentLength(8), 8 bytes, then a ServletException (Tomcat 10.1 has sent nothing by then)"));
        cases.add(get("error.exception.mapped", "{p}/error?mode=throwMapped", "an exception with an <error-page>"));
        cases.add(get("error.exception.servlet", "{p}/error?mode=throwServlet", "a ServletException: the container's 500"));
        cases.add(get("error.exception.runtime", "{p}/error?mode=throwRuntime", "a RuntimeException: the container's 500"));
        cases.add(get("redirect.relative", "{p}/error?mode=redirect", "sendRedirect(\"target?x=1\")"));
        cases.add(get("error.sendError.thenChange", "{p}/error?mode=sendErrorThenChange&code=404",
                "sendError(404), then setStatus(200), a header, a cookie, a content type: ignored"));
        cases.add(get("redirect.thenChange", "{p}/error?mode=redirectThenChange",
                "sendRedirect, then setStatus(200), a header, a cookie, a content type: ignored"));
        cases.add(get("redirect.path", "{p}/error?mode=redirectAbsolute", "sendRedirect(\"/<prefix>/target?x=1\")"));
        // Servlet 6.1's redirects with a status, or keeping the body (the container resolves the location by its own
        // rules: Jetty makes it a path from the root, Tomcat keeps it relative); skipped on Servlet 6.0 containers.
        cases.add(get("redirect.status.303.relative", "{p}/redirect?api=status&code=303&location=relative",
                "sendRedirect(\"target?x=1\", 303)").servlet61());
        cases.add(get("redirect.status.301.path", "{p}/redirect?api=status&code=301&location=path",
                "sendRedirect(\"/<prefix>/target?x=1\", 301)").servlet61());
        cases.add(get("redirect.status.307.absolute", "{p}/redirect?api=status&code=307&location=absolute",
                "sendRedirect(\"http://elsewhere.example/target?x=1\", 307)").servlet61());
        cases.add(get("redirect.keepBody.302.relative",
                "{p}/redirect?api=full&code=302&clear=false&location=relative&before=300&after=true",
                "300 bytes, sendRedirect(\"target?x=1\", 302, false), a write after it").servlet61());
        cases.add(get("redirect.keepBody.303.path.writer",
                "{p}/redirect?api=full&code=303&clear=false&location=path&before=300&via=writer&after=true",
                "300 characters, sendRedirect(\"/<prefix>/target?x=1\", 303, false), a write after it")
                .servlet61());
        cases.add(get("redirect.keepBody.boolean", "{p}/redirect?api=clear&clear=false&location=relative&before=300",
                "300 bytes, sendRedirect(\"target?x=1\", false)").servlet61());
        cases.add(get("redirect.keepBody.303.12000",
                "{p}/redirect?api=full&code=303&clear=false&location=relative&before=12000",
                "12000 bytes in writes of 100 (Jetty still holds them, Tomcat committed), then"
                        + " sendRedirect(\"target?x=1\", 303, false)").servlet61());
        cases.add(get("redirect.clearBody.308", "{p}/redirect?api=full&code=308&clear=true&location=relative"
                + "&before=300&after=true", "300 bytes, sendRedirect(\"target?x=1\", 308, true), a write after it")
                .servlet61());
        cases.add(get("redirect.clearBody.boolean", "{p}/redirect?api=clear&clear=true&location=relative&before=300",
                "300 bytes, sendRedirect(\"target?x=1\", true)").servlet61());
        cases.add(h2("redirect.status.303.h2c", "{p}/redirect?api=status&code=303&location=relative",
                "sendRedirect(\"target?x=1\", 303) over h2c").servlet61());
        cases.add(get("container.missingStatic", "{p}/static/missing.txt", "the default servlet: no such file"));
        cases.add(get("container.missingServlet", "{p}/no-such-servlet", "a path no servlet maps"));
        cases.add(get("container.unavailableServlet", "{p}/unavailable", "a servlet whose init throws Unavailable"));

        // The default servlet: static files, ranges, conditional GET, HEAD.
        cases.add(get("static.small", "{p}/static/small.txt", "an 11-byte static file").framed());
        cases.add(get("static.data", "{p}/static/data.txt", "a 66000-byte static file").framed());
        cases.add(get("static.range.single", "{p}/static/data.txt", "Range: one range", "Range: bytes=100-199").framed());
        cases.add(get("static.range.multi", "{p}/static/data.txt", "Range: two ranges (multipart/byteranges)",
                "Range: bytes=0-9,500-509"));
        cases.add(get("static.range.unsatisfiable", "{p}/static/data.txt", "Range past the end: 416",
                "Range: bytes=70000-70010"));
        cases.add(conditional("static.conditional.etag", "ETag", "If-None-Match", "If-None-Match with the ETag: 304"));
        cases.add(conditional("static.conditional.modified", "Last-Modified", "If-Modified-Since",
                "If-Modified-Since with the Last-Modified: 304"));
        cases.add(get("static.conditional.stale", "{p}/static/data.txt", "If-Modified-Since in 1995: 200",
                "If-Modified-Since: Sun, 01 Jan 1995 00:00:00 GMT").framed());
        cases.add(request("static.head", "HEAD", "{p}/static/data.txt", "HEAD of a static file").framed());
        cases.add(request("head.servlet", "HEAD", "{p}/out?size=1000", "HEAD of a servlet writing 1000 bytes").framed());

        // Status codes, headers, content type, charset and locale.
        cases.add(get("status.204", "{p}/headers?mode=status&code=204", "setStatus(204)").framed());
        cases.add(get("status.204.withBody", "{p}/headers?mode=status&code=204&body=dropped",
                "setStatus(204) and a body, which must not be sent").framed());
        cases.add(get("status.304", "{p}/headers?mode=status&code=304", "setStatus(304)").framed());
        cases.add(get("status.418.body", "{p}/headers?mode=status&code=418&body=teapot", "setStatus(418) and a body"));
        cases.add(get("type.json.writer", "{p}/headers?mode=json", "application/json through getWriter"));
        cases.add(get("type.latin1", "{p}/headers?mode=latin1", "text/plain;charset=ISO-8859-1, a non-ASCII char"));
        cases.add(get("type.utf8.html", "{p}/headers?mode=utf8", "text/html + setCharacterEncoding(UTF-8)"));
        cases.add(get("type.locale.fr", "{p}/headers?mode=locale&tag=fr-FR", "setLocale(fr-FR), then the writer"));
        cases.add(get("type.locale.ja", "{p}/headers?mode=locale&tag=ja-JP", "setLocale(ja-JP), then the writer"));
        cases.add(get("type.afterWriter", "{p}/headers?mode=typeAfterWriter", "a charset set after getWriter"));
        cases.add(get("type.none", "{p}/headers?mode=noType", "bytes, no content type"));
        cases.add(get("type.writer.charsetParam", "{p}/out?via=writer&size=100&type=text/csv&charset=UTF-16BE",
                "text/csv with UTF-16BE through the writer"));
        cases.add(get("headers.custom", "{p}/headers?mode=custom", "set, added, date and int headers"));
        cases.add(get("headers.shortContentLength", "{p}/headers?mode=shortLength",
                "Content-Length 5, then 10 bytes written").framed());

        // Buffer and commit.
        cases.add(get("commit.flushBuffer.thenStatus", "{p}/commit?mode=flushBufferThenStatus",
                "isCommitted after flushBuffer; setStatus(500) and setHeader after it"));
        cases.add(get("commit.flush.thenHeader", "{p}/commit?mode=flushThenHeader",
                "isCommitted after the writer's flush; setHeader and setContentType after it"));
        cases.add(get("commit.close.thenStatus", "{p}/commit?mode=closeThenStatus",
                "the writer closed, then setStatus(500) and setHeader, which a committed response ignores"));
        cases.add(get("commit.closeStream.thenStatus", "{p}/commit?mode=closeStreamThenStatus",
                "the stream closed, then setStatus(500), setHeader and setContentType"));
        cases.add(get("commit.close.thenCookie", "{p}/commit?mode=closeThenCookie",
                "the stream closed, then addCookie, which a committed response ignores"));
        cases.add(get("commit.close.thenSession", "{p}/commit?mode=closeThenSession",
                "the stream closed, then getSession(true), which a committed response refuses"));
        cases.add(get("commit.close.thenTrailers", "{p}/commit?mode=closeThenTrailers",
                "the stream closed, then setTrailerFields, which a committed response refuses"));
        cases.add(get("commit.contentLength.thenStatus", "{p}/commit?mode=lengthThenStatus",
                "setContentLength(5), 5 bytes through the stream, then setStatus(404) and setContentLength(99)"));
        cases.add(get("commit.contentLength.writer.thenStatus", "{p}/commit?mode=lengthWriterThenStatus",
                "setContentLength(5), 5 characters through the writer, then setStatus(404) and more characters"));
        cases.add(get("commit.contentLength.afterWrite", "{p}/commit?mode=lengthAfterWriteThenStatus",
                "5 bytes, then setContentLength(5), then setStatus(404)"));
        cases.add(get("commit.contentLength.afterWrite.thenMore", "{p}/commit?mode=lengthAfterWriteThenMore",
                "10 bytes, setContentLength(10), then one byte more"));
        cases.add(get("commit.contentLength.thenReset", "{p}/commit?mode=lengthThenReset",
                "setContentLength(5), 5 bytes, then reset()"));
        cases.add(get("commit.contentLength.thenSendError", "{p}/commit?mode=lengthThenSendError",
                "setContentLength(5), 5 bytes, then sendError(503)"));
        cases.add(get("commit.points.stream.8192", "{p}/commit?mode=points&api=stream&writes=8192",
                "one stream write of 8192 bytes: isCommitted after each write"));
        cases.add(get("commit.points.stream.8193", "{p}/commit?mode=points&api=stream&writes=8193",
                "one stream write of 8193 bytes (Jetty's aggregation size + 1): isCommitted after each write"));
        cases.add(get("commit.points.stream.32768", "{p}/commit?mode=points&api=stream&writes=32768",
                "one stream write of 32768 bytes: isCommitted after each write"));
        cases.add(get("commit.points.stream.1000s", "{p}/commit?mode=points&api=stream&writes=1000x40",
                "40 stream writes of 1000 bytes: isCommitted after each write"));
        cases.add(get("commit.points.stream.1s", "{p}/commit?mode=points&api=stream&writes=1x9000",
                "9000 stream writes of 1 byte: isCommitted after each write"));
        cases.add(get("commit.points.writer.16384", "{p}/commit?mode=points&api=writer&writes=16384",
                "one writer write of 16384 characters: isCommitted after each write"));
        cases.add(get("commit.points.writer.16385", "{p}/commit?mode=points&api=writer&writes=16385",
                "one writer write of 16385 characters (Tomcat's byte + char buffers + 1): isCommitted after each write"));
        cases.add(get("commit.points.writer.32768", "{p}/commit?mode=points&api=writer&writes=32768",
                "one writer write of 32768 characters: isCommitted after each write"));
        cases.add(get("commit.points.writer.1000s", "{p}/commit?mode=points&api=writer&writes=1000x40",
                "40 writer writes of 1000 characters: isCommitted after each write"));
        cases.add(get("commit.bigWrite", "{p}/commit?mode=bigWrite", "isCommitted after 40000 bytes"));
        cases.add(get("commit.reset", "{p}/commit?mode=reset", "status, header and output, then reset()"));
        cases.add(get("commit.resetBuffer", "{p}/commit?mode=resetBuffer", "output, then resetBuffer()"));
        cases.add(get("commit.resetAfterCommit", "{p}/commit?mode=resetAfterCommit", "reset() after flushBuffer"));
        cases.add(get("commit.setBufferSize", "{p}/commit?mode=bufferSize", "setBufferSize(1024), getBufferSize"));
        cases.add(get("commit.setBufferSizeAfterWrite", "{p}/commit?mode=bufferSizeAfterWrite",
                "setBufferSize after a write (IllegalStateException)"));

        // Trailers.
        cases.add(get("trailers.h1", "{p}/trailers", "setTrailerFields over HTTP/1.1", "TE: trailers").framed());
        cases.add(get("trailers.h1.flushed", "{p}/trailers?flush=true", "setTrailerFields, flushBuffer, then the body",
                "TE: trailers").framed());
        cases.add(h2("trailers.h2c", "{p}/trailers", "setTrailerFields over h2c"));

        // HTTP/1.0, Expect: 100-continue, request bodies, multipart.
        cases.add(new Case("http10.small", "HTTP/1.0 GET of 100 bytes", new Http1Exchange("GET", "{p}/out?size=100",
                "HTTP/1.0", List.of(), new byte[0], false), "/f", false, null, 0));
        cases.add(new Case("http10.large", "HTTP/1.0 GET of 256 KiB + 1", new Http1Exchange("GET",
                "{p}/out?size=262145", "HTTP/1.0", List.of(), new byte[0], false), "/f", false, null, 0));
        cases.add(new Case("http10.keepAlive", "HTTP/1.0 GET with Connection: keep-alive", new Http1Exchange("GET",
                "{p}/out?size=100", "HTTP/1.0", List.of("Connection: keep-alive"), new byte[0], false), "/f", false,
                null, 0));
        byte[] body = Catalogue.bytes(20000);
        cases.add(new Case("request.post.body", "POST of 20000 bytes, read by the servlet", new Http1Exchange("POST",
                "{p}/echo", "HTTP/1.1", List.of("Content-Type: application/octet-stream"), body, false), "/f", false,
                null, 0));
        cases.add(new Case("request.expect100", "POST with Expect: 100-continue, read by the servlet",
                new Http1Exchange("POST", "{p}/echo", "HTTP/1.1", List.of("Content-Type: application/octet-stream"),
                        body, true), "/f", false, null, 0));
        cases.add(new Case("request.expect100.unread", "Expect: 100-continue to a servlet that does not read the body",
                new Http1Exchange("POST", "{p}/out?size=10", "HTTP/1.1", List.of(), body, true), "/f", false, null, 0));
        cases.add(multipart());

        // Sessions and cookies.
        cases.add(get("session.create", "{p}/session?mode=create", "a new session"));
        cases.add(get("session.afterLines", "{p}/session?mode=afterLines", "five lines written, then a new session"));
        cases.add(get("cookie.set", "{p}/session?mode=cookie", "a cookie with path, max-age and HttpOnly",
                "Cookie: a=1; b=2"));

        // WebSocket, through the filter; then behind setNeedDisconnect(), which leaves a 101 and its connection alone.
        cases.add(new Case("websocket.echo", "a jakarta.websocket endpoint: upgrade, two messages, close",
                new WebSocketExchange("{p}/ws"), "/f", false, null, 0));
        cases.add(new Case("websocket.echo.needDisconnect", "the same upgrade with setNeedDisconnect() at BEGIN_REQUEST:"
                + " 101, both echoes, open until the close handshake", new WebSocketExchange("{p}/ws"), "/f", false,
                null, 0).needDisconnect());

        // A compression handler (Jetty) or connector compression (Tomcat) in front.
        cases.add(get("compression.static", "{p}/static/data.txt", "a static file, gzip accepted",
                "Accept-Encoding: gzip"));
        cases.add(get("compression.servlet", "{p}/out?size=40000&type=text/html", "40000 bytes of text/html, gzip accepted",
                "Accept-Encoding: gzip"));
        cases.add(get("compression.error.runtime", "{p}/error?mode=throwRuntime",
                "a RuntimeException with no <error-page>, gzip accepted: the container's 500 page",
                "Accept-Encoding: gzip"));
        cases.add(get("compression.sse", "{p}/sse?events=3&gap=300", "server-sent events, gzip accepted",
                "Accept-Encoding: gzip").timedBy("\n\n"));

        // responseBufferLimit=0: no iisport buffer, the container's own buffer and commit rules.
        cases.add(get("unbuffered.out.small", "{p}/out?size=100", "100 bytes").unbuffered());
        cases.add(get("unbuffered.out.262145", "{p}/out?size=262145", "256 KiB + 1").unbuffered());
        cases.add(get("unbuffered.writeThenSendError", "{p}/error?mode=writeThenSendError&code=404",
                "a few lines, then sendError(404)").unbuffered());
        cases.add(get("unbuffered.session.afterLines", "{p}/session?mode=afterLines",
                "five lines, then a new session").unbuffered());
        cases.add(get("unbuffered.commit.bigWrite", "{p}/commit?mode=bigWrite", "isCommitted after 40000 bytes")
                .unbuffered());
        cases.add(get("unbuffered.nonblocking.1048576", "{p}/nb?complete=immediate&size=1048576",
                "1 MiB through a WriteListener").unbuffered());
        cases.add(get("unbuffered.redirect.status.303", "{p}/redirect?api=status&code=303&location=relative",
                "sendRedirect(\"target?x=1\", 303)").unbuffered().servlet61());
        cases.add(get("unbuffered.redirect.keepBody.303",
                "{p}/redirect?api=full&code=303&clear=false&location=relative&before=300&after=true",
                "300 bytes, sendRedirect(\"target?x=1\", 303, false), a write after it").unbuffered().servlet61());
        cases.add(get("unbuffered.sse.h1", "{p}/sse?events=3&gap=300", "server-sent events").timedBy("\n\n")
                .unbuffered());

        // Every case behind the module on every notification again behind one that leaves the servlet the container's
        // own objects: the filter's direct path, on which the end follows the servlet's completion by other means.
        List<Case> direct = cases.stream().filter(c -> c.filteredPrefix().equals("/f")).map(Case::direct).toList();
        cases.addAll(direct);

        Set<String> names = new HashSet<>();
        for (Case c : cases) {
            if (!names.add(c.name())) {
                throw new IllegalStateException("two cases are named " + c.name());
            }
        }
        return List.copyOf(cases);
    }

    private static Case get(String name, String target, String summary, String... headers) {
        return request(name, "GET", target, summary, headers);
    }

    private static Case request(String name, String method, String target, String summary, String... headers) {
        return new Case(name, summary, new Http1Exchange(method, target, "HTTP/1.1", List.of(headers), new byte[0],
                false), "/f", false, null, 0);
    }

    private static Case h2(String name, String target, String summary) {
        return new Case(name, summary, new Http2Exchange(target), "/f", false, null, 0);
    }

    /** A GET of the static file that learns its validator, then a GET conditional on it. */
    private static Case conditional(String name, String validator, String condition, String summary) {
        Http1Exchange first = new Http1Exchange("GET", "{p}/static/data.txt", "HTTP/1.1", List.of(), new byte[0], false);
        Probe probe = (port, prefix) -> {
            String value = first.observe(port, prefix).header(validator);
            if (value == null) {
                throw new AssertionError("the static file came without " + validator);
            }
            return new Http1Exchange("GET", "{p}/static/data.txt", "HTTP/1.1", List.of(condition + ": " + value),
                    new byte[0], false).observe(port, prefix);
        };
        return new Case(name, summary, probe, "/f", true, null, 0);
    }

    private static Case multipart() {
        String boundary = "conformanceBoundary";
        String form = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\nvalue\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\n" + new String(bytes(5000), StandardCharsets.ISO_8859_1) + "\r\n"
                + "--" + boundary + "--\r\n";
        return new Case("request.multipart", "a multipart/form-data upload with a field and a file",
                new Http1Exchange("POST", "{p}/upload", "HTTP/1.1",
                        List.of("Content-Type: multipart/form-data; boundary=" + boundary),
                        form.getBytes(StandardCharsets.ISO_8859_1), false), "/f", false, null, 0);
    }

    private static byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) ('a' + i % 26);
        }
        return bytes;
    }
}
