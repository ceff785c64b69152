package io.iisport.spring.boot;

import io.iisport.filter.IisModuleFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.Map;
import org.springframework.boot.web.servlet.FilterRegistrationBean;

/**
 * Registers one {@link IisModuleFilter} configured by {@code iisport.filters.<name>.*}: its properties become the
 * filter's init-params ({@code modules}, {@code responseBufferLimit}, {@code <module name>.<setting>}), so the
 * filter checks them exactly as it checks web.xml.
 *
 * <p>The filter is initialized as soon as it is registered, while the embedded server starts the application,
 * rather than later by the container: a configuration error then fails start-up with the filter's own message on
 * every server (Tomcat would otherwise report a failing filter only as a context that "failed to start", the cause
 * in its log). The container's own {@code init} call that follows does not initialize it again.
 */
final class IisModuleFilterRegistrationBean extends FilterRegistrationBean<IisModuleFilter> {
    private final String propertyPrefix;
    private ServletContext servletContext;

    IisModuleFilterRegistrationBean(String name, IisportProperties.Filter properties) {
        super(new EagerlyInitializedFilter());
        this.propertyPrefix = IisportProperties.PREFIX + ".filters." + name;
        setName(name);
        setAsyncSupported(true);
        setOrder(properties.getOrder());
        setUrlPatterns(properties.getUrlPatterns());
        setServletNames(properties.getServletNames());
        setDispatcherTypes(properties.getDispatcherTypes().isEmpty()
                ? EnumSet.noneOf(DispatcherType.class) : EnumSet.copyOf(properties.getDispatcherTypes()));
        if (!properties.getModules().isEmpty()) {
            addInitParameter("modules", String.join("\n", properties.getModules()));
        }
        if (properties.getResponseBufferLimit() != null) {
            addInitParameter("responseBufferLimit", properties.getResponseBufferLimit());
        }
        if (properties.getRequestBodyLimit() != null) {
            addInitParameter("requestBodyLimit", properties.getRequestBodyLimit());
        }
        if (properties.getPendingTimeout() != null) {
            addInitParameter("pendingTimeout", properties.getPendingTimeout());
        }
        if (properties.getFiltersAround() != null) {
            addInitParameter("filtersAround", properties.getFiltersAround());
        }
        for (Map.Entry<String, String> setting : properties.getSettings().entrySet()) {
            String key = setting.getKey();
            if (key.indexOf('.') <= 0) {
                // Without a module name it would be one of the filter's own init-params (modules,
                // responseBufferLimit, ...), which have properties of their own.
                throw new IllegalStateException(propertyPrefix + ".settings." + key + ": a module setting is named"
                        + " <module name>.<setting>, for example " + propertyPrefix + ".settings.MyModule." + key);
            }
            addInitParameter(key, setting.getValue());
        }
    }

    @Override
    protected FilterRegistration.Dynamic addRegistration(String description, ServletContext servletContext) {
        this.servletContext = servletContext;
        return super.addRegistration(description, servletContext);
    }

    @Override
    protected void configure(FilterRegistration.Dynamic registration) {
        super.configure(registration);
        try {
            ((EagerlyInitializedFilter) getFilter()).initialize(new RegisteredFilterConfig(registration, servletContext));
        } catch (ServletException failure) {
            throw new IllegalStateException("Invalid " + propertyPrefix + ".*: " + failure.getMessage(), failure);
        }
    }

    /**
     * A module filter initialized once, by {@link #initialize}; the container's {@code init} that follows does not
     * initialize it again (which would register its modules twice) but fails as the first initialization did.
     */
    static final class EagerlyInitializedFilter extends IisModuleFilter {
        private enum State { NEW, INITIALIZED, FAILED }

        private volatile State state = State.NEW;
        private volatile ServletException failure;

        void initialize(FilterConfig filterConfig) throws ServletException {
            try {
                super.init(filterConfig);
                state = State.INITIALIZED;
            } catch (ServletException | RuntimeException x) {
                failure = x instanceof ServletException servletException ? servletException : new ServletException(x);
                state = State.FAILED;
                throw x;
            }
        }

        @Override
        public void init(FilterConfig filterConfig) throws ServletException {
            switch (state) {
                case NEW -> initialize(filterConfig);
                case FAILED -> throw failure;
                case INITIALIZED -> {
                    // Initialized when registered.
                }
            }
        }

        @Override
        public void destroy() {
            state = State.NEW;
            failure = null;
            super.destroy();
        }
    }

    /** The filter's configuration as registered: its name and init-params, and the servlet context. */
    private record RegisteredFilterConfig(FilterRegistration registration, ServletContext servletContext)
            implements FilterConfig {
        @Override
        public String getFilterName() {
            return registration.getName();
        }

        @Override
        public ServletContext getServletContext() {
            return servletContext;
        }

        @Override
        public String getInitParameter(String name) {
            return registration.getInitParameter(name);
        }

        @Override
        public Enumeration<String> getInitParameterNames() {
            return Collections.enumeration(registration.getInitParameters().keySet());
        }
    }
}
