package io.iisport.filter;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A module's {@code IHttpRequest::SetUrl}: the new path and query, and the original URL (IIS URL Rewrite's
 * {@code HTTP_X_ORIGINAL_URL} and {@code UNENCODED_URL}).
 *
 * @param originalUrl the request target as received, path and query
 * @param originalQuery the query as received, or {@code null}: whose parameters the container's own request holds
 *     (a container forward wrapper below the filter's request, as Tomcat's, shows the new query instead)
 * @param path the new path, with the context path
 * @param query the new query, or {@code null}
 * @param dropsOriginalQuery whether the original query's parameters are no longer seen
 */
record UrlRewrite(String originalUrl, String originalQuery, String path, String query, boolean dropsOriginalQuery) {
    /**
     * @throws IllegalArgumentException if {@code url} is not an absolute path inside the request's web application
     */
    static UrlRewrite of(HttpServletRequest request, String originalUrl, String originalQuery, String url,
            boolean resetQueryString) {
        HttpSyntax.checkValue("url", url);
        if (url == null || !url.startsWith("/") || url.startsWith("//") || url.indexOf('#') >= 0) {
            throw new IllegalArgumentException("url '" + HttpSyntax.printable(String.valueOf(url))
                    + "' is not an absolute path (it starts with '/' and has no fragment)");
        }
        String contextPath = request.getContextPath();
        int q = url.indexOf('?');
        String path = q < 0 ? url : url.substring(0, q);
        if (!path.equals(contextPath) && !path.startsWith(contextPath + "/")) {
            throw new IllegalArgumentException("url '" + HttpSyntax.printable(url) + "' is outside the web application '"
                    + contextPath + "/'");
        }
        String query = q < 0 ? (resetQueryString ? null : request.getQueryString()) : url.substring(q + 1);
        return new UrlRewrite(originalUrl, originalQuery, path, query, resetQueryString || q >= 0);
    }

    /** @return the new URL as a path inside the web application, with its query, for a request dispatcher */
    String dispatchPath(String contextPath) {
        String inContext = path.substring(contextPath.length());
        String target = inContext.isEmpty() ? "/" : inContext;
        return query == null || !dropsOriginalQuery ? target : target + "?" + query;
    }

    /** @return the new request target: path and, if any, '?' and query */
    String url() {
        return query == null ? path : path + "?" + query;
    }

    /**
     * The request's parameters without those the original query string gave. The container's request holds, for each
     * name, the original query's values before the body's (Servlet spec, 3.1); a container forward wrapper below the
     * filter's request (Tomcat's) puts its own query's values before those. So of each name's values in
     * {@code parameters}, the container request's are the last ones, and the original query's the first of them.
     *
     * @param parameters the parameters as the request the filter wraps presents them
     * @param received the parameters of the container's own request, as received
     */
    static Map<String, String[]> withoutQuery(Map<String, String[]> parameters, Map<String, String[]> received,
            String originalQuery, Charset charset) {
        Map<String, Integer> fromQuery = new LinkedHashMap<>();
        if (originalQuery != null) {
            for (String pair : originalQuery.split("&")) {
                if (!pair.isEmpty()) {
                    int eq = pair.indexOf('=');
                    String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), charset);
                    fromQuery.merge(name, 1, Integer::sum);
                }
            }
        }
        Map<String, String[]> left = new LinkedHashMap<>();
        for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
            String[] values = parameter.getValue();
            String[] own = received.get(parameter.getKey());
            int from = values.length - Math.min(values.length, own == null ? 0 : own.length);
            int drop = Math.min(values.length - from, fromQuery.getOrDefault(parameter.getKey(), 0));
            if (drop < values.length) {
                String[] kept = new String[values.length - drop];
                System.arraycopy(values, 0, kept, 0, from);
                System.arraycopy(values, from + drop, kept, from, values.length - from - drop);
                left.put(parameter.getKey(), kept);
            }
        }
        return Collections.unmodifiableMap(left);
    }

    /** @return the charset the container decodes the query with: the request's, else UTF-8 (Servlet 6 default) */
    static Charset queryCharset(HttpServletRequest request) {
        String encoding = request.getCharacterEncoding();
        try {
            return encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    static List<String> names(Map<String, String[]> parameters) {
        return new ArrayList<>(parameters.keySet());
    }
}
