package io.iisport.filter;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.Part;
import java.io.BufferedReader;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;

/**
 * The request the servlet chain sees: the header changes modules made through {@code IHttpRequest}
 * ({@link RequestHeaders}), the body as modules left it ({@code ReadEntityBody}/{@code InsertEntityBody}: see
 * {@link RequestBody}, and {@link HandlerBody} for the servlet's side), a module's {@code SetUrl}
 * ({@link UrlRewrite}), and an {@link AsyncContext} that runs the rest of the pipeline when the servlet completes it.
 */
final class IisRequest extends HttpServletRequestWrapper {
    /** What the request needs of the pipeline run it belongs to. */
    interface Run {
        ModulePipeline pipeline();

        IisResponse response();

        /** @return the servlet's response if the filter's response objects were built, else {@code null} */
        IisResponse responseIfBuilt();

        /** The servlet started async with the container's {@code asyncContext}; returns the servlet's context. */
        AsyncContext asyncStarted(AsyncContext asyncContext, ServletRequest request, ServletResponse response);

        /** @return the filter's context around the container's {@code asyncContext}, or that one */
        AsyncContext asyncContext(AsyncContext asyncContext);

        /** @return whether the handler (the servlet chain) started */
        boolean handlerStarted();
    }

    private static final VarHandle BODY = FieldHandles.of(MethodHandles.lookup(), "body", RequestBody.class);

    /** The prefix of the attributes the container sets for an ASYNC dispatch ({@code AsyncContext.ASYNC_*}). */
    private static final String ASYNC_ATTRIBUTES = "jakarta.servlet.async.";

    private final Run context;
    /** The dispatcher type the servlet sees instead of the container's, or {@code null}. */
    private DispatcherType dispatcherType;
    /** A module's SetUrl, or {@code null}. */
    private UrlRewrite rewrite;
    /** The header fields modules changed; {@code null} until one does. */
    private RequestHeaders headers;
    /** The request the container gave the filter, whose body modules read. */
    private final HttpServletRequest given;
    private final long requestBodyLimit;
    /** The body as modules read and insert it; made at a module's first body call. */
    private volatile RequestBody body;
    /** The body as the servlet takes it once modules took part of it; made then. */
    private HandlerBody handlerBody;
    /** The request ended: the container may already serve another request with the objects under this one. */
    private volatile boolean ended;

    IisRequest(HttpServletRequest request, Run context, long requestBodyLimit) {
        super(request);
        this.context = context;
        this.given = request;
        this.requestBodyLimit = requestBodyLimit;
    }

    /**
     * The request ended (after RQ_END_REQUEST and the modules' disposal): from now on {@link #checkRunning} refuses
     * the modules' calls that read or change the request, whose objects the container may recycle for another.
     */
    void ended() {
        ended = true;
    }

    /**
     * @return whether the request ended ({@link #ended()}): what the modules' calls on the request, and their
     *     connection actions ({@link ConnectionControl}), check first
     */
    boolean hasEnded() {
        return ended;
    }

    /** @return the request the container gave the filter, which a later dispatch's request does not replace */
    HttpServletRequest given() {
        return given;
    }

    /**
     * Refuses a module's call once the request ended: a thread of the module's own that kept its {@code IHttpContext}
     * would otherwise read another request's data, or change it, where the container recycles its request objects.
     *
     * @param call the IIS call, for the message
     * @throws IllegalStateException if the request ended
     */
    void checkRunning(String call) {
        if (ended) {
            throw new IllegalStateException(call + ": the request ended; a module's IHttpContext and what it gives "
                    + "are valid only until the request's RQ_END_REQUEST notifications returned");
        }
    }

    /** @return whether the servlet would see the request as the container has it: no SetUrl, header or body change */
    boolean asTheContainerHasIt() {
        return rewrite == null && headers == null && !modulesTookBody();
    }

    /** @return the request entity body as modules read and insert it, made at the first call */
    RequestBody body() {
        RequestBody made = body;
        if (made == null) {
            // Not synchronized on this: the servlet sees this object and may lock it itself.
            made = new RequestBody(given, requestBodyLimit);
            if (!BODY.compareAndSet(this, null, made)) {
                made = body;
            }
        }
        return made;
    }

    /** @return whether a module read a body over the {@code requestBodyLimit}: the request is refused with 413 */
    boolean bodyRefused() {
        RequestBody made = body;
        return made != null && made.refused();
    }

    /** @throws IllegalStateException once the handler started: the body is the servlet's */
    void checkBodyForModules(String member) {
        if (context.handlerStarted()) {
            throw new IllegalStateException(member + " after the handler started: the servlet owns the request body; "
                    + "call it up to RQ_EXECUTE_REQUEST_HANDLER");
        }
    }

    private boolean modulesTookBody() {
        RequestBody made = body;
        return made != null && made.source() == RequestBody.Source.MODULES;
    }

    // ---------------------------------------------------------------- the body, once modules took part of it

    private HandlerBody handlerBody() {
        if (handlerBody == null) {
            handlerBody = new HandlerBody(this, body());
        }
        return handlerBody;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
        return modulesTookBody() ? handlerBody().inputStream() : super.getInputStream();
    }

    @Override
    public BufferedReader getReader() throws IOException {
        return modulesTookBody() ? handlerBody().reader() : super.getReader();
    }

    /** {@code Content-Length} as the request now has it: a module's {@code SetHeader} or {@code DeleteHeader}. */
    @Override
    public long getContentLengthLong() {
        return headers != null && headers.changed("Content-Length") ? headers.contentLength()
                : super.getContentLengthLong();
    }

    @Override
    public int getContentLength() {
        long length = getContentLengthLong();
        return length > Integer.MAX_VALUE ? -1 : (int) length;
    }

    /** @return the query whose parameters come before the modules' body's: the original, unless SetUrl dropped it */
    private String bodyQuery() {
        return originalQueryKept() ? super.getQueryString() : null;
    }

    /** @return the parameters of the modules' body and of the query the servlet sees */
    private Map<String, String[]> bodyParameters() {
        return handlerBody().parameters(bodyQuery());
    }

    @Override
    public Collection<Part> getParts() throws IOException, ServletException {
        if (!modulesTookBody()) {
            return super.getParts();
        }
        return handlerBody().parts(bodyQuery());
    }

    @Override
    public Part getPart(String name) throws IOException, ServletException {
        if (!modulesTookBody()) {
            return super.getPart(name);
        }
        for (Part part : getParts()) {
            if (part.getName().equals(name)) {
                return part;
            }
        }
        return null;
    }

    /**
     * Finds the request of a pipeline run among the wrappers of a dispatched request: a forward, an include or an
     * async dispatch wraps (or is) the request the pipeline handed to the chain. No request attribute is needed,
     * so the request path pays no attribute lookup.
     *
     * @return the running context of {@code pipeline} for this request, or {@code null}
     */
    static Run runningFor(ServletRequest request, ModulePipeline pipeline) {
        for (ServletRequest r = request; r != null; ) {
            if (r instanceof IisRequest iis && iis.context.pipeline() == pipeline) {
                return iis.context;
            }
            r = r instanceof ServletRequestWrapper wrapper ? wrapper.getRequest() : null;
        }
        return null;
    }

    /**
     * {@code SetUrl}: the handler will serve {@code url} (see {@code IHttpRequest.setUrl}), and the request carries
     * {@code X-Original-URL}, as IIS URL Rewrite sets it.
     */
    void setUrl(String url, boolean resetQueryString) {
        if (context.handlerStarted()) {
            throw new IllegalStateException("SetUrl after the handler started: call it up to RQ_EXECUTE_REQUEST_HANDLER");
        }
        String original = rewrite != null ? rewrite.originalUrl() : receivedUrl();
        String originalQuery = rewrite != null ? rewrite.originalQuery() : super.getQueryString();
        rewrite = UrlRewrite.of(this, original, originalQuery, url, resetQueryString);
        setHeader("X-Original-URL", original, true);
    }

    private String receivedUrl() {
        String query = super.getQueryString();
        return query == null ? super.getRequestURI() : super.getRequestURI() + "?" + query;
    }

    /** @return whether the servlet sees the original query's parameters: no SetUrl, or one that kept the query */
    private boolean originalQueryKept() {
        return rewrite == null || !rewrite.dropsOriginalQuery();
    }

    /** @return the module's SetUrl, or {@code null} */
    UrlRewrite rewrite() {
        return rewrite;
    }

    private Map<String, String[]> parametersLeft() {
        ServletRequest received = getRequest();
        while (received instanceof ServletRequestWrapper wrapper) {
            received = wrapper.getRequest();
        }
        return UrlRewrite.withoutQuery(super.getParameterMap(), received.getParameterMap(), rewrite.originalQuery(),
                UrlRewrite.queryCharset(this));
    }

    @Override
    public String getQueryString() {
        return rewrite == null ? super.getQueryString() : rewrite.query();
    }

    @Override
    public Map<String, String[]> getParameterMap() {
        if (modulesTookBody()) {
            return bodyParameters();
        }
        return originalQueryKept() ? super.getParameterMap() : parametersLeft();
    }

    @Override
    public String getParameter(String name) {
        if (modulesTookBody()) {
            String[] values = bodyParameters().get(name);
            return values == null || values.length == 0 ? null : values[0];
        }
        if (originalQueryKept()) {
            return super.getParameter(name);
        }
        String[] values = parametersLeft().get(name);
        return values == null || values.length == 0 ? null : values[0];
    }

    @Override
    public String[] getParameterValues(String name) {
        if (modulesTookBody()) {
            return bodyParameters().get(name);
        }
        return originalQueryKept() ? super.getParameterValues(name) : parametersLeft().get(name);
    }

    @Override
    public Enumeration<String> getParameterNames() {
        if (modulesTookBody()) {
            return Collections.enumeration(bodyParameters().keySet());
        }
        return originalQueryKept() ? super.getParameterNames()
                : Collections.enumeration(UrlRewrite.names(parametersLeft()));
    }

    void setHeader(String name, String value, boolean replace) {
        if (headers == null) {
            headers = new RequestHeaders();
        }
        headers.set((HttpServletRequest) getRequest(), name, value, replace);
    }

    void deleteHeader(String name) {
        if (headers == null) {
            headers = new RequestHeaders();
        }
        headers.delete(name);
    }

    @Override
    public String getHeader(String name) {
        return headers == null ? super.getHeader(name) : headers.first((HttpServletRequest) getRequest(), name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        return headers == null ? super.getHeaders(name) : headers.values((HttpServletRequest) getRequest(), name);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
        return headers == null ? super.getHeaderNames() : headers.names((HttpServletRequest) getRequest());
    }

    @Override
    public int getIntHeader(String name) {
        return headers != null && headers.changed(name) ? headers.intValue(name) : super.getIntHeader(name);
    }

    @Override
    public long getDateHeader(String name) {
        return headers != null && headers.changed(name) ? headers.dateValue(name) : super.getDateHeader(name);
    }

    @Override
    public HttpSession getSession() {
        return getSession(true);
    }

    /**
     * The container's session; but a new one is refused, as Jetty ("Response is committed") and Tomcat ("Cannot create
     * a session after the response has been committed") refuse it, when the servlet sees the filter's response
     * committed (it wrote where the container commits, closed its output or wrote its Content-Length) while the
     * container's is not.
     */
    @Override
    public HttpSession getSession(boolean create) {
        IisResponse response = create ? context.responseIfBuilt() : null;
        if (response == null || !response.ignoresHeaderChanges()) {
            return super.getSession(create);
        }
        HttpSession existing = super.getSession(false);
        if (existing != null) {
            return existing;
        }
        throw new IllegalStateException("Cannot create a session after the response has been committed");
    }

    /** The container's dispatcher, whose forward also discards the filter's buffer (see {@link ForwardDispatcher}). */
    @Override
    public RequestDispatcher getRequestDispatcher(String path) {
        RequestDispatcher dispatcher = super.getRequestDispatcher(path);
        return dispatcher == null ? null : new ForwardDispatcher(dispatcher, context.response(),
                context.pipeline().containerRules.opaqueForward());
    }

    /**
     * Starts async processing as the container does for the request it passed to the filter, so that a later
     * {@code dispatch()} targets the original URI with its parameters once; the servlet's {@code AsyncContext}
     * hands out this request and the filter's response, so its output still goes through the module pipeline.
     */
    @Override
    public AsyncContext startAsync() {
        return context.asyncStarted(super.startAsync(), this, context.response());
    }

    /**
     * Starts async processing with the servlet's request and response; when they are the filter's own, as the
     * container would be handed its own objects (see {@link #startAsync()}).
     */
    @Override
    public AsyncContext startAsync(ServletRequest servletRequest, ServletResponse servletResponse) {
        if (servletRequest == this && servletResponse == context.response()) {
            return startAsync();
        }
        return context.asyncStarted(super.startAsync(servletRequest, servletResponse), servletRequest,
                servletResponse);
    }

    /**
     * Makes the request report {@code type} as its dispatcher type instead of ASYNC, without the container's
     * {@code jakarta.servlet.async.*} attributes: the handler's ASYNC dispatch after a module's PENDING is the
     * request's REQUEST dispatch for the servlet.
     *
     * @param type the type to report; {@code null}: the container's
     */
    void reportDispatcherType(DispatcherType type) {
        dispatcherType = type;
    }

    /** The reported type in place of ASYNC; a forward or include within the dispatch keeps its own. */
    @Override
    public DispatcherType getDispatcherType() {
        DispatcherType actual = super.getDispatcherType();
        return dispatcherType != null && actual == DispatcherType.ASYNC ? dispatcherType : actual;
    }

    private boolean hidden(String attribute) {
        return dispatcherType != null && attribute != null && attribute.startsWith(ASYNC_ATTRIBUTES);
    }

    @Override
    public Object getAttribute(String name) {
        return hidden(name) ? null : super.getAttribute(name);
    }

    /**
     * The container's names, without those {@link #getAttribute} hides, nor the one under which the filter keeps the
     * request's run on the container's request once async started (see {@link AsyncCycles}).
     */
    @Override
    public Enumeration<String> getAttributeNames() {
        Enumeration<String> names = super.getAttributeNames();
        String running = context.pipeline().runningAttribute;
        if (dispatcherType == null && super.getAttribute(running) == null) {
            return names;
        }
        List<String> shown = new ArrayList<>();
        for (String name : Collections.list(names)) {
            if (!hidden(name) && !name.equals(running)) {
                shown.add(name);
            }
        }
        return Collections.enumeration(shown);
    }

    /** The container's answer, or the filter's {@code AsyncContext} around it. */
    @Override
    public AsyncContext getAsyncContext() {
        return context.asyncContext(super.getAsyncContext());
    }
}
