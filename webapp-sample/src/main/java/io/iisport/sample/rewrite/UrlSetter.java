package io.iisport.sample.rewrite;

import io.iisport.httpserv.IHttpRequest;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Changes the URL of a request before its handler is chosen: IIS {@code IHttpRequest::SetUrl(PCWSTR pszUrl,
 * DWORD cchUrl, BOOL fResetQueryString)}, which URL Rewrite's Rewrite action calls.
 *
 * <p>{@link #reflective()} calls {@code IHttpRequest.setUrl(String, boolean)} when the filter API in use has it,
 * and otherwise throws {@link UnsupportedOperationException}, so that this module builds and runs its other
 * actions against filter APIs with and without it.
 */
interface UrlSetter {
    /**
     * Sets the request's URL.
     *
     * @param request the request
     * @param url the new URL: an absolute path (with the application's context path) and an optional query string
     * @param resetQueryString {@code true} to replace the query string with the URL's (none if it has none)
     * @throws UnsupportedOperationException if the filter API cannot change a request's URL
     */
    void setUrl(IHttpRequest request, String url, boolean resetQueryString);

    /**
     * @return a setter that calls {@code IHttpRequest.setUrl(String, boolean)} if the filter API declares it
     */
    static UrlSetter reflective() {
        Method setUrl = setUrlMethod();
        if (setUrl == null) {
            return (request, url, resetQueryString) -> {
                throw new UnsupportedOperationException("cannot rewrite the URL to '" + url + "': this iisport filter"
                        + " API has no IHttpRequest.setUrl(String, boolean) (IIS IHttpRequest::SetUrl)");
            };
        }
        return (request, url, resetQueryString) -> {
            try {
                setUrl.invoke(request, url, resetQueryString);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IllegalStateException("IHttpRequest.setUrl failed", e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("IHttpRequest.setUrl is not accessible", e);
            }
        };
    }

    /** @return whether {@link #reflective()} finds {@code IHttpRequest.setUrl} */
    static boolean available() {
        return setUrlMethod() != null;
    }

    private static Method setUrlMethod() {
        try {
            return IHttpRequest.class.getMethod("setUrl", String.class, boolean.class);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
