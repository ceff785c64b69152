package io.iisport.httpserv;

/**
 * Ports {@code IHttpStoredContext}: state a module keeps in an {@link IHttpModuleContextContainer}, per request or
 * per application.
 */
public interface IHttpStoredContext {
    /**
     * Ports {@code CleanupStoredContext()}: called once when the container releases the context — for a request's
     * container after the request's last notification and the modules' {@code dispose()}, for the application's
     * when the filter is destroyed.
     */
    void cleanupStoredContext();
}
