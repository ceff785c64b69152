package io.iisport.filter;

import io.iisport.httpserv.HttpDataChunk;
import io.iisport.httpserv.IHttpResponse;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The servlet's response is also the request's {@link IHttpResponse}, so that servlet code ported from IIS (an
 * async handler resetting from a timer, say) reaches the IIS calls with a cast, as modules do through
 * {@code IHttpContext.getResponse()}: every IIS call goes to the modules' response.
 */
abstract class ServletIisResponse extends ServletResponseHeaders implements IHttpResponse {
    private final IHttpResponse modules;

    ServletIisResponse(HttpServletResponse real, ResponseMetadata metadata, ResponseOutput output,
            IHttpResponse modules) {
        super(real, metadata, output);
        this.modules = modules;
    }

    @Override
    public void clear() {
        modules.clear();
    }

    @Override
    public void clearHeaders() {
        modules.clearHeaders();
    }

    @Override
    public void setHeader(String headerName, String headerValue, boolean replace) {
        modules.setHeader(headerName, headerValue, replace);
    }

    @Override
    public void deleteHeader(String headerName) {
        modules.deleteHeader(headerName);
    }

    @Override
    public void setStatus(int statusCode, String reason) {
        modules.setStatus(statusCode, reason);
    }

    @Override
    public void setStatus(int statusCode, String reason, int subStatus) {
        modules.setStatus(statusCode, reason, subStatus);
    }

    @Override
    public void setStatus(int statusCode, String reason, int subStatus, boolean trySkipCustomErrors) {
        modules.setStatus(statusCode, reason, subStatus, trySkipCustomErrors);
    }

    @Override
    public int getSubStatus() {
        return modules.getSubStatus();
    }

    @Override
    public String getReason() {
        return modules.getReason();
    }

    @Override
    public void redirect(String url, boolean resetStatusCode, boolean includeParameters) {
        modules.redirect(url, resetStatusCode, includeParameters);
    }

    @Override
    public long writeEntityChunks(HttpDataChunk[] dataChunks, boolean async, boolean moreData) {
        return modules.writeEntityChunks(dataChunks, async, moreData);
    }

    @Override
    public HttpDataChunk[] getEntityChunks() {
        return modules.getEntityChunks();
    }

    @Override
    public long writeEntityChunkByReference(HttpDataChunk dataChunk, int insertPosition) {
        return modules.writeEntityChunkByReference(dataChunk, insertPosition);
    }

    @Override
    public long flush(boolean async, boolean moreData) {
        return modules.flush(async, moreData);
    }

    @Override
    public void disableBuffering() {
        modules.disableBuffering();
    }

    @Override
    public void setErrorDescription(String description) {
        modules.setErrorDescription(description);
    }

    @Override
    public String getErrorDescription() {
        return modules.getErrorDescription();
    }

    @Override
    public void setTrailer(String headerName, String headerValue, boolean replace) {
        modules.setTrailer(headerName, headerValue, replace);
    }

    @Override
    public String getTrailer(String headerName) {
        return modules.getTrailer(headerName);
    }

    @Override
    public void deleteTrailer(String headerName) {
        modules.deleteTrailer(headerName);
    }

    @Override
    public void setNeedDisconnect() {
        modules.setNeedDisconnect();
    }

    @Override
    public void resetConnection() {
        modules.resetConnection();
    }

    @Override
    public void resetStream(int errorCode) {
        modules.resetStream(errorCode);
    }

    @Override
    public void setNeedGoAway() {
        modules.setNeedGoAway();
    }

    @Override
    public void closeConnection() {
        modules.closeConnection();
    }
}
