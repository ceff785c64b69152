package io.iisport.filter;

import io.iisport.httpserv.IHttpRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** The {@link IHttpRequest} modules get: the request as the servlet will see it, with the modules' header changes. */
final class ModuleRequest implements IHttpRequest {
    private final IisRequest request;

    ModuleRequest(IisRequest request) {
        this.request = request;
    }

    @Override
    public String getHttpMethod() {
        return request.getMethod();
    }

    @Override
    public String getHeader(String headerName) {
        return ServerVariables.header(request, headerName);
    }

    @Override
    public void setHeader(String headerName, String headerValue, boolean replace) {
        HttpSyntax.checkName(headerName);
        HttpSyntax.checkValue("header '" + headerName + "' value", headerValue);
        request.setHeader(headerName, headerValue, replace);
    }

    @Override
    public void deleteHeader(String headerName) {
        if (headerName != null) {
            request.deleteHeader(headerName);
        }
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return address(request.getRemoteAddr(), request.getRemotePort());
    }

    @Override
    public InetSocketAddress getLocalAddress() {
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
        return ServerVariables.rawUrl(request);
    }

    @Override
    public String getHttpVersion() {
        return request.getProtocol();
    }

    @Override
    public void setUrl(String url, boolean resetQueryString) {
        request.setUrl(url, resetQueryString);
    }

    @Override
    public int readEntityBody(byte[] buffer, int offset, int length) {
        request.checkBodyForModules("ReadEntityBody");
        return request.body().readForModule(buffer, offset, length);
    }

    @Override
    public long getRemainingEntityBytes() {
        return request.body().remaining();
    }

    @Override
    public void insertEntityBody(byte[] buffer, int offset, int length) {
        request.checkBodyForModules("InsertEntityBody");
        request.body().insert(buffer, offset, length);
    }

    @Override
    public HttpServletRequest getServletRequest() {
        return request;
    }
}
