package io.iisport.filter;

import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The filter's init-params, parsed and checked at start-up: the response buffer limit, the request body limit, the
 * pending timeout, the modules in {@code <modules>} order and each module's settings.
 *
 * @param filterName the filter's name, for messages
 * @param responseBufferLimit bytes buffered before the response streams; 0 for no buffering
 * @param requestBodyLimit the most bytes of a request body modules may read or insert ({@code ReadEntityBody},
 *     {@code InsertEntityBody}); over it the request is refused with 413
 * @param pendingTimeout how long a module's {@code RQ_NOTIFICATION_PENDING} may stay uncompleted, in milliseconds;
 *     0 for no limit, {@link #CONTAINER_ASYNC_TIMEOUT} for the container's async timeout (see
 *     {@link #PENDING_TIMEOUT})
 * @param filtersAround whether application filters run around the module filter, for a module's PENDING (see
 *     {@link #FILTERS_AROUND})
 * @param moduleClasses module name to class name, in configuration order
 * @param moduleSettings module name to its settings ({@code <module>.<setting>} init-params without the prefix)
 */
record FilterSettings(String filterName, int responseBufferLimit, long requestBodyLimit, long pendingTimeout,
        FiltersAround filtersAround, Map<String, String> moduleClasses, Map<String, Map<String, String>> moduleSettings) {
    static final String MODULES = "modules";
    static final String RESPONSE_BUFFER_LIMIT = "responseBufferLimit";
    /** IIS's default {@code responseBufferLimit}, 4 MiB. */
    static final long DEFAULT_RESPONSE_BUFFER_LIMIT = 4L * 1024 * 1024;
    static final String REQUEST_BODY_LIMIT = "requestBodyLimit";
    /**
     * The default {@code requestBodyLimit}, 4 MiB: the same per-request memory as the response buffer's default. IIS
     * refuses bodies over {@code maxAllowedContentLength} (30,000,000 bytes) before any module runs, but holds them
     * in HTTP.sys and on disk; here a module holds what it reads in heap memory, per request, so the default stays
     * at what the filter already buffers for a response. Larger uploads that a module must inspect raise it.
     */
    static final long DEFAULT_REQUEST_BODY_LIMIT = 4L * 1024 * 1024;
    /**
     * How long a module's {@code RQ_NOTIFICATION_PENDING} may stay uncompleted ({@code IndicateCompletion},
     * {@code PostCompletion}), in milliseconds, 0 for no limit; past it the module failed (a 500, or a reset once the
     * response is committed). It is the timeout of the async cycle the filter starts to suspend the request
     * ({@code AsyncContext.setTimeout}), and bounds the wait of the request's thread where async cannot be started.
     * IIS sets no limit of its own on a pending notification (its connection and request limits end the request).
     */
    static final String PENDING_TIMEOUT = "pendingTimeout";
    /** No {@code pendingTimeout}: a suspension keeps the container's async timeout (30 s on Jetty and Tomcat). */
    static final long CONTAINER_ASYNC_TIMEOUT = -1;
    /**
     * The longest wait of a request's thread for a completion without a {@code pendingTimeout}: 30 s, the default
     * async timeout of Jetty and Tomcat, so that a module that never completes does not hold the thread for ever.
     */
    static final long DEFAULT_PENDING_WAIT = 30_000;
    /** The largest {@code pendingTimeout}, in milliseconds (about 24.8 days). */
    static final long MAX_PENDING_TIMEOUT = Integer.MAX_VALUE;
    /**
     * Whether other filters run around the module filter, for a module's {@code RQ_NOTIFICATION_PENDING}:
     * {@code auto} (the default), {@code ignore} or {@code present}, see {@link FiltersAround}.
     */
    static final String FILTERS_AROUND = "filtersAround";
    /** The init-params the filter takes, for messages. */
    private static final String KNOWN = MODULES + ", " + RESPONSE_BUFFER_LIMIT + ", " + REQUEST_BODY_LIMIT + ", "
            + PENDING_TIMEOUT + ", " + FILTERS_AROUND + " and <module>.<setting>";

    /**
     * Whether application filters run around the module filter (the {@code filtersAround} init-param), for what a
     * module's {@code RQ_NOTIFICATION_PENDING} does. In IIS a PENDING hands the thread back and the request goes on
     * later, and the response is sent before {@code RQ_LOG_REQUEST}; a servlet filter around the module filter,
     * though, runs what follows its {@code chain.doFilter} once the module filter returned: after a PENDING that freed
     * the thread before the response was made, that code would run before the servlet (a wrapper's body written
     * empty, a footer before the page, an exception the filter cannot catch), and a response finished on the wire at
     * a pending LOG_REQUEST would drop what it writes or sets then (a compressing or caching wrapper writes the body
     * only then).
     */
    enum FiltersAround {
        /**
         * Looked for on the request's thread at the request's first PENDING: another filter's {@code doFilter} among
         * the callers of the module filter's (see {@link #PRESENT}), or none (see {@link #IGNORE}).
         */
        AUTO,
        /**
         * As if none ran around, as in IIS: a PENDING frees the request's thread wherever the container lets the
         * filter start async, and the response is sent before a pending LOG_REQUEST or END_REQUEST completes. For
         * filters around that do nothing once their chain returned, or when the module filter is declared first.
         */
        IGNORE,
        /**
         * As if some did: any PENDING keeps the request's thread, which waits for the completion (at most the
         * {@code pendingTimeout}): the servlet runs inside the filters around, and they find the request and response
         * as without the module filter once their chain returned. For code around the module filter that {@link #AUTO}
         * cannot see among its callers (a Tomcat Valve, a Jetty handler acting on the response afterwards).
         */
        PRESENT;

        /** @return the init-param's value for this choice */
        String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The largest buffer a Java array can hold. */
    static final long MAX_RESPONSE_BUFFER_LIMIT = Integer.MAX_VALUE - 8;

    private static final Pattern MODULE_NAME = Pattern.compile("[A-Za-z0-9_-]+");

    /**
     * Reads and checks the init-params.
     *
     * @throws ServletException naming the init-param, the value and the reason when one is wrong
     */
    static FilterSettings parse(FilterConfig config) throws ServletException {
        String filterName = config.getFilterName();
        Map<String, String> params = new LinkedHashMap<>();
        for (String param : Collections.list(config.getInitParameterNames())) {
            params.put(param, config.getInitParameter(param));
        }
        int limit = (int) parseWholeNumber(filterName, RESPONSE_BUFFER_LIMIT, params.remove(RESPONSE_BUFFER_LIMIT),
                DEFAULT_RESPONSE_BUFFER_LIMIT, MAX_RESPONSE_BUFFER_LIMIT, "bytes", "no buffering");
        long bodyLimit = parseWholeNumber(filterName, REQUEST_BODY_LIMIT, params.remove(REQUEST_BODY_LIMIT),
                DEFAULT_REQUEST_BODY_LIMIT, MAX_RESPONSE_BUFFER_LIMIT, "bytes", "modules read no body");
        long pendingTimeout = parseWholeNumber(filterName, PENDING_TIMEOUT, params.remove(PENDING_TIMEOUT),
                CONTAINER_ASYNC_TIMEOUT, MAX_PENDING_TIMEOUT, "milliseconds", "no limit");
        FiltersAround filtersAround = parseFiltersAround(filterName, params.remove(FILTERS_AROUND));
        String modulesValue = params.remove(MODULES);
        if (modulesValue == null || modulesValue.isBlank()) {
            // A misspelt 'modules' is the likelier mistake: name it first.
            for (Map.Entry<String, String> param : params.entrySet()) {
                if (param.getKey().indexOf('.') <= 0) {
                    throw error(filterName, param.getKey(), param.getValue(), "is unknown: the filter takes "
                            + KNOWN + ", and '" + MODULES + "' is missing");
                }
            }
            throw error(filterName, MODULES, modulesValue,
                    "is required: list the modules as name=class entries, one per line or comma-separated");
        }
        Map<String, String> classes = parseModules(filterName, modulesValue);

        // Every remaining init-param must be a module setting, named <module>.<setting>.
        Map<String, Map<String, String>> settings = new LinkedHashMap<>();
        Map<String, String> canonicalNames = new LinkedHashMap<>();
        for (String moduleName : classes.keySet()) {
            settings.put(moduleName, new LinkedHashMap<>());
            canonicalNames.put(moduleName.toLowerCase(Locale.ROOT), moduleName);
        }
        for (Map.Entry<String, String> param : params.entrySet()) {
            String key = param.getKey();
            int dot = key.indexOf('.');
            String owner = dot > 0 ? canonicalNames.get(key.substring(0, dot).toLowerCase(Locale.ROOT)) : null;
            if (owner == null || dot == key.length() - 1) {
                throw error(filterName, key, param.getValue(), "is unknown: the filter takes " + KNOWN
                        + " for the modules " + classes.keySet());
            }
            settings.get(owner).put(key.substring(dot + 1), param.getValue());
        }
        return new FilterSettings(filterName, limit, bodyLimit, pendingTimeout, filtersAround, classes, settings);
    }

    /** @return the {@code filtersAround} choice, {@link FiltersAround#AUTO} when absent */
    private static FiltersAround parseFiltersAround(String filterName, String value) throws ServletException {
        if (value == null) {
            return FiltersAround.AUTO;
        }
        for (FiltersAround choice : FiltersAround.values()) {
            if (choice.value().equals(value.trim())) {
                return choice;
            }
        }
        throw error(filterName, FILTERS_AROUND, value, "must be auto, ignore or present");
    }

    /**
     * Parses a whole number from 0 to {@code max}.
     *
     * @param unit the number's unit, for the message ("bytes", "milliseconds")
     * @param zeroMeans what 0 means, for the message
     * @return the number, or {@code defaultValue} when the init-param is absent
     */
    private static long parseWholeNumber(String filterName, String param, String value, long defaultValue, long max,
            String unit, String zeroMeans) throws ServletException {
        if (value == null) {
            return defaultValue;
        }
        long number;
        try {
            number = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw error(filterName, param, value, "is not a whole number of " + unit);
        }
        if (number < 0 || number > max) {
            throw error(filterName, param, value, "must be from 0 (" + zeroMeans + ") to " + max + " " + unit);
        }
        return number;
    }

    /** Parses {@code name=class} entries, one per line (commas also separate), '#' starting a comment. */
    private static Map<String, String> parseModules(String filterName, String value) throws ServletException {
        Map<String, String> classes = new LinkedHashMap<>();
        Map<String, String> lowerNames = new LinkedHashMap<>();
        for (String line : value.split("[\\r\\n,]")) {
            int hash = line.indexOf('#');
            String entry = (hash >= 0 ? line.substring(0, hash) : line).trim();
            if (entry.isEmpty()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq < 0) {
                throw error(filterName, MODULES, entry, "is not name=class");
            }
            String name = entry.substring(0, eq).trim();
            String className = entry.substring(eq + 1).trim();
            if (!MODULE_NAME.matcher(name).matches()) {
                throw error(filterName, MODULES, entry,
                        "module name '" + name + "' must be letters, digits, '_' or '-'");
            }
            if (className.isEmpty()) {
                throw error(filterName, MODULES, entry, "names no class");
            }
            String previous = lowerNames.put(name.toLowerCase(Locale.ROOT), name);
            if (previous != null) {
                throw error(filterName, MODULES, entry, "repeats the module name '" + previous
                        + "' of an earlier entry: each module needs its own name (names ignore case)");
            }
            classes.put(name, className);
        }
        if (classes.isEmpty()) {
            throw error(filterName, MODULES, value, "lists no module");
        }
        return classes;
    }

    /** @return the modules' names, in configuration order */
    List<String> moduleNames() {
        return List.copyOf(moduleClasses.keySet());
    }

    /** @return a deployment failure naming the init-param, its value and the reason */
    static ServletException error(String filterName, String param, String value, String reason) {
        return new ServletException("iisport filter '" + filterName + "': init-param '" + param + "'"
                + (value == null ? "" : " value '" + HttpSyntax.printable(value.trim()) + "'") + " " + reason);
    }
}
