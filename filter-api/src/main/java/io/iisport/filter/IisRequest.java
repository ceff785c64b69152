package io.iisport.filter;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The request the servlet chain sees: the header changes modules made through {@code IHttpRequest}, and an
 * {@link AsyncContext} that runs the rest of the pipeline when the servlet completes it.
 */
final class IisRequest extends HttpServletRequestWrapper {
    /** What the request needs of the pipeline run it belongs to. */
    interface Run {
        ModulePipeline pipeline();

        IisResponse response();

        /** The servlet started async with the container's {@code asyncContext}; returns the servlet's context. */
        AsyncContext asyncStarted(AsyncContext asyncContext, ServletRequest request, ServletResponse response);

        /** @return the filter's context around the container's {@code asyncContext}, or that one */
        AsyncContext asyncContext(AsyncContext asyncContext);

        /** @return whether the handler (the servlet chain) started */
        boolean handlerStarted();
    }

    private final Run context;
    /** A module's SetUrl, or {@code null}. */
    private UrlRewrite rewrite;
    /** Header name (case-insensitive) to its values; an empty list is a deleted header. {@code null}: no change. */
    private Map<String, List<String>> headers;

    IisRequest(HttpServletRequest request, Run context) {
        super(request);
        this.context = context;
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
        rewrite = UrlRewrite.of(this, original, url, resetQueryString);
        setHeader("X-Original-URL", original, true);
    }

    private String receivedUrl() {
        String query = super.getQueryString();
        return query == null ? super.getRequestURI() : super.getRequestURI() + "?" + query;
    }

    /** @return the module's SetUrl, or {@code null} */
    UrlRewrite rewrite() {
        return rewrite;
    }

    private Map<String, String[]> parametersLeft() {
        return UrlRewrite.withoutQuery(super.getParameterMap(), super.getQueryString(), UrlRewrite.queryCharset(this));
    }

    @Override
    public String getQueryString() {
        return rewrite == null ? super.getQueryString() : rewrite.query();
    }

    @Override
    public Map<String, String[]> getParameterMap() {
        return rewrite == null || !rewrite.dropsOriginalQuery() ? super.getParameterMap() : parametersLeft();
    }

    @Override
    public String getParameter(String name) {
        if (rewrite == null || !rewrite.dropsOriginalQuery()) {
            return super.getParameter(name);
        }
        String[] values = parametersLeft().get(name);
        return values == null || values.length == 0 ? null : values[0];
    }

    @Override
    public String[] getParameterValues(String name) {
        return rewrite == null || !rewrite.dropsOriginalQuery() ? super.getParameterValues(name)
                : parametersLeft().get(name);
    }

    @Override
    public Enumeration<String> getParameterNames() {
        return rewrite == null || !rewrite.dropsOriginalQuery() ? super.getParameterNames()
                : Collections.enumeration(UrlRewrite.names(parametersLeft()));
    }

    void setHeader(String name, String value, boolean replace) {
        if (headers == null) {
            headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        }
        List<String> values = headers.get(name);
        if (values == null) {
            values = new ArrayList<>();
            if (!replace) {
                values.addAll(Collections.list(super.getHeaders(name)));
            }
            headers.put(name, values);
        } else if (replace) {
            values.clear();
        }
        values.add(value);
    }

    void deleteHeader(String name) {
        if (headers == null) {
            headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        }
        headers.put(name, new ArrayList<>());
    }

    @Override
    public String getHeader(String name) {
        List<String> values = headers == null ? null : headers.get(name);
        if (values == null) {
            return super.getHeader(name);
        }
        return values.isEmpty() ? null : values.get(0);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        List<String> values = headers == null ? null : headers.get(name);
        return values == null ? super.getHeaders(name) : Collections.enumeration(values);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
        if (headers == null) {
            return super.getHeaderNames();
        }
        Set<String> names = new LinkedHashSet<>();
        for (String name : Collections.list(super.getHeaderNames())) {
            if (!headers.containsKey(name)) {
                names.add(name);
            }
        }
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (!header.getValue().isEmpty()) {
                names.add(header.getKey());
            }
        }
        return Collections.enumeration(names);
    }

    @Override
    public int getIntHeader(String name) {
        if (headers == null || !headers.containsKey(name)) {
            return super.getIntHeader(name);
        }
        String value = getHeader(name);
        return value == null ? -1 : Integer.parseInt(value.trim());
    }

    @Override
    public long getDateHeader(String name) {
        if (headers == null || !headers.containsKey(name)) {
            return super.getDateHeader(name);
        }
        String value = getHeader(name);
        if (value == null) {
            return -1;
        }
        try {
            return java.time.ZonedDateTime.parse(value.trim(), java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant().toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("header " + name + " is not an HTTP date: " + value, e);
        }
    }

    /** The container's dispatcher, whose forward also discards the filter's buffer (see {@link ForwardDispatcher}). */
    @Override
    public RequestDispatcher getRequestDispatcher(String path) {
        RequestDispatcher dispatcher = super.getRequestDispatcher(path);
        return dispatcher == null ? null : new ForwardDispatcher(dispatcher, context.response(),
                context.pipeline().opaqueForward(getServletContext()));
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

    /** The container's answer, or the filter's {@code AsyncContext} around it. */
    @Override
    public AsyncContext getAsyncContext() {
        return context.asyncContext(super.getAsyncContext());
    }
}
