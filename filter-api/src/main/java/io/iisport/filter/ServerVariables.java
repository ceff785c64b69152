package io.iisport.filter;

import jakarta.servlet.http.HttpServletRequest;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code IHttpContext::GetServerVariable}: the IIS server variables (the CGI set and IIS's own), computed from the
 * servlet request. Names ignore case; {@code HTTP_<NAME>} is the request header {@code <NAME>} with '_' read as
 * '-', its values joined with ','. A variable with no value for the request is {@code null}.
 */
final class ServerVariables {
    private static final String CERTIFICATES = "jakarta.servlet.request.X509Certificate";

    private static final Map<String, Function<HttpServletRequest, String>> TABLE = Map.ofEntries(
            Map.entry("REMOTE_ADDR", HttpServletRequest::getRemoteAddr),
            Map.entry("REMOTE_HOST", HttpServletRequest::getRemoteHost),
            Map.entry("REMOTE_PORT", r -> Integer.toString(r.getRemotePort())),
            Map.entry("REMOTE_USER", HttpServletRequest::getRemoteUser),
            Map.entry("LOGON_USER", HttpServletRequest::getRemoteUser),
            Map.entry("AUTH_USER", HttpServletRequest::getRemoteUser),
            Map.entry("AUTH_TYPE", HttpServletRequest::getAuthType),
            Map.entry("LOCAL_ADDR", HttpServletRequest::getLocalAddr),
            Map.entry("SERVER_NAME", HttpServletRequest::getServerName),
            Map.entry("SERVER_PORT", r -> Integer.toString(r.getServerPort())),
            Map.entry("SERVER_PORT_SECURE", r -> r.isSecure() ? "1" : "0"),
            Map.entry("SERVER_PROTOCOL", HttpServletRequest::getProtocol),
            Map.entry("HTTP_VERSION", HttpServletRequest::getProtocol),
            Map.entry("SERVER_SOFTWARE", r -> r.getServletContext().getServerInfo()),
            Map.entry("REQUEST_METHOD", HttpServletRequest::getMethod),
            Map.entry("URL", r -> rewriteOf(r) != null ? rewriteOf(r).path() : r.getRequestURI()),
            Map.entry("SCRIPT_NAME", r -> r.getContextPath() + r.getServletPath()),
            Map.entry("PATH_INFO", HttpServletRequest::getPathInfo),
            Map.entry("PATH_TRANSLATED", HttpServletRequest::getPathTranslated),
            Map.entry("QUERY_STRING", r -> r.getQueryString() == null ? "" : r.getQueryString()),
            Map.entry("REQUEST_URI", ServerVariables::receivedUrl),
            Map.entry("UNENCODED_URL", ServerVariables::receivedUrl),
            Map.entry("HTTP_URL", ServerVariables::rawUrl),
            Map.entry("HTTPS", r -> r.isSecure() ? "on" : "off"),
            Map.entry("CONTENT_TYPE", HttpServletRequest::getContentType),
            Map.entry("CONTENT_LENGTH", r -> r.getContentLengthLong() < 0 ? null : Long.toString(r.getContentLengthLong())),
            Map.entry("ALL_HTTP", ServerVariables::allHttp),
            Map.entry("ALL_RAW", ServerVariables::allRaw),
            Map.entry("INSTANCE_ID", r -> "1"),
            Map.entry("APPL_MD_PATH", r -> WebApplication.applicationId(r.getServletContext())),
            Map.entry("APPL_PHYSICAL_PATH", r -> WebApplication.physicalPath(r.getServletContext())),
            Map.entry("CERT_FLAGS", r -> clientCertificate(r) == null ? "0" : "1"),
            Map.entry("CERT_SUBJECT", r -> certificateField(r, c -> c.getSubjectX500Principal().getName())),
            Map.entry("CERT_ISSUER", r -> certificateField(r, c -> c.getIssuerX500Principal().getName())),
            Map.entry("CERT_SERIALNUMBER", r -> certificateField(r, c -> c.getSerialNumber().toString(16))));

    private ServerVariables() {
    }

    /**
     * @param request the request as the servlet sees it (with the modules' header changes)
     * @return the variable's value, or {@code null} if it has none for this request or is unknown
     */
    static String get(HttpServletRequest request, String variableName) {
        if (variableName == null) {
            return null;
        }
        String name = variableName.toUpperCase(Locale.ROOT);
        Function<HttpServletRequest, String> variable = TABLE.get(name);
        if (variable != null) {
            return variable.apply(request);
        }
        if (name.startsWith("HTTP_") && name.length() > 5) {
            return header(request, name.substring(5).replace('_', '-'));
        }
        return null;
    }

    /** @return the header's values joined with ',' (RFC 9110 §5.3), or {@code null} if it is absent */
    static String header(HttpServletRequest request, String headerName) {
        List<String> values = Collections.list(request.getHeaders(headerName));
        if (values.isEmpty()) {
            return null;
        }
        return values.size() == 1 ? values.get(0) : String.join(",", values);
    }

    private static UrlRewrite rewriteOf(HttpServletRequest request) {
        return request instanceof IisRequest iis ? iis.rewrite() : null;
    }

    /** @return the request target as received, before any SetUrl */
    private static String receivedUrl(HttpServletRequest request) {
        UrlRewrite rewrite = rewriteOf(request);
        return rewrite != null ? rewrite.originalUrl() : rawUrl(request);
    }

    /** @return the request target: the path and, if any, '?' and the query (after SetUrl, the new ones) */
    static String rawUrl(HttpServletRequest request) {
        UrlRewrite rewrite = rewriteOf(request);
        if (rewrite != null) {
            return rewrite.url();
        }
        String query = request.getQueryString();
        String uri = request.getRequestURI();
        return query == null ? uri : uri + "?" + query;
    }

    private static String allHttp(HttpServletRequest request) {
        StringBuilder all = new StringBuilder();
        for (String name : Collections.list(request.getHeaderNames())) {
            all.append("HTTP_").append(name.toUpperCase(Locale.ROOT).replace('-', '_')).append(':')
                    .append(header(request, name)).append('\n');
        }
        return all.toString();
    }

    private static String allRaw(HttpServletRequest request) {
        StringBuilder all = new StringBuilder();
        for (String name : Collections.list(request.getHeaderNames())) {
            for (String value : Collections.list(request.getHeaders(name))) {
                all.append(name).append(": ").append(value).append("\r\n");
            }
        }
        return all.toString();
    }

    private static X509Certificate clientCertificate(HttpServletRequest request) {
        return request.getAttribute(CERTIFICATES) instanceof X509Certificate[] chain && chain.length > 0
                ? chain[0] : null;
    }

    private static String certificateField(HttpServletRequest request, Function<X509Certificate, String> field) {
        X509Certificate certificate = clientCertificate(request);
        return certificate == null ? null : field.apply(certificate);
    }
}
