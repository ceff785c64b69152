package io.iisport.httpserv;

import jakarta.servlet.ServletContext;

/**
 * Ports {@code IHttpApplication}: the IIS application, which is the web application here (its servlet context).
 */
public interface IHttpApplication {
    /**
     * Ports {@code GetApplicationPhysicalPath()}: the directory the application is served from, the server variable
     * {@code APPL_PHYSICAL_PATH}.
     *
     * @return {@code ServletContext.getRealPath("/")}, or {@code null} when the application is not served from a
     *     directory (an unpacked WAR has one; a packed WAR may not)
     */
    String getApplicationPhysicalPath();

    /**
     * Ports {@code GetApplicationId()}: the application's metabase path, the server variable {@code APPL_MD_PATH}.
     *
     * @return {@code /LM/W3SVC/1/ROOT} followed by the context path, for example {@code /LM/W3SVC/1/ROOT/shop}
     */
    String getApplicationId();

    /**
     * Ports {@code GetModuleContextContainer()}: the application-wide stored contexts of the modules, released when
     * the application's module filters are destroyed.
     *
     * @return the application's container, the one {@link IHttpServer#getModuleContextContainer()} gives
     */
    IHttpModuleContextContainer getModuleContextContainer();

    /**
     * Returns the servlet context of the application (Java addition).
     *
     * @return the servlet context
     */
    ServletContext getServletContext();
}
