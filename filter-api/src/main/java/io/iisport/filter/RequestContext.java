package io.iisport.filter;

import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_FINISH_REQUEST;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_PENDING;

import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpRequest;
import io.iisport.httpserv.IHttpResponse;
import io.iisport.httpserv.ISendResponseProvider;
import io.iisport.httpserv.RequestNotificationStatus;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.Principal;
import java.util.Collections;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request through the module pipeline: makes the modules, raises the notifications in IIS order around the
 * servlet chain, and always disposes the modules. It is the request's {@link IHttpContext} and {@link IHttpRequest}.
 */
final class RequestContext implements IHttpContext, IHttpRequest {
    private static final Logger LOG = LoggerFactory.getLogger(IisModuleFilter.class);

    private final ModulePipeline pipeline;
    private final HttpServletRequest servletRequest;
    private final IisRequest request;
    private final ConnectionActions connection;
    private final ModuleResponse response;
    private final CHttpModule[] modules;
    private final SendResponseProvider provider = new SendResponseProvider();
    private final AtomicBoolean ended = new AtomicBoolean();
    /** The servlet's current {@code AsyncContext}, once it started async. */
    private volatile ModuleAsyncContext async;

    /** A module returned FINISH_REQUEST or failed: only SEND_RESPONSE, LOG_REQUEST and END_REQUEST still run. */
    private boolean finishRequested;
    private Throwable handlerFailure;

    // RQ_NOTIFICATION_PENDING, without a lock on the path of requests that never use it
    private volatile boolean acceptingCompletion;
    private final AtomicReference<RequestNotificationStatus> completion = new AtomicReference<>();
    private volatile Thread waiter;

    RequestContext(ModulePipeline pipeline, Degradation degradation, HttpServletRequest servletRequest,
            HttpServletResponse servletResponse) {
        this.pipeline = pipeline;
        this.servletRequest = servletRequest;
        this.request = new IisRequest(servletRequest, this);
        this.connection = new ConnectionActions(servletRequest, degradation);
        this.response = new ModuleResponse(servletResponse, this, connection, pipeline.responseBufferLimit,
                pipeline.order(Notifications.SEND_RESPONSE, false).length > 0);
        this.modules = new CHttpModule[pipeline.modules.length];
    }

    ModuleResponse response() {
        return response;
    }

    ModulePipeline pipeline() {
        return pipeline;
    }

    /**
     * Runs the pipeline for a request: the stages before the handler, the handler, and, unless the servlet went
     * async, the rest.
     */
    void run(FilterChain chain) throws IOException, ServletException {
        boolean async = false;
        try {
            createModules();
            for (int stage = Notifications.BEGIN_REQUEST; stage <= Notifications.PRE_EXECUTE_REQUEST_HANDLER
                    && !finishRequested; stage++) {
                raise(stage, false);
            }
            if (!finishRequested) {
                raiseNotification(Notifications.EXECUTE_REQUEST_HANDLER, false, false);
            }
            if (!finishRequested) {
                try {
                    chain.doFilter(request, response);
                } catch (IOException | ServletException | RuntimeException | Error e) {
                    handlerFailure = e;
                }
                async = handlerFailure == null && request.isAsyncStarted() && !ended.get();
            }
        } finally {
            if (!async) {
                endAndRethrow();
            }
        }
    }

    /**
     * Continues an async dispatch the filter is mapped for: the chain runs with the filter's request (re-pointed to
     * the request the container dispatched) and response, then the rest of the pipeline if the servlet is done.
     */
    void redispatch(FilterChain chain, jakarta.servlet.ServletRequest req, jakarta.servlet.ServletResponse res)
            throws IOException, ServletException {
        jakarta.servlet.ServletRequest chainRequest = req;
        jakarta.servlet.ServletResponse chainResponse = res;
        if (IisRequest.runningFor(req, pipeline) == null) {
            // The container's own objects (the servlet started async without wrappers of its own).
            if (req != request.getRequest()) {
                request.setRequest(req);
            }
            chainRequest = request;
            chainResponse = response;
        }
        try {
            chain.doFilter(chainRequest, chainResponse);
        } catch (IOException | ServletException | RuntimeException | Error e) {
            handlerFailure = e;
        }
        if (handlerFailure != null || !req.isAsyncStarted()) {
            endAndRethrow();
        }
    }

    private void endAndRethrow() throws IOException, ServletException {
        Throwable failure = end();
        if (failure instanceof IOException e) {
            throw e;
        }
        if (failure instanceof ServletException e) {
            throw e;
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
    }

    /**
     * The servlet started async: from now on the container may end the request without the filter on the stack
     * (a listener's {@code complete()}, a dispatch to a path the filter is not mapped for, a timeout), so a listener
     * ends the pipeline when the container completes, and an async dispatch finds this request by an attribute.
     *
     * @return the servlet's {@code AsyncContext}
     */
    AsyncContext asyncStarted(AsyncContext asyncContext, jakarta.servlet.ServletRequest req,
            jakarta.servlet.ServletResponse res) {
        ModuleAsyncContext current = async;
        if (current != null && current.wraps(asyncContext) && current.getRequest() == req
                && current.getResponse() == res) {
            return current;
        }
        if (current == null) {
            asyncContext.addListener(new AsyncListener() {
                @Override
                public void onComplete(AsyncEvent event) {
                    endLogged();
                }

                @Override
                public void onTimeout(AsyncEvent event) {
                }

                @Override
                public void onError(AsyncEvent event) {
                }

                @Override
                public void onStartAsync(AsyncEvent event) {
                    event.getAsyncContext().addListener(this);
                }
            });
            servletRequest.setAttribute(pipeline.runningAttribute, this);
        }
        ModuleAsyncContext started = new ModuleAsyncContext(asyncContext, this, req, res);
        async = started;
        return started;
    }

    /** @return the filter's {@code AsyncContext} if it wraps the container's {@code asyncContext}, else that one */
    AsyncContext asyncContext(AsyncContext asyncContext) {
        ModuleAsyncContext current = async;
        return current != null && current.wraps(asyncContext) ? current : asyncContext;
    }

    /** An async dispatch is about to happen: what is buffered goes to the container, in order before what follows. */
    void beforeDispatch() {
        try {
            response.handOver(false);
        } catch (IOException e) {
            if (LOG.isDebugEnabled()) {
                LOG.debug("iisport: handing the buffered output of {} to the container before a dispatch failed",
                        HttpSyntax.printable(servletRequest.getRequestURI()), e);
            }
        }
    }

    /** Ends the request where nothing can be rethrown (an async end): a failure is logged at debug. */
    void endLogged() {
        Throwable failure = end();
        if (failure != null && LOG.isDebugEnabled()) {
            // Mostly a client gone during the final send: the container completes the request.
            LOG.debug("iisport: ending async request {} failed", HttpSyntax.printable(servletRequest.getRequestURI()),
                    failure);
        }
    }

    /**
     * Runs what follows the handler once: the post-handler stages, the final send, LOG_REQUEST and END_REQUEST, and
     * disposes the modules. LOG_REQUEST and END_REQUEST are raised exactly once whatever fails before them.
     *
     * @return what the filter must rethrow: the handler's failure, or the failure of the final send; {@code null}
     */
    Throwable end() {
        if (!ended.compareAndSet(false, true)) {
            return null;
        }
        Throwable failure = handlerFailure;
        try {
            if (failure == null && !finishRequested) {
                raiseNotification(Notifications.EXECUTE_REQUEST_HANDLER, true, false);
                for (int stage = Notifications.RELEASE_REQUEST_STATE; stage <= Notifications.UPDATE_REQUEST_CACHE
                        && !finishRequested; stage++) {
                    raise(stage, false);
                }
            }
            if (failure == null) {
                try {
                    response.complete();
                } catch (IOException | RuntimeException e) {
                    if (LOG.isDebugEnabled()) {
                        LOG.debug("iisport: final send of {} failed", servletRequest.getRequestURI(), e);
                    }
                    failure = e;
                }
            } else if (!response.isCommitted()) {
                response.setStatus(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
            }
        } finally {
            try {
                connection.requestEnded(response);
                raise(Notifications.LOG_REQUEST, true);
                raise(Notifications.END_REQUEST, true);
            } finally {
                dispose();
                response.release();
            }
        }
        if (connection.isAbortDegraded() && !response.completeDegradedAbort() && failure == null) {
            failure = new IOException("iisport: the response was committed when the connection reset was asked, and "
                    + "the container has no iisport extension: the response is aborted");
        }
        return failure;
    }

    private void createModules() {
        for (int m = 0; m < modules.length; m++) {
            try {
                CHttpModule module = pipeline.modules[m].factory().getHttpModule();
                if (module == null) {
                    throw new IllegalStateException("getHttpModule() returned null");
                }
                modules[m] = module;
            } catch (RuntimeException | LinkageError | AssertionError e) {
                moduleFailed(m, "getHttpModule", e);
                return;
            }
        }
    }

    private void dispose() {
        for (int m = 0; m < modules.length; m++) {
            CHttpModule module = modules[m];
            if (module == null) {
                continue;
            }
            modules[m] = null;
            try {
                module.dispose();
            } catch (RuntimeException | LinkageError | AssertionError e) {
                LOG.error("iisport module '{}' failed in dispose()", pipeline.modules[m].getName(), e);
            }
        }
    }

    /** Raises a stage: its notification, then, unless a module finished it, its post-notification. */
    private void raise(int stage, boolean guaranteed) {
        if (raiseNotification(stage, false, guaranteed)) {
            raiseNotification(stage, true, guaranteed);
        }
    }

    /**
     * Calls the subscribed modules of one notification in order.
     *
     * @param guaranteed LOG_REQUEST and END_REQUEST: a failure does not stop the others
     * @return {@code false} if a module finished the notification
     */
    private boolean raiseNotification(int stage, boolean post, boolean guaranteed) {
        for (int m : pipeline.order(stage, post)) {
            if (modules[m] == null) {
                continue;
            }
            RequestNotificationStatus status = call(stage, post, m, guaranteed);
            if (status == RQ_NOTIFICATION_FINISH_REQUEST) {
                if (!guaranteed) {
                    finishRequested = true;
                }
                return false;
            }
        }
        return true;
    }

    /** Raises {@code RQ_SEND_RESPONSE} for a send of the response. */
    void raiseSendResponse(boolean headersBeingSent, boolean moreData) {
        provider.headersBeingSent = headersBeingSent;
        provider.moreData = moreData;
        for (int m : pipeline.order(Notifications.SEND_RESPONSE, false)) {
            if (modules[m] == null) {
                continue;
            }
            if (call(Notifications.SEND_RESPONSE, false, m, false) == RQ_NOTIFICATION_FINISH_REQUEST) {
                finishRequested = true;
                return;
            }
        }
    }

    private RequestNotificationStatus call(int stage, boolean post, int m, boolean guaranteed) {
        provider.error = null;
        try {
            acceptingCompletion = true;
            RequestNotificationStatus status = Notifications.invoke(stage, post, modules[m], this, provider);
            if (status == RQ_NOTIFICATION_PENDING) {
                status = awaitCompletion();
            }
            if (status == null) {
                throw new IllegalStateException("returned no RequestNotificationStatus");
            }
            if (provider.error != null) {
                throw provider.error;
            }
            return status;
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            moduleFailed(m, Notifications.describe(stage, post), e);
            return guaranteed ? RQ_NOTIFICATION_CONTINUE : RQ_NOTIFICATION_FINISH_REQUEST;
        } finally {
            acceptingCompletion = false;
            completion.set(null);
        }
    }

    /** Parks the request's thread until {@link #indicateCompletion} (which may already have happened). */
    private RequestNotificationStatus awaitCompletion() throws InterruptedException {
        waiter = Thread.currentThread();
        try {
            RequestNotificationStatus status;
            while ((status = completion.get()) == null) {
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while RQ_NOTIFICATION_PENDING");
                }
            }
            return status;
        } finally {
            waiter = null;
        }
    }

    @Override
    public void indicateCompletion(RequestNotificationStatus notificationStatus) {
        if (notificationStatus == null || notificationStatus == RQ_NOTIFICATION_PENDING) {
            throw new IllegalArgumentException("indicateCompletion takes RQ_NOTIFICATION_CONTINUE or "
                    + "RQ_NOTIFICATION_FINISH_REQUEST, not " + notificationStatus);
        }
        if (!acceptingCompletion || !completion.compareAndSet(null, notificationStatus)) {
            throw new IllegalStateException("no notification of this request is pending");
        }
        Thread parked = waiter;
        if (parked != null) {
            LockSupport.unpark(parked);
        }
    }

    private void moduleFailed(int m, String where, Throwable e) {
        LOG.error("iisport module '{}' failed in {} for {} {}", pipeline.modules[m].getName(), where,
                servletRequest.getMethod(), HttpSyntax.printable(servletRequest.getRequestURI()), e);
        finishRequested = true;
        if (!response.isCompleted()) {
            response.failWithServerError();
        }
    }

    // ---------------------------------------------------------------- IHttpContext

    @Override
    public IHttpRequest getRequest() {
        return this;
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
    public HttpServletRequest getServletRequest() {
        return request;
    }

    @Override
    public String getServerVariable(String variableName) {
        if (variableName == null) {
            return null;
        }
        String name = variableName.toUpperCase(Locale.ROOT);
        switch (name) {
            case "REMOTE_ADDR": return servletRequest.getRemoteAddr();
            case "REMOTE_HOST": return servletRequest.getRemoteHost();
            case "REMOTE_PORT": return Integer.toString(servletRequest.getRemotePort());
            case "REMOTE_USER": return servletRequest.getRemoteUser();
            case "AUTH_TYPE": return servletRequest.getAuthType();
            case "LOCAL_ADDR": return servletRequest.getLocalAddr();
            case "SERVER_NAME": return servletRequest.getServerName();
            case "SERVER_PORT": return Integer.toString(servletRequest.getServerPort());
            case "SERVER_PROTOCOL": return servletRequest.getProtocol();
            case "REQUEST_METHOD": return servletRequest.getMethod();
            case "URL": return servletRequest.getRequestURI();
            case "PATH_INFO": return servletRequest.getPathInfo();
            case "QUERY_STRING": return servletRequest.getQueryString() == null ? "" : servletRequest.getQueryString();
            case "HTTPS": return servletRequest.isSecure() ? "on" : "off";
            case "CONTENT_TYPE": return servletRequest.getContentType();
            case "CONTENT_LENGTH":
                long length = servletRequest.getContentLengthLong();
                return length < 0 ? null : Long.toString(length);
            case "HTTP_URL": return getRawUrl();
            default:
                if (name.startsWith("HTTP_") && name.length() > 5) {
                    return getHeader(name.substring(5).replace('_', '-'));
                }
                return null;
        }
    }

    // ---------------------------------------------------------------- IHttpRequest

    @Override
    public String getHttpMethod() {
        return servletRequest.getMethod();
    }

    @Override
    public String getHeader(String headerName) {
        java.util.List<String> values = Collections.list(request.getHeaders(headerName));
        if (values.isEmpty()) {
            return null;
        }
        return values.size() == 1 ? values.get(0) : String.join(",", values);
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
        return address(servletRequest.getRemoteAddr(), servletRequest.getRemotePort());
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return address(servletRequest.getLocalAddr(), servletRequest.getLocalPort());
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
        String query = servletRequest.getQueryString();
        String uri = servletRequest.getRequestURI();
        return query == null ? uri : uri + "?" + query;
    }

    @Override
    public String getHttpVersion() {
        return servletRequest.getProtocol();
    }

    /** The provider handed to every notification; for {@code RQ_SEND_RESPONSE} it tells about the send. */
    private final class SendResponseProvider implements ISendResponseProvider {
        boolean headersBeingSent;
        boolean moreData;
        Throwable error;

        @Override
        public void setErrorStatus(Throwable error) {
            this.error = error == null ? new IllegalStateException("setErrorStatus(null)") : error;
        }

        @Override
        public boolean getHeadersBeingSent() {
            return headersBeingSent;
        }

        @Override
        public int getFlags() {
            return (moreData ? HTTP_SEND_RESPONSE_FLAG_MORE_DATA : 0)
                    | (connection.isDisconnect() ? HTTP_SEND_RESPONSE_FLAG_DISCONNECT : 0);
        }

        @Override
        public void setFlags(int flags) {
            if ((flags & HTTP_SEND_RESPONSE_FLAG_DISCONNECT) != 0) {
                response.setNeedDisconnect();
            }
        }
    }
}
