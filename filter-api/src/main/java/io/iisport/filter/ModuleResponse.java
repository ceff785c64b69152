package io.iisport.filter;

import io.iisport.httpserv.HttpDataChunk;
import io.iisport.httpserv.IHttpResponse;
import io.iisport.spi.ConnectionBridge;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link IHttpResponse} modules get: IIS's response calls over the container's response and the filter's
 * {@link ResponseOutput}. Headers and status go to the container's response until it is committed; the body goes
 * through the same buffer as the servlet's; the connection actions go to {@link ConnectionControl}. After a reset or
 * close, every call succeeds and does nothing (IIS: "this method succeeds even if the connection has been reset"), and
 * so do the calls that change the response once the request ended; {@link #getHeader} and {@link #getStatus}, which
 * read the container's response, throw then instead (see {@link IisRequest#checkRunning}).
 */
final class ModuleResponse implements IHttpResponse {
    private final HttpServletResponse real;
    private final IisRequest request;
    private final ResponseOutput output;
    private final ResponseMetadata metadata;
    private final ConnectionControl connection;
    /** Puts the servlet writer's charset back after {@link #clearHeaders()} reset the container's response. */
    private final Runnable afterHeadersCleared;
    private EntityChunks entity;

    ModuleResponse(HttpServletResponse real, IisRequest request, ResponseOutput output,
            ResponseMetadata metadata, ConnectionControl connection, Runnable afterHeadersCleared) {
        this.real = real;
        this.request = request;
        this.output = output;
        this.metadata = metadata;
        this.connection = connection;
        this.afterHeadersCleared = afterHeadersCleared;
    }

    private boolean discarding() {
        return output.discarding();
    }

    private static boolean isContentLength(String name) {
        return "Content-Length".equalsIgnoreCase(name);
    }

    @Override
    public void clear() {
        if (discarding()) {
            return;
        }
        output.clear();
        metadata.bodyEdited = true;
    }

    @Override
    public void clearHeaders() {
        if (discarding() || real.isCommitted()) {
            return;
        }
        int status = real.getStatus();
        real.reset();
        real.setStatus(status);
        metadata.contentLength = -1;
        output.realReset(false);
        afterHeadersCleared.run();
    }

    @Override
    public void setHeader(String headerName, String headerValue, boolean replace) {
        HttpSyntax.checkName(headerName);
        HttpSyntax.checkValue("header '" + headerName + "' value", headerValue);
        if (discarding() || real.isCommitted()) {
            return;
        }
        if (isContentLength(headerName)) {
            try {
                metadata.contentLength = Long.parseLong(headerValue.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Content-Length '" + HttpSyntax.printable(headerValue)
                        + "' is not a number");
            }
        } else if (replace) {
            real.setHeader(headerName, headerValue);
        } else {
            real.addHeader(headerName, headerValue);
        }
    }

    @Override
    public String getHeader(String headerName) {
        request.checkRunning("GetHeader");
        if (isContentLength(headerName) && metadata.contentLength >= 0) {
            return Long.toString(metadata.contentLength);
        }
        if ("Content-Type".equalsIgnoreCase(headerName)) {
            // Tomcat keeps the content type out of its header fields until it commits the response.
            String contentType = real.getContentType();
            if (contentType != null) {
                return contentType;
            }
        }
        return real.getHeader(headerName);
    }

    @Override
    public void deleteHeader(String headerName) {
        if (discarding() || real.isCommitted() || headerName == null) {
            return;
        }
        if (isContentLength(headerName)) {
            metadata.contentLength = -1;
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
        output.realReset(false);
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
        setStatus(statusCode, reason, subStatus, false);
    }

    @Override
    public void setStatus(int statusCode, String reason, int subStatus, boolean trySkipCustomErrors) {
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
        metadata.moduleTookOver();
        real.setStatus(statusCode);
        metadata.reason = reason;
        metadata.subStatus = subStatus;
        metadata.moduleSetStatus = true;
        metadata.trySkipCustomErrors = trySkipCustomErrors;
    }

    @Override
    public int getStatus() {
        request.checkRunning("GetStatus");
        return real.getStatus();
    }

    @Override
    public int getSubStatus() {
        return metadata.subStatus;
    }

    @Override
    public String getReason() {
        return metadata.reason;
    }

    @Override
    public void redirect(String url, boolean resetStatusCode, boolean includeParameters) {
        HttpSyntax.checkValue("redirect URL", url);
        if (discarding() || real.isCommitted()) {
            return;
        }
        String location = url;
        String query = request.getQueryString();
        if (includeParameters && query != null && !query.isEmpty()) {
            location = url + (url.indexOf('?') >= 0 ? '&' : '?') + query;
        }
        metadata.moduleTookOver();
        output.clear();
        metadata.bodyEdited = true;
        if (resetStatusCode) {
            real.setStatus(HttpServletResponse.SC_FOUND);
        }
        real.setHeader("Location", location);
    }

    /** The entity chunks modules write and read; made at the first such call. */
    private EntityChunks entity() {
        if (entity == null) {
            entity = new EntityChunks(output, metadata);
        }
        return entity;
    }

    @Override
    public long writeEntityChunks(HttpDataChunk[] dataChunks, boolean async, boolean moreData) {
        return entity().write(dataChunks);
    }

    @Override
    public long writeEntityChunkByReference(HttpDataChunk dataChunk, int insertPosition) {
        return entity().writeByReference(dataChunk, insertPosition);
    }

    @Override
    public HttpDataChunk[] getEntityChunks() {
        return entity().current();
    }

    @Override
    public long flush(boolean async, boolean moreData) {
        try {
            return output.flush(moreData);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void disableBuffering() {
        output.disableBuffering();
    }

    @Override
    public void setErrorDescription(String description) {
        metadata.errorDescription = description;
    }

    @Override
    public String getErrorDescription() {
        return metadata.errorDescription;
    }

    @Override
    public void setTrailer(String headerName, String headerValue, boolean replace) {
        ResponseTrailers.check(headerName, headerValue);
        if (discarding()) {
            return;
        }
        metadata.trailers(real).set(headerName, headerValue, replace);
    }

    @Override
    public String getTrailer(String headerName) {
        ResponseTrailers trailers = metadata.trailersIfSet();
        return trailers == null || headerName == null ? null : trailers.get(headerName);
    }

    @Override
    public void deleteTrailer(String headerName) {
        ResponseTrailers trailers = metadata.trailersIfSet();
        if (trailers != null && headerName != null && !discarding()) {
            trailers.delete(headerName);
        }
    }

    @Override
    public void setNeedDisconnect() {
        connection.disconnect(real::isCommitted);
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
        connection.reset(errorCode, output.isCompleted());
    }

    @Override
    public void closeConnection() {
        connection.close(output.isCompleted());
    }

}
