package io.iisport.httpserv;

/**
 * Ports {@code IHttpModuleContextContainer}: the stored contexts of the modules, keyed by the module's id
 * ({@link IHttpModuleRegistrationInfo#getId()}), so that a module's per-request object (or a factory that returns
 * one shared module, as ModSecurity's does) finds its own state again. Safe for use from several threads.
 */
public interface IHttpModuleContextContainer {
    /**
     * Ports {@code GetModuleContext(HTTP_MODULE_ID moduleId)}.
     *
     * @param moduleId the module's id
     * @return the context stored for that module, or {@code null}
     */
    IHttpStoredContext getModuleContext(Object moduleId);

    /**
     * Ports {@code SetModuleContext(IHttpStoredContext* ppStoredContext, HTTP_MODULE_ID moduleId)}.
     *
     * @param storedContext the context to keep
     * @param moduleId the module's id
     * @throws IllegalStateException if a context is already stored for the module (IIS:
     *     {@code ERROR_ALREADY_ASSIGNED})
     * @throws NullPointerException if an argument is {@code null}
     */
    void setModuleContext(IHttpStoredContext storedContext, Object moduleId);
}
