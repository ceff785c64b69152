package io.iisport.filter;

import io.iisport.httpserv.IHttpApplication;
import io.iisport.httpserv.IHttpModuleContextContainer;
import io.iisport.httpserv.IHttpServer;
import jakarta.servlet.ServletContext;

/**
 * The IIS application of a web application: {@code IHttpApplication} over its servlet context, and the one place the
 * application's IIS paths ({@code APPL_MD_PATH}, {@code APPL_PHYSICAL_PATH}) are made.
 */
record WebApplication(ServletContext servletContext) implements IHttpApplication {
    /** The metabase path of the site's root application: site 1, as {@code INSTANCE_ID} says. */
    private static final String SITE_ROOT = "/LM/W3SVC/1/ROOT";

    /** @return the application's {@code APPL_MD_PATH}: the site root's metabase path and the context path */
    static String applicationId(ServletContext servletContext) {
        return SITE_ROOT + servletContext.getContextPath();
    }

    /** @return the application's {@code APPL_PHYSICAL_PATH}, or {@code null} when it has no directory */
    static String physicalPath(ServletContext servletContext) {
        return servletContext.getRealPath("/");
    }

    @Override
    public String getApplicationPhysicalPath() {
        return physicalPath(servletContext);
    }

    @Override
    public String getApplicationId() {
        return applicationId(servletContext);
    }

    @Override
    public IHttpModuleContextContainer getModuleContextContainer() {
        IHttpServer server = () -> servletContext;
        return server.getModuleContextContainer();
    }

    @Override
    public ServletContext getServletContext() {
        return servletContext;
    }
}
