package io.iisport.filter;

import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpRequest;
import io.iisport.httpserv.IHttpResponse;
import io.iisport.httpserv.RequestNotificationStatus;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;

/** The {@link IHttpContext} modules get: the request, the response, the server variables and IndicateCompletion. */
final class ModuleContext implements IHttpContext {
    private final IisRequest servletRequest;
    private final IHttpRequest request;
    private final IHttpResponse response;
    private final PendingCompletion pending;

    ModuleContext(IisRequest servletRequest, IHttpResponse response, PendingCompletion pending) {
        this.servletRequest = servletRequest;
        this.request = new ModuleRequest(servletRequest);
        this.response = response;
        this.pending = pending;
    }

    @Override
    public IHttpRequest getRequest() {
        return request;
    }

    @Override
    public IHttpResponse getResponse() {
        return response;
    }

    @Override
    public Principal getUser() {
        return servletRequest.getUserPrincipal();
    }

    @Override
    public String getServerVariable(String variableName) {
        return ServerVariables.get(servletRequest, variableName);
    }

    @Override
    public void indicateCompletion(RequestNotificationStatus notificationStatus) {
        pending.indicate(notificationStatus);
    }

    @Override
    public HttpServletRequest getServletRequest() {
        return servletRequest;
    }
}
