package io.iisport.httpserv;

/**
 * Ports {@code IHttpModuleFactory}: makes a fresh {@link CHttpModule} for every request.
 */
public interface IHttpModuleFactory {
    /**
     * Ports {@code GetHttpModule(CHttpModule** ppModule, IModuleAllocator* pAllocator)}: returns a new module for
     * one request. Java has no use for the allocator. Where IIS returns a failed {@code HRESULT}, throw: the request
     * then fails with status 500 and the error is logged with the module's name.
     *
     * @return a new module, never {@code null}
     */
    CHttpModule getHttpModule();

    /**
     * Ports {@code Terminate()}: called once when the filter is destroyed. The IIS form deletes the factory; in Java
     * release what the factory holds, if anything.
     */
    default void terminate() {
    }
}
