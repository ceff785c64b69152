package io.iisport.filter;

import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The response's trailer fields: the servlet's {@code setTrailerFields} supplier and the modules' {@code SetTrailer}
 * fields, merged into the one supplier the container reads when it ends the body. The supplier is installed on the
 * container's response only when the servlet or a module first sets trailers, so a response without trailers is
 * framed as without the filter (installing one makes Jetty and Tomcat send HTTP/1.1 chunked, even with a
 * Content-Length).
 *
 * <p>On the same name a module's field wins over the servlet's (modules run around the handler, as with headers),
 * and a module's {@code DeleteTrailer} removes the servlet's field too. The container may call the supplier on
 * another thread, so every member locks.
 */
final class ResponseTrailers {
    /**
     * Fields RFC 9110 §6.5.1 keeps out of trailers, because a recipient needs them before the content: framing
     * (and the HTTP/1.1 connection-specific fields HTTP/2 forbids, RFC 9113 §8.2.2), routing, authentication,
     * response controls and content format. Tomcat drops most of these silently; modules get an error instead.
     */
    private static final Set<String> FORBIDDEN = Set.of(
            // framing and connection
            "content-length", "transfer-encoding", "trailer", "te", "connection", "keep-alive", "proxy-connection",
            "upgrade",
            // routing and request modifiers
            "host", "expect", "max-forwards", "range", "if-match", "if-none-match", "if-modified-since",
            "if-unmodified-since", "if-range",
            // authentication and state
            "authorization", "proxy-authorization", "www-authenticate", "proxy-authenticate", "authentication-info",
            "proxy-authentication-info", "set-cookie", "cookie",
            // response controls
            "age", "cache-control", "expires", "date", "location", "retry-after", "vary", "warning", "pragma",
            // content format
            "content-type", "content-encoding", "content-range", "content-language");

    /** Whether the container's response has the merged supplier. */
    enum Installation {
        /** No trailers set yet: the container's response has no supplier. */
        NONE,
        /** The merged supplier is on the container's response. */
        INSTALLED,
        /** The protocol has no trailer section (HTTP/1.0): fields are kept for {@code GetTrailer}, never sent. */
        UNSUPPORTED
    }

    private final HttpServletResponse real;
    /**
     * The modules' fields in the order first set, by name as first given (found ignoring case, see {@link #key}); a
     * {@code null} value deletes the servlet's field.
     */
    private final Map<String, String> modules = new LinkedHashMap<>();
    private Supplier<Map<String, String>> servlet;
    private Installation installation = Installation.NONE;

    ResponseTrailers(HttpServletResponse real) {
        this.real = real;
    }

    /**
     * Checks a trailer field for {@code SetTrailer}: a token name that RFC 9110 §6.5.1 allows in trailers and a
     * value without CR, LF or NUL.
     *
     * @throws IllegalArgumentException naming the field and what is wrong
     */
    static void check(String name, String value) {
        HttpSyntax.checkName(name);
        if (FORBIDDEN.contains(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("trailer '" + name + "' is not allowed in a trailer section (RFC 9110 "
                    + "section 6.5.1: framing, routing, authentication, response control and content fields must be headers)");
        }
        HttpSyntax.checkValue("trailer '" + name + "' value", value);
    }

    // ---------------------------------------------------------------- the servlet's side

    /** {@code setTrailerFields}: the container decides whether it may (it throws as it would without the filter). */
    synchronized void setServletSupplier(Supplier<Map<String, String>> supplier) {
        real.setTrailerFields(this::fields);
        servlet = supplier;
        installation = Installation.INSTALLED;
    }

    /** @return what the servlet gave {@code setTrailerFields}, or {@code null} */
    synchronized Supplier<Map<String, String>> servletSupplier() {
        return servlet;
    }

    /**
     * The container's response was reset ({@code reset()}, a module's {@code ClearHeaders}): the container dropped
     * the supplier, so it goes back if trailers are still set. {@code servletReset}: the servlet's own trailers are
     * gone too, as the container's reset drops them.
     */
    synchronized void afterReset(boolean servletReset) {
        if (servletReset) {
            servlet = null;
        }
        if (installation == Installation.INSTALLED) {
            installation = Installation.NONE;
            if (servlet != null || !modules.isEmpty()) {
                install();
            }
        }
    }

    // ---------------------------------------------------------------- the modules' side

    /**
     * {@code SetTrailer}: sets or appends ({@code ", "}) a field. The first field installs the merged supplier.
     *
     * @throws IllegalStateException if the container committed the response before any trailer was set, so that it
     *     framed the body without a trailer section
     */
    synchronized void set(String name, String value, boolean replace) {
        if (installation == Installation.NONE) {
            install();
        }
        String current = replace ? null : get(name);
        modules.put(key(name), current == null ? value : current + ", " + value);
    }

    private void install() {
        try {
            real.setTrailerFields(this::fields);
            installation = Installation.INSTALLED;
        } catch (IllegalStateException e) {
            if (real.isCommitted()) {
                IllegalStateException refused = new IllegalStateException("the response was committed before any "
                        + "trailer was set, so the container framed it without a trailer section; set the first "
                        + "trailer before the headers are sent (at the latest in the OnSendResponse that sends them)");
                refused.initCause(e);
                throw refused;
            }
            installation = Installation.UNSUPPORTED;
        }
    }

    /** {@code GetTrailer}: the modules' field, else the servlet's as its supplier gives it now. */
    synchronized String get(String name) {
        String key = key(name);
        if (modules.containsKey(key)) {
            return modules.get(key);
        }
        Map<String, String> fields = servlet == null ? null : servlet.get();
        if (fields != null) {
            for (Map.Entry<String, String> field : fields.entrySet()) {
                if (field.getKey().equalsIgnoreCase(name)) {
                    return field.getValue();
                }
            }
        }
        return null;
    }

    /** {@code DeleteTrailer}: removes the field, the servlet's included. */
    synchronized void delete(String name) {
        if (servlet != null) {
            modules.put(key(name), null);
        } else {
            modules.remove(key(name));
        }
    }

    /** @return the name under which the modules hold {@code name}'s field: the first spelling set, else {@code name} */
    private String key(String name) {
        for (String held : modules.keySet()) {
            if (held.equalsIgnoreCase(name)) {
                return held;
            }
        }
        return name;
    }

    /** @return whether the fields go to the container (the supplier is installed) */
    synchronized Installation installation() {
        return installation;
    }

    /**
     * The merged supplier the container reads as it ends the body: the servlet's fields, then the modules'.
     *
     * @return the fields, or {@code null} for none (the container ends the body without trailer fields)
     */
    synchronized Map<String, String> fields() {
        Map<String, String> merged = new LinkedHashMap<>();
        Map<String, String> servletFields = servlet == null ? null : servlet.get();
        if (servletFields != null) {
            for (Map.Entry<String, String> field : servletFields.entrySet()) {
                if (!modules.containsKey(key(field.getKey()))) {
                    merged.put(field.getKey(), field.getValue());
                }
            }
        }
        for (Map.Entry<String, String> field : modules.entrySet()) {
            if (field.getValue() != null) {
                merged.put(field.getKey(), field.getValue());
            }
        }
        return merged.isEmpty() && servletFields == null ? null : merged;
    }
}
