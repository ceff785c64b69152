package io.iisport.filter;

import io.iisport.httpserv.IHttpRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The {@link IHttpRequest} modules get: the request as the servlet will see it, with the modules' header changes.
 * Every call throws {@link IllegalStateException} once the request ended (see {@link IisRequest#checkRunning}).
 */
final class ModuleRequest implements IHttpRequest {
    private final IisRequest request;

    ModuleRequest(IisRequest request) {
        this.request = request;
    }

    @Override
    public String getHttpMethod() {
        request.checkRunning("GetHttpMethod");
        return request.getMethod();
    }

    @Override
    public String getHeader(String headerName) {
        request.checkRunning("GetHeader");
        return ServerVariables.header(request, headerName);
    }

    @Override
    public void setHeader(String headerName, String headerValue, boolean replace) {
        request.checkRunning("SetHeader");
        HttpSyntax.checkName(headerName);
        HttpSyntax.checkValue("header '" + headerName + "' value", headerValue);
        request.setHeader(headerName, headerValue, replace);
    }

    @Override
    public void deleteHeader(String headerName) {
        request.checkRunning("DeleteHeader");
        if (headerName != null) {
            request.deleteHeader(headerName);
        }
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        request.checkRunning("GetRemoteAddress");
        return address(request.getRemoteAddr(), request.getRemotePort());
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        request.checkRunning("GetLocalAddress");
        return address(request.getLocalAddr(), request.getLocalPort());
    }

    private static InetSocketAddress address(String ip, int port) {
        try {
            // A literal address: no name lookup happens.
            return new InetSocketAddress(InetAddress.getByName(ip), Math.max(port, 0));
        } catch (UnknownHostException e) {
            return InetSocketAddress.createUnresolved(ip, Math.max(port, 0));
        }
    }

    @Override
    public String getRawUrl() {
        request.checkRunning("GetRawUrl");
        return ServerVariables.rawUrl(request);
    }

    @Override
    public String getHttpVersion() {
        request.checkRunning("GetHttpVersion");
        return request.getProtocol();
    }

    @Override
    public void setUrl(String url, boolean resetQueryString) {
        request.checkRunning("SetUrl");
        request.setUrl(url, resetQueryString);
    }

    @Override
    public int readEntityBody(byte[] buffer, int offset, int length) {
        request.checkRunning("ReadEntityBody");
        request.checkBodyForModules("ReadEntityBody");
        return request.body().readForModule(buffer, offset, length);
    }

    @Override
    public long getRemainingEntityBytes() {
        request.checkRunning("GetRemainingEntityBytes");
        return request.body().remaining();
    }

    @Override
    public void insertEntityBody(byte[] buffer, int offset, int length) {
        request.checkRunning("InsertEntityBody");
        request.checkBodyForModules("InsertEntityBody");
        request.body().insert(buffer, offset, length);
    }

    @Override
    public HttpServletRequest getServletRequest() {
        request.checkRunning("getServletRequest");
        return request;
    }
}
