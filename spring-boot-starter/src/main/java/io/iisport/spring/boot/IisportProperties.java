package io.iisport.spring.boot;

import jakarta.servlet.DispatcherType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code iisport.*} application properties: IIS module pipelines, each registered as an
 * {@link io.iisport.filter.IisModuleFilter}, as web.xml declares them.
 *
 * <pre>
 * iisport.filters.site.url-patterns=/demo/*
 * iisport.filters.site.modules=HttpLogging=com.example.HttpLoggingModule, Drain=com.example.DrainModule
 * iisport.filters.site.settings.HttpLogging.selectiveLogging=LogAll
 * </pre>
 *
 * <p>Values the filter reads ({@code modules}, {@code response-buffer-limit}, {@code settings}) reach it unchanged as
 * its init-params, so that it checks them as it checks web.xml.
 */
@ConfigurationProperties(prefix = IisportProperties.PREFIX, ignoreUnknownFields = false)
public class IisportProperties {
    /** The prefix of these properties. */
    public static final String PREFIX = "iisport";

    /**
     * The module filters by filter name, in declaration order; the name is the filter's (it names the filter in the
     * log, and its degraded-call counter).
     */
    private final Map<String, Filter> filters = new LinkedHashMap<>();

    /** @return the module filters by filter name, in declaration order */
    public Map<String, Filter> getFilters() {
        return filters;
    }

    /** One module filter: one IIS request pipeline, what one {@code <filter>} of web.xml declares. */
    public static class Filter {
        /**
         * The default {@link #getOrder() order}: after the filters that prepare the request (character encoding,
         * form content, -9900 and earlier) and before Spring Security's (-100), so that the modules see each request
         * first, as IIS native modules run before managed code.
         */
        public static final int DEFAULT_ORDER = -1000;

        /** URL patterns the filter maps; with no servlet names either, {@code /*}. */
        private List<String> urlPatterns = new ArrayList<>();

        /** Names of servlets the filter maps. */
        private List<String> servletNames = new ArrayList<>();

        /**
         * The modules, {@code name=class} each, in IIS {@code <modules>} order; the class implements
         * {@code io.iisport.httpserv.RegisterModule}. The filter's {@code modules} init-param.
         */
        private List<String> modules = new ArrayList<>();

        /**
         * Bytes buffered before the response streams (the filter's {@code responseBufferLimit} init-param); by
         * default 4194304, IIS's 4 MiB; 0 streams from the start.
         */
        private String responseBufferLimit;

        /**
         * The most bytes of a request body modules may read or insert (the filter's {@code requestBodyLimit}
         * init-param); by default 4194304 (4 MiB).
         */
        private String requestBodyLimit;

        /**
         * Milliseconds a module's {@code RQ_NOTIFICATION_PENDING} may stay uncompleted (the filter's
         * {@code pendingTimeout} init-param); 0 for no limit; by default the container's async timeout.
         */
        private String pendingTimeout;

        /**
         * Whether application filters run around the module filter, for a module's PENDING (the filter's
         * {@code filtersAround} init-param): {@code auto} (the default), {@code ignore} or {@code present}.
         */
        private String filtersAround;

        /**
         * Module settings: {@code <module name>.<setting>} to value, read in the module's {@code registerModule}
         * through {@code moduleInfo.getSettings()}; the filter's {@code <module name>.<setting>} init-params.
         */
        private Map<String, String> settings = new LinkedHashMap<>();

        /** The dispatcher types the filter maps: by default REQUEST and ASYNC, as async servlets need. */
        private Set<DispatcherType> dispatcherTypes = EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC);

        /**
         * The filter's position in the filter chain; filters of equal order keep their declaration order. By default
         * {@value #DEFAULT_ORDER}.
         */
        private int order = DEFAULT_ORDER;

        /** @return the URL patterns the filter maps */
        public List<String> getUrlPatterns() {
            return urlPatterns;
        }

        /** @param urlPatterns the URL patterns the filter maps */
        public void setUrlPatterns(List<String> urlPatterns) {
            this.urlPatterns = urlPatterns;
        }

        /** @return the names of the servlets the filter maps */
        public List<String> getServletNames() {
            return servletNames;
        }

        /** @param servletNames the names of the servlets the filter maps */
        public void setServletNames(List<String> servletNames) {
            this.servletNames = servletNames;
        }

        /** @return the modules, {@code name=class} each, in order */
        public List<String> getModules() {
            return modules;
        }

        /** @param modules the modules, {@code name=class} each, in order */
        public void setModules(List<String> modules) {
            this.modules = modules;
        }

        /** @return the response buffer limit as written, or {@code null} for the filter's default */
        public String getResponseBufferLimit() {
            return responseBufferLimit;
        }

        /** @param responseBufferLimit bytes buffered before the response streams */
        public void setResponseBufferLimit(String responseBufferLimit) {
            this.responseBufferLimit = responseBufferLimit;
        }

        /** @return the request body limit as written, or {@code null} for the filter's default */
        public String getRequestBodyLimit() {
            return requestBodyLimit;
        }

        /** @param requestBodyLimit the most bytes of a request body modules may read or insert */
        public void setRequestBodyLimit(String requestBodyLimit) {
            this.requestBodyLimit = requestBodyLimit;
        }

        /** @return the pending timeout as written, or {@code null} for the filter's default */
        public String getPendingTimeout() {
            return pendingTimeout;
        }

        /** @param pendingTimeout milliseconds a module's PENDING may stay uncompleted; 0 for no limit */
        public void setPendingTimeout(String pendingTimeout) {
            this.pendingTimeout = pendingTimeout;
        }

        /** @return the choice as written ({@code auto}, {@code ignore}, {@code present}), or {@code null} for auto */
        public String getFiltersAround() {
            return filtersAround;
        }

        /** @param filtersAround {@code auto}, {@code ignore} or {@code present} */
        public void setFiltersAround(String filtersAround) {
            this.filtersAround = filtersAround;
        }

        /** @return the module settings, {@code <module name>.<setting>} to value */
        public Map<String, String> getSettings() {
            return settings;
        }

        /** @param settings the module settings, {@code <module name>.<setting>} to value */
        public void setSettings(Map<String, String> settings) {
            this.settings = settings;
        }

        /** @return the dispatcher types the filter maps */
        public Set<DispatcherType> getDispatcherTypes() {
            return dispatcherTypes;
        }

        /** @param dispatcherTypes the dispatcher types the filter maps */
        public void setDispatcherTypes(Set<DispatcherType> dispatcherTypes) {
            this.dispatcherTypes = dispatcherTypes;
        }

        /** @return the filter's position in the filter chain */
        public int getOrder() {
            return order;
        }

        /** @param order the filter's position in the filter chain */
        public void setOrder(int order) {
            this.order = order;
        }
    }
}
