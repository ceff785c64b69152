package io.iisport.filter;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The servlet's header and status calls: a {@code Content-Length} set through any of the six setters is held back
 * while the body is buffered (so that a module that changes the body does not send a wrong length) and reported
 * back by {@code getHeader}, {@code getHeaders}, {@code getHeaderNames} and {@code containsHeader}; and every
 * change (cookies included) is ignored once the servlet sees the response committed, as the container ignores it,
 * and trailers are refused then, as the container refuses them. Its
 * {@code setTrailerFields} supplier is merged with the modules' trailers (see {@link ResponseTrailers}).
 */
abstract class ServletResponseHeaders extends HttpServletResponseWrapper {
    private final HttpServletResponse real;
    private final ResponseMetadata metadata;
    private final ResponseOutput output;

    ServletResponseHeaders(HttpServletResponse real, ResponseMetadata metadata, ResponseOutput output) {
        super(real);
        this.real = real;
        this.metadata = metadata;
        this.output = output;
    }

    /** @return whether the servlet sees the response committed while the container's is not */
    abstract boolean ignoresHeaderChanges();

    /** @return whether a status change of the servlet is ignored now (see {@link #ignoresHeaderChanges()}) */
    abstract boolean ignoresStatusChanges();

    /**
     * @return whether the filter holds the Content-Length back: while it buffers, and unless the container put its
     *     own wrapper below the filter's (Tomcat does during an include, and ignores the included servlet's length)
     */
    private boolean holdsContentLength() {
        return output.state() != ResponseOutput.State.PASS_THROUGH && getResponse() == real;
    }

    private static boolean isContentLength(String name) {
        return "Content-Length".equalsIgnoreCase(name);
    }

    private boolean heldBack(String name) {
        return isContentLength(name) && holdsContentLength();
    }

    @Override
    public void setContentLength(int len) {
        setContentLengthLong(len);
    }

    @Override
    public void setContentLengthLong(long len) {
        if (ignoresHeaderChanges()) {
            return;
        }
        if (!holdsContentLength()) {
            super.setContentLengthLong(len);
        } else if (!real.isCommitted()) {
            metadata.contentLength = len < 0 ? -1 : len;
        }
    }

    private void setContentLengthHeader(String value) {
        if (value == null) {
            setContentLengthLong(-1);
            return;
        }
        try {
            setContentLengthLong(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Content-Length '" + HttpSyntax.printable(value) + "' is not a number");
        }
    }

    @Override
    public void setHeader(String name, String value) {
        if (heldBack(name)) {
            setContentLengthHeader(value);
        } else if (!ignoresHeaderChanges()) {
            super.setHeader(name, value);
        }
    }

    @Override
    public void addHeader(String name, String value) {
        if (heldBack(name)) {
            setContentLengthHeader(value);
        } else if (!ignoresHeaderChanges()) {
            super.addHeader(name, value);
        }
    }

    @Override
    public void setIntHeader(String name, int value) {
        if (heldBack(name)) {
            setContentLengthLong(value);
        } else if (!ignoresHeaderChanges()) {
            super.setIntHeader(name, value);
        }
    }

    @Override
    public void addIntHeader(String name, int value) {
        if (heldBack(name)) {
            setContentLengthLong(value);
        } else if (!ignoresHeaderChanges()) {
            super.addIntHeader(name, value);
        }
    }

    @Override
    public void setDateHeader(String name, long date) {
        if (!ignoresHeaderChanges()) {
            super.setDateHeader(name, date);
        }
    }

    @Override
    public void addDateHeader(String name, long date) {
        if (!ignoresHeaderChanges()) {
            super.addDateHeader(name, date);
        }
    }

    @Override
    public void addCookie(Cookie cookie) {
        if (!ignoresHeaderChanges()) {
            super.addCookie(cookie);
        }
    }

    @Override
    public void setStatus(int sc) {
        if (!ignoresStatusChanges()) {
            super.setStatus(sc);
        }
    }

    @Override
    public void setContentType(String type) {
        if (!ignoresHeaderChanges()) {
            super.setContentType(type);
        }
    }

    @Override
    public void setCharacterEncoding(String charset) {
        if (!ignoresHeaderChanges()) {
            super.setCharacterEncoding(charset);
        }
    }

    @Override
    public void setLocale(Locale locale) {
        if (!ignoresHeaderChanges()) {
            super.setLocale(locale);
        }
    }

    @Override
    public boolean containsHeader(String name) {
        if (isContentLength(name)) {
            return metadata.contentLength >= 0 || real.containsHeader(name);
        }
        return super.containsHeader(name);
    }

    @Override
    public String getHeader(String name) {
        if (isContentLength(name) && metadata.contentLength >= 0) {
            return Long.toString(metadata.contentLength);
        }
        return super.getHeader(name);
    }

    @Override
    public Collection<String> getHeaders(String name) {
        if (isContentLength(name) && metadata.contentLength >= 0) {
            return List.of(Long.toString(metadata.contentLength));
        }
        return super.getHeaders(name);
    }

    @Override
    public Collection<String> getHeaderNames() {
        Collection<String> names = super.getHeaderNames();
        if (metadata.contentLength < 0) {
            return names;
        }
        for (String name : names) {
            if (isContentLength(name)) {
                return names;
            }
        }
        Set<String> all = new LinkedHashSet<>(names);
        all.add("Content-Length");
        return all;
    }

    /** The servlet's trailers, merged with the modules' into the supplier the container reads at the end. */
    @Override
    public void setTrailerFields(Supplier<Map<String, String>> supplier) {
        if (ignoresHeaderChanges()) {
            // As the container refuses trailers once its response is committed (Servlet 6.0, setTrailerFields).
            throw new IllegalStateException("the response is committed");
        }
        if (getResponse() != real) {
            // A container's wrapper below the filter's (an include): its rules apply.
            super.setTrailerFields(supplier);
            return;
        }
        metadata.trailers(real).setServletSupplier(supplier);
    }

    /** @return what the servlet gave {@link #setTrailerFields}, as the container returns it */
    @Override
    public Supplier<Map<String, String>> getTrailerFields() {
        ResponseTrailers trailers = metadata.trailersIfSet();
        return trailers == null ? super.getTrailerFields() : trailers.servletSupplier();
    }
}
