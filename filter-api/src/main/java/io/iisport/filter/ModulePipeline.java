package io.iisport.filter;

import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.ModuleSettings;
import io.iisport.httpserv.RegisterModule;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured modules of one filter and, for every notification, the order in which they run. Built once at
 * {@code init} from the init-params; read-only and shared by all requests afterwards.
 */
final class ModulePipeline {
    private static final Logger LOG = LoggerFactory.getLogger(ModulePipeline.class);

    static final String MODULES = "modules";
    static final String RESPONSE_BUFFER_LIMIT = "responseBufferLimit";
    /** IIS's default {@code responseBufferLimit}, 4 MiB. */
    static final long DEFAULT_RESPONSE_BUFFER_LIMIT = 4L * 1024 * 1024;
    /** The largest buffer a Java array can hold. */
    static final long MAX_RESPONSE_BUFFER_LIMIT = Integer.MAX_VALUE - 8;

    private static final Pattern MODULE_NAME = Pattern.compile("[A-Za-z0-9_-]+");

    final RegisteredModule[] modules;
    /** For each notification index, the module indexes to call, in order. */
    private final int[][] pre = new int[Notifications.COUNT][];
    private final int[][] post = new int[Notifications.COUNT][];
    final int responseBufferLimit;
    /**
     * The request attribute that finds this pipeline's running request on an async dispatch, where the container
     * hands the filter its own request (set only once a servlet starts async).
     */
    final String runningAttribute = ModulePipeline.class.getName() + ".running@" + Integer.toHexString(
            System.identityHashCode(this));

    /** Whether forwards need {@link ForwardDispatcher}: decided once, from the first request's server info. */
    private volatile Boolean forwardNeedsOpaqueResponse;

    boolean forwardNeedsOpaqueResponse(jakarta.servlet.ServletContext servletContext) {
        Boolean needed = forwardNeedsOpaqueResponse;
        if (needed == null) {
            needed = ForwardDispatcher.suspendsWrappedResponse(servletContext.getServerInfo());
            forwardNeedsOpaqueResponse = needed;
        }
        return needed;
    }

    ModulePipeline(List<RegisteredModule> modules, int responseBufferLimit) {
        this.modules = modules.toArray(new RegisteredModule[0]);
        this.responseBufferLimit = responseBufferLimit;
        for (int index = 0; index < Notifications.COUNT; index++) {
            pre[index] = sortedSubscribers(index, false);
            post[index] = sortedSubscribers(index, true);
        }
    }

    private int[] sortedSubscribers(int index, boolean isPost) {
        List<Integer> subscribed = new ArrayList<>();
        for (int m = 0; m < modules.length; m++) {
            if (modules[m].subscribes(index, isPost)) {
                subscribed.add(m);
            }
        }
        // Stable: equal priority keeps configuration order.
        subscribed.sort(Comparator.comparingInt(m -> modules[m].rank(index)));
        if (index == Notifications.SEND_RESPONSE) {
            Collections.reverse(subscribed);
        }
        return subscribed.stream().mapToInt(Integer::intValue).toArray();
    }

    /** @return the module indexes to call for a notification, in order; never {@code null} */
    int[] order(int index, boolean isPost) {
        return isPost ? post[index] : pre[index];
    }

    /** Calls every factory's {@code terminate()}, logging failures with the module's name. */
    void terminate() {
        for (RegisteredModule module : modules) {
            try {
                module.factory().terminate();
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("iisport module '{}': terminate() failed", module.getName(), e);
            }
        }
    }

    /**
     * Reads the filter's init-params and registers every module.
     *
     * @throws ServletException naming the init-param, the value and the reason when the configuration is wrong
     */
    static ModulePipeline configure(FilterConfig config) throws ServletException {
        String filterName = config.getFilterName();
        Map<String, String> params = new LinkedHashMap<>();
        for (String param : Collections.list(config.getInitParameterNames())) {
            params.put(param, config.getInitParameter(param));
        }
        int limit = parseBufferLimit(filterName, params.remove(RESPONSE_BUFFER_LIMIT));
        String modulesValue = params.remove(MODULES);
        if (modulesValue == null || modulesValue.isBlank()) {
            throw error(filterName, MODULES, modulesValue, "is required: list the modules as name=class, one per line");
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
                throw error(filterName, key, param.getValue(), "is unknown: the filter takes " + MODULES + ", "
                        + RESPONSE_BUFFER_LIMIT + " and <module>.<setting> for the modules " + classes.keySet());
            }
            settings.get(owner).put(key.substring(dot + 1), param.getValue());
        }

        ServletContext servletContext = config.getServletContext();
        IHttpServer server = () -> servletContext;
        List<RegisteredModule> registered = new ArrayList<>();
        for (Map.Entry<String, String> entry : classes.entrySet()) {
            String moduleName = entry.getKey();
            ModuleSettings moduleSettings = new ModuleSettings(moduleName, settings.get(moduleName));
            RegisteredModule module = new RegisteredModule(moduleName, moduleSettings);
            RegisterModule registerModule = instantiate(filterName, moduleName, entry.getValue());
            try {
                registerModule.registerModule(IHttpServer.SERVER_VERSION, module, server);
            } catch (Exception | LinkageError e) {
                terminateAll(registered);
                ServletException failure = error(filterName, MODULES, moduleName + "=" + entry.getValue(),
                        "registration failed: " + e.getMessage());
                failure.initCause(e);
                throw failure;
            }
            if (module.factory() == null) {
                terminateAll(registered);
                throw error(filterName, MODULES, moduleName + "=" + entry.getValue(),
                        "its registerModule did not call setRequestNotifications");
            }
            registered.add(module);
            if (!moduleSettings.unreadNames().isEmpty()) {
                terminateAll(registered);
                String unread = moduleSettings.unreadNames().iterator().next();
                throw error(filterName, moduleName + "." + unread, settings.get(moduleName).get(unread),
                        "is unknown: module '" + moduleName + "' does not read a setting '" + unread + "'");
            }
        }
        return new ModulePipeline(registered, limit);
    }

    private static void terminateAll(List<RegisteredModule> registered) {
        new ModulePipeline(registered, 0).terminate();
    }

    private static int parseBufferLimit(String filterName, String value) throws ServletException {
        if (value == null) {
            return (int) DEFAULT_RESPONSE_BUFFER_LIMIT;
        }
        long limit;
        try {
            limit = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw error(filterName, RESPONSE_BUFFER_LIMIT, value, "is not a whole number of bytes");
        }
        if (limit < 0 || limit > MAX_RESPONSE_BUFFER_LIMIT) {
            throw error(filterName, RESPONSE_BUFFER_LIMIT, value,
                    "must be from 0 (no buffering) to " + MAX_RESPONSE_BUFFER_LIMIT + " bytes");
        }
        return (int) limit;
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
                throw error(filterName, MODULES, entry, "duplicate module name '" + name + "' (names ignore case)");
            }
            classes.put(name, className);
        }
        if (classes.isEmpty()) {
            throw error(filterName, MODULES, value, "lists no module");
        }
        return classes;
    }

    private static RegisterModule instantiate(String filterName, String moduleName, String className)
            throws ServletException {
        String entry = moduleName + "=" + className;
        Class<?> type;
        try {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            if (loader == null) {
                loader = ModulePipeline.class.getClassLoader();
            }
            type = Class.forName(className, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            ServletException failure = error(filterName, MODULES, entry, "class " + className + " cannot be loaded: " + e);
            failure.initCause(e);
            throw failure;
        }
        if (!RegisterModule.class.isAssignableFrom(type)) {
            throw error(filterName, MODULES, entry, "class " + className + " does not implement "
                    + RegisterModule.class.getName());
        }
        try {
            Constructor<?> constructor = type.getConstructor();
            return (RegisterModule) constructor.newInstance();
        } catch (NoSuchMethodException e) {
            throw error(filterName, MODULES, entry, "class " + className + " has no public no-argument constructor");
        } catch (InvocationTargetException e) {
            ServletException failure = error(filterName, MODULES, entry,
                    "constructor of " + className + " failed: " + e.getCause());
            failure.initCause(e.getCause());
            throw failure;
        } catch (ReflectiveOperationException | RuntimeException e) {
            ServletException failure = error(filterName, MODULES, entry, "class " + className + " cannot be instantiated: " + e);
            failure.initCause(e);
            throw failure;
        }
    }

    static ServletException error(String filterName, String param, String value, String reason) {
        return new ServletException("iisport filter '" + filterName + "': init-param '" + param + "'"
                + (value == null ? "" : " value '" + HttpSyntax.printable(value.trim()) + "'") + " " + reason);
    }
}
