package io.iisport.httpserv;

import jakarta.servlet.ServletContext;

/**
 * Ports {@code IHttpServer}, the server-wide object IIS hands to {@code RegisterModule}. Its IIS members that
 * manage worker processes, the kernel cache or the configuration system have no servlet meaning; what stays is
 * the web application the module is registered in.
 */
public interface IHttpServer {
    /** The value passed as {@code serverVersion} to {@link RegisterModule}: the integrated-pipeline API version, 7. */
    int SERVER_VERSION = 7;

    /**
     * Returns the servlet context of the web application the module runs in (Java addition).
     *
     * @return the servlet context
     */
    ServletContext getServletContext();

    /**
     * Ports {@code IHttpApplication::GetModuleContextContainer()} (reached through the server here): the
     * application-wide stored contexts of the modules, one container per web application, released when the
     * application's module filters are destroyed.
     *
     * @return the application's container
     */
    default IHttpModuleContextContainer getModuleContextContainer() {
        ServletContext context = getServletContext();
        String attribute = IHttpModuleContextContainer.class.getName();
        synchronized (context) {
            if (context.getAttribute(attribute) instanceof IHttpModuleContextContainer container) {
                return container;
            }
            IHttpModuleContextContainer container = new ModuleContextContainer();
            context.setAttribute(attribute, container);
            return container;
        }
    }
}
