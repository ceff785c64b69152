package io.iisport.httpserv;

import jakarta.servlet.http.HttpServletRequest;
import java.net.InetSocketAddress;

/**
 * Ports {@code IHttpRequest}. Header changes made before the handler runs are what the servlet sees.
 *
 * <p>Members with no servlet meaning are absent: {@code GetRawHttpRequest} (HTTP.sys structures),
 * {@code ReadEntityBody}/{@code InsertEntityBody} (servlets read the body themselves), {@code SetUrl} (a servlet
 * filter cannot re-map a request; use a forward).
 */
public interface IHttpRequest {
    /**
     * Ports {@code GetHttpMethod()}.
     *
     * @return the method, for example {@code "GET"}
     */
    String getHttpMethod();

    /**
     * Ports {@code GetHeader(PCSTR pszHeaderName)}: the value of a request header; several values are joined with
     * {@code ","} as HTTP allows.
     *
     * @param headerName the header name, case-insensitive
     * @return the value, or {@code null} if the request has no such header
     */
    String getHeader(String headerName);

    /**
     * Ports {@code SetHeader(PCSTR pszHeaderName, PCSTR pszHeaderValue, USHORT cchHeaderValue, BOOL fReplace)}.
     *
     * @param headerName the header name
     * @param headerValue the value
     * @param replace {@code true} to replace existing values, {@code false} to append one more
     * @throws IllegalArgumentException if the name is empty or not an HTTP token, or the value holds CR, LF or NUL
     *         (where IIS returns an error {@code HRESULT})
     */
    void setHeader(String headerName, String headerValue, boolean replace);

    /**
     * Ports {@code DeleteHeader(PCSTR pszHeaderName)}.
     *
     * @param headerName the header name, case-insensitive
     */
    void deleteHeader(String headerName);

    /**
     * Ports {@code GetRemoteAddress()}.
     *
     * @return the client's address and port as the container sees them
     */
    InetSocketAddress getRemoteAddress();

    /**
     * Ports {@code GetLocalAddress()}.
     *
     * @return the server's address and port for this request
     */
    InetSocketAddress getLocalAddress();

    /**
     * Returns the request target as received, path and query (IIS: {@code HTTP_REQUEST.pRawUrl}).
     *
     * @return for example {@code "/app/page?x=1"}
     */
    String getRawUrl();

    /**
     * Ports {@code GetHttpVersion(USHORT* pMajorVersion, USHORT* pMinorVersion)} as the protocol string.
     *
     * @return for example {@code "HTTP/1.1"} or {@code "HTTP/2.0"}
     */
    String getHttpVersion();

    /**
     * Ports {@code SetUrl(PCSTR pszUrl, DWORD cchUrl, BOOL fResetQueryString)}: the request is handled as a request
     * for {@code url}. Called before the handler (up to {@code RQ_EXECUTE_REQUEST_HANDLER}), the servlet the
     * web application maps to the new path serves it, through a forward ({@code DispatcherType.FORWARD}; the
     * container keeps the original in {@code jakarta.servlet.forward.request_uri}); {@link #getRawUrl()} and the
     * {@code URL} server variables return the new URL, and {@code HTTP_X_ORIGINAL_URL} and {@code UNENCODED_URL}
     * the original one, as IIS URL Rewrite documents. A query in {@code url} becomes the query; without one, the
     * original query is kept unless {@code resetQueryString}.
     *
     * @param url an absolute path inside this web application (starting with its context path), optionally with
     *     {@code ?query}
     * @param resetQueryString whether the original query string is dropped (its parameters are no longer seen)
     * @throws IllegalArgumentException if {@code url} is not an absolute path inside the web application, or holds
     *     CR, LF, NUL or a fragment
     * @throws IllegalStateException if the handler already ran
     */
    void setUrl(String url, boolean resetQueryString);

    /**
     * Returns the servlet request (Java addition).
     *
     * @return the servlet request, with the header changes made through this interface
     */
    HttpServletRequest getServletRequest();
}
