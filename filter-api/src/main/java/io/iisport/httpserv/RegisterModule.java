package io.iisport.httpserv;

/**
 * Ports the {@code RegisterModule} function that every IIS native module exports. The filter calls it once, at
 * {@code init}, for each entry of its {@code modules} parameter; the implementation subscribes a factory with
 * {@link IHttpModuleRegistrationInfo#setRequestNotifications(IHttpModuleFactory, int, int)}.
 *
 * <p>Where IIS returns a failed {@code HRESULT}, the Java form throws: the filter's {@code init} then fails with a
 * {@code ServletException} naming the module, so a misconfigured deployment fails at start. Implementations need a
 * public no-argument constructor.
 */
@FunctionalInterface
public interface RegisterModule {
    /**
     * Ports {@code RegisterModule(DWORD dwServerVersion, IHttpModuleRegistrationInfo* pModuleInfo, IHttpServer* pGlobalInfo)}.
     *
     * @param serverVersion the version of the integrated-pipeline API, {@link IHttpServer#SERVER_VERSION}
     * @param moduleInfo where to subscribe the module's factory, and the module's name and settings
     * @param globalInfo the server (the servlet context the filter runs in)
     * @throws Exception if the module cannot register; deployment fails with this cause
     */
    void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) throws Exception;
}
