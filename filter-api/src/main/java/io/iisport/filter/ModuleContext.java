package io.iisport.filter;

import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpModuleContextContainer;
import io.iisport.httpserv.IHttpRequest;
import io.iisport.httpserv.IHttpResponse;
import io.iisport.httpserv.ModuleContextContainer;
import io.iisport.httpserv.RequestNotificationStatus;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.security.Principal;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@link IHttpContext} modules get: the request, the response, the server variables, IndicateCompletion and
 * PostCompletion. The calls that read or change the request throw {@link IllegalStateException} once it ended (see
 * {@link IisRequest#checkRunning}).
 */
final class ModuleContext implements IHttpContext {
    /** The prefix of the request attributes that carry server variables a module set, for the servlet. */
    static final String SERVER_VARIABLE_ATTRIBUTE = "io.iisport.serverVariable.";
    private static final VarHandle REQUEST = FieldHandles.of(MethodHandles.lookup(), "request", IHttpRequest.class);

    private final IisRequest servletRequest;
    /**
     * The {@code IHttpRequest} modules get, made at the first {@link #getRequest()}: a module that acts only on what
     * the pipeline tells it (a no-op, or one that decides on the notification alone) never asks for it, and the
     * request then costs one object fewer. Set through {@link #REQUEST}, so that module threads asking at once all
     * get the same object, as IIS hands out one {@code IHttpRequest} per request.
     */
    private volatile IHttpRequest request;
    private final FilterResponse response;
    private final PendingCompletion pending;
    /** Variables a module set (upper-case names; a {@code null} value hides the computed one). */
    private Map<String, String> setVariables;
    private ModuleContextContainer container;

    ModuleContext(IisRequest servletRequest, FilterResponse response, PendingCompletion pending) {
        this.servletRequest = servletRequest;
        this.response = response;
        this.pending = pending;
    }

    @Override
    public IHttpRequest getRequest() {
        IHttpRequest made = request;
        if (made == null) {
            made = new ModuleRequest(servletRequest);
            if (!REQUEST.compareAndSet(this, null, made)) {
                made = request;
            }
        }
        return made;
    }

    @Override
    public IHttpResponse getResponse() {
        return response.get().modules();
    }

    @Override
    public Principal getUser() {
        servletRequest.checkRunning("GetUser");
        return servletRequest.getUserPrincipal();
    }

    @Override
    public String getServerVariable(String variableName) {
        servletRequest.checkRunning("GetServerVariable");
        if (setVariables != null && variableName != null) {
            String name = variableName.toUpperCase(Locale.ROOT);
            if (setVariables.containsKey(name)) {
                return setVariables.get(name);
            }
        }
        return ServerVariables.get(servletRequest, variableName);
    }

    @Override
    public void setServerVariable(String variableName, String variableValue) {
        servletRequest.checkRunning("SetServerVariable");
        if (variableName == null || variableName.isBlank()) {
            throw new IllegalArgumentException("server variable name is empty");
        }
        HttpSyntax.checkValue("server variable '" + variableName + "' value", variableValue);
        String name = variableName.toUpperCase(Locale.ROOT);
        if (name.startsWith("HTTP_") && name.length() > 5) {
            String header = name.substring(5).replace('_', '-');
            if (variableValue == null) {
                servletRequest.deleteHeader(header);
            } else {
                servletRequest.setHeader(header, variableValue, true);
            }
            return;
        }
        if (setVariables == null) {
            setVariables = new HashMap<>();
        }
        setVariables.put(name, variableValue);
        if (variableValue == null) {
            servletRequest.removeAttribute(SERVER_VARIABLE_ATTRIBUTE + name);
        } else {
            servletRequest.setAttribute(SERVER_VARIABLE_ATTRIBUTE + name, variableValue);
        }
    }

    @Override
    public IHttpModuleContextContainer getModuleContextContainer() {
        if (container == null) {
            container = new ModuleContextContainer();
        }
        return container;
    }

    /** Releases the request's stored contexts; returns the cleanups' failures for the caller to log. */
    List<RuntimeException> releaseStoredContexts() {
        return container == null ? List.of() : container.release();
    }

    @Override
    public void indicateCompletion(RequestNotificationStatus notificationStatus) {
        pending.indicate(notificationStatus);
    }

    @Override
    public void postCompletion(int completionBytes) {
        pending.post(completionBytes);
    }

    @Override
    public HttpServletRequest getServletRequest() {
        servletRequest.checkRunning("getServletRequest");
        return servletRequest;
    }
}
