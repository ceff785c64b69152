package io.iisport.httpserv;

import jakarta.servlet.http.HttpServletRequest;
import java.net.InetSocketAddress;

/**
 * Ports {@code IHttpRequest}. Header changes made before the handler runs are what the servlet sees.
 *
 * <p>Members with no servlet meaning are absent: {@code GetRawHttpRequest} (HTTP.sys structures).
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
     * Ports {@code ReadEntityBody(PVOID pvBuffer, DWORD cbBuffer, BOOL fAsync, DWORD* pcbBytesReceived,
     * BOOL* pfCompletionPending)}, synchronously ({@code fAsync = FALSE}): reads the next bytes of the request
     * entity body, blocking until at least one is available or the body ends. Bytes a module inserted with
     * {@link #insertEntityBody} and not read yet come first, then the rest of the body from the connection.
     *
     * <p>As in IIS, what a module reads is consumed: the handler (the servlet) does not see it unless a module
     * re-inserts it with {@link #insertEntityBody}. Once a module read or inserted body bytes, the servlet's
     * {@code getInputStream()}, {@code getReader()}, {@code getParameter*()} on an
     * {@code application/x-www-form-urlencoded} POST and {@code getParts()} on a {@code multipart/form-data} request
     * all read the re-inserted bytes followed by the unread rest.
     *
     * <p>Memory is bounded by the filter's {@code requestBodyLimit}: modules may read at most that many bytes of a
     * request's body. A body declared larger ({@code Content-Length}) is refused on the first read, a chunked one when
     * the reads pass the limit; the request is then refused with {@code 413 Content Too Large} (RFC 9110 §15.5.14),
     * as IIS's request filtering refuses a body over {@code maxAllowedContentLength}.
     *
     * @param buffer where the bytes go
     * @param offset the first index of {@code buffer} written
     * @param length the most bytes read ({@code cbBuffer})
     * @return the number of bytes read ({@code *pcbBytesReceived}); 0 when the body has ended (where IIS returns
     *     {@code ERROR_HANDLE_EOF}) or {@code length} is 0
     * @throws IndexOutOfBoundsException if {@code offset} and {@code length} do not fit {@code buffer}
     * @throws EntityBodyTooLargeException if the body is over the filter's {@code requestBodyLimit}
     * @throws java.io.UncheckedIOException if the connection fails while reading (the client went away)
     * @throws IllegalStateException if the handler already ran (IIS: only modules before the handler read the body
     *     the handler gets)
     */
    int readEntityBody(byte[] buffer, int offset, int length);

    /**
     * Ports {@code GetRemainingEntityBytes()}: how many bytes of the request entity body are still to be read.
     *
     * <p>Inserted bytes not read yet count. With a {@code Content-Length}, this is that length minus what was read
     * from the connection. Without one (a chunked HTTP/1.1 body, an HTTP/2 body with no {@code content-length}),
     * the length is not known until the body ends: this returns {@link Long#MAX_VALUE} until a read has met the end
     * (IIS, likewise, reports bytes remaining until HTTP.sys has seen the last chunk), so a module's loop
     * {@code while (getRemainingEntityBytes() > 0) readEntityBody(...)} reads a chunked body to its end. A request
     * without a body returns 0.
     *
     * @return the bytes still to read, 0 when none
     */
    long getRemainingEntityBytes();

    /**
     * Ports {@code InsertEntityBody(PVOID pvBuffer, DWORD cbBuffer)}: the given bytes become the start of the request
     * entity body the handler reads, before the bytes not yet read (a WAF module reads the whole body, inspects it,
     * and inserts it back so the servlet still gets it). The bytes are copied; the caller may reuse its buffer.
     *
     * <p>As in IIS, {@code Content-Length} is not changed: a module that inserts a body of another length sets it
     * with {@link #setHeader} (or deletes it); the servlet's {@code getContentLength()} follows the header.
     *
     * @param buffer the bytes
     * @param offset the first index of {@code buffer} inserted
     * @param length how many bytes ({@code cbBuffer})
     * @throws IndexOutOfBoundsException if {@code offset} and {@code length} do not fit {@code buffer}
     * @throws EntityBodyTooLargeException if the inserted bytes not yet read would exceed the filter's
     *     {@code requestBodyLimit}
     * @throws IllegalStateException if the handler already ran
     */
    void insertEntityBody(byte[] buffer, int offset, int length);

    /**
     * Returns the servlet request (Java addition).
     *
     * @return the servlet request, with the header changes made through this interface
     */
    HttpServletRequest getServletRequest();
}
