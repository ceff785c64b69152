package io.iisport.filter;

import jakarta.servlet.http.HttpServletRequest;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The request header fields as modules changed them ({@code IHttpRequest.SetHeader}/{@code DeleteHeader}) over the
 * fields the container received: a changed field's values replace the received ones, a deleted field has none.
 * Field names compare case-insensitively (RFC 9110 §5.1). Made only when a module changes a header, so a request
 * without changes reads the container's fields directly; {@code received} is the request the container passed
 * (after an async dispatch, the one it dispatched).
 */
final class RequestHeaders {
    /** Field name to its values; an empty list is a deleted field. */
    private final Map<String, List<String>> changed = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    /** @return whether a module set or deleted {@code name} */
    boolean changed(String name) {
        return changed.containsKey(name);
    }

    /** {@code SetHeader}: {@code value} replaces the field's values, or is added to them unless {@code replace}. */
    void set(HttpServletRequest received, String name, String value, boolean replace) {
        List<String> values = changed.get(name);
        if (values == null) {
            values = new ArrayList<>();
            if (!replace) {
                values.addAll(Collections.list(received.getHeaders(name)));
            }
            changed.put(name, values);
        } else if (replace) {
            values.clear();
        }
        values.add(value);
    }

    /** {@code DeleteHeader}: the field is gone. */
    void delete(String name) {
        changed.put(name, new ArrayList<>());
    }

    /** {@code getHeader}: the first value, or {@code null}. */
    String first(HttpServletRequest received, String name) {
        return changed.containsKey(name) ? changedValue(name) : received.getHeader(name);
    }

    /** @return the first value of a field a module changed, or {@code null} */
    private String changedValue(String name) {
        List<String> values = changed.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** {@code getHeaders}. */
    Enumeration<String> values(HttpServletRequest received, String name) {
        List<String> values = changed.get(name);
        return values == null ? received.getHeaders(name) : Collections.enumeration(values);
    }

    /** {@code getHeaderNames}: the received names not changed, then the changed ones that have a value. */
    Enumeration<String> names(HttpServletRequest received) {
        Set<String> names = new LinkedHashSet<>();
        for (String name : Collections.list(received.getHeaderNames())) {
            if (!changed.containsKey(name)) {
                names.add(name);
            }
        }
        for (Map.Entry<String, List<String>> field : changed.entrySet()) {
            if (!field.getValue().isEmpty()) {
                names.add(field.getKey());
            }
        }
        return Collections.enumeration(names);
    }

    /**
     * {@code getIntHeader} of a changed field.
     *
     * @return -1 if it has no value
     * @throws NumberFormatException if its value is not an integer, as the Servlet API says
     */
    int intValue(String name) {
        String value = changedValue(name);
        return value == null ? -1 : Integer.parseInt(value.trim());
    }

    /**
     * {@code getContentLengthLong} of a {@code Content-Length} a module changed.
     *
     * @return -1 if it has no value or the value is not a number
     */
    long contentLength() {
        String value = changedValue("Content-Length");
        try {
            return value == null ? -1 : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * {@code getDateHeader} of a changed field, in milliseconds since the epoch.
     *
     * @return -1 if it has no value
     * @throws IllegalArgumentException if its value is not an HTTP date (RFC 9110 §5.6.7, IMF-fixdate), as the
     *     Servlet API says
     */
    long dateValue(String name) {
        String value = changedValue(name);
        if (value == null) {
            return -1;
        }
        try {
            return ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("header " + name + " is not an HTTP date: " + value, e);
        }
    }
}
