package io.iisport.httpserv;

/**
 * Ports {@code IHttpResponse} (with the members of {@code IHttpResponse4}, IIS 10 version 1709: trailers and the
 * HTTP/2 stream calls; one Java interface, since a Java module needs no {@code QueryInterface} to reach them).
 *
 * <p>As in IIS, the response is buffered: what the handler writes stays in memory until the request ends, so a
 * module can still {@link #clear()} it in {@code OnSendResponse}. Past the filter's {@code responseBufferLimit}, or
 * after {@link #disableBuffering()}, output streams to the client, each send raising {@code RQ_SEND_RESPONSE}.
 *
 * <p>After {@link #resetConnection()}, {@link #resetStream(int)} or {@link #closeConnection()}, every later write,
 * flush, clear and header call succeeds and does nothing ("this method succeeds even if the connection has been
 * reset"); nothing throws into the module or the servlet, and the pipeline goes on unless the module returns
 * {@code RQ_NOTIFICATION_FINISH_REQUEST}. Arguments are still checked: a header holding CR or LF is an
 * {@link IllegalArgumentException} whatever the state, where IIS returns an error {@code HRESULT}.
 *
 * <p>Members with no servlet meaning are absent: {@code GetRawHttpResponse} (HTTP.sys structures),
 * {@code DisableKernelCache}/{@code GetKernelCacheEnabled} (no kernel cache), {@code SetCacheControl} (set the
 * header), {@code GetCachePolicy}, {@code SuppressHeaders}, {@code ReadEntity}.
 */
public interface IHttpResponse {
    /** Ports {@code Clear()}: discards the buffered entity body; headers and status stay. */
    void clear();

    /** Ports {@code ClearHeaders()}: removes every response header; the status and the body stay. */
    void clearHeaders();

    /**
     * Ports {@code SetHeader(PCSTR pszHeaderName, PCSTR pszHeaderValue, USHORT cchHeaderValue, BOOL fReplace)}.
     * Once the headers are sent (the response is committed) the call changes nothing, as in IIS.
     *
     * @param headerName the header name, an HTTP token
     * @param headerValue the value, without CR, LF or NUL
     * @param replace {@code true} to replace existing values, {@code false} to add one more
     * @throws IllegalArgumentException if the name is empty or no token, or the name or value holds CR, LF or NUL
     */
    void setHeader(String headerName, String headerValue, boolean replace);

    /**
     * Ports {@code GetHeader(PCSTR pszHeaderName)}.
     *
     * @param headerName the header name, case-insensitive
     * @return the first value, or {@code null} if the response has no such header
     */
    String getHeader(String headerName);

    /**
     * Ports {@code DeleteHeader(PCSTR pszHeaderName)}: removes every value of the header.
     *
     * @param headerName the header name, case-insensitive
     */
    void deleteHeader(String headerName);

    /**
     * Ports {@code SetStatus(USHORT statusCode, PCSTR pszReason)} with sub-status 0.
     *
     * @param statusCode 100 to 999
     * @param reason the reason phrase; kept for {@link #getReason()} and logs (Servlet 6 sends the container's own)
     * @throws IllegalArgumentException if the code is out of range or the reason holds CR, LF or NUL
     */
    void setStatus(int statusCode, String reason);

    /**
     * Ports {@code SetStatus(USHORT statusCode, PCSTR pszReason, USHORT uSubStatus)}. The sub-status is not sent
     * (nor does IIS send it); it is kept for {@link #getSubStatus()} and for {@code RQ_LOG_REQUEST} modules.
     *
     * @param statusCode 100 to 999
     * @param reason the reason phrase
     * @param subStatus 0 to 65535, as {@code USHORT}
     * @throws IllegalArgumentException if a value is out of range or the reason holds CR, LF or NUL
     */
    void setStatus(int statusCode, String reason, int subStatus);

    /**
     * Ports {@code SetStatus(statusCode, pszReason, uSubStatus, hrErrorToReport, pException, fTrySkipCustomErrors)}
     * without the error code and the configuration exception. A module that sets a status of 400 or more and ends
     * the response without a body gets the web application's error page for it, as IIS's custom error module gives
     * it: the container renders it as for {@code sendError} (web.xml {@code <error-page>} mappings included), with the
     * {@link #setErrorDescription error description} (else the reason) as its message, and the request attributes
     * {@code io.iisport.error.subStatus} ({@code Integer}) and {@code io.iisport.error.description} for the page.
     *
     * @param statusCode 100 to 999
     * @param reason the reason phrase
     * @param subStatus 0 to 65535
     * @param trySkipCustomErrors {@code true}: no error page, the response is sent as the module left it
     * @throws IllegalArgumentException if a value is out of range or the reason holds CR, LF or NUL
     */
    void setStatus(int statusCode, String reason, int subStatus, boolean trySkipCustomErrors);

    /**
     * Ports the status code of {@code GetStatus(USHORT* pStatusCode, USHORT* pSubStatus, PCSTR* ppszReason, ...)}.
     *
     * @return the status code
     */
    int getStatus();

    /**
     * Ports the sub-status of {@code GetStatus}.
     *
     * @return the sub-status, 0 unless a module set one
     */
    int getSubStatus();

    /**
     * Ports the reason of {@code GetStatus}.
     *
     * @return the reason set with {@link #setStatus(int, String)}, or {@code null}
     */
    String getReason();

    /**
     * Ports {@code Redirect(PCSTR pszUrl, BOOL fResetStatusCode, BOOL fIncludeParameters)}: clears the body and sets
     * {@code Location}.
     *
     * @param url the target, absolute or relative to the request
     * @param resetStatusCode {@code true} to set status 302, {@code false} to keep the current status
     * @param includeParameters {@code true} to append the request's query string to the URL
     * @throws IllegalArgumentException if the URL holds CR, LF or NUL
     */
    void redirect(String url, boolean resetStatusCode, boolean includeParameters);

    /**
     * Ports {@code WriteEntityChunks(HTTP_DATA_CHUNK* pDataChunks, DWORD nChunks, BOOL fAsync, BOOL fMoreData,
     * DWORD* pcbSent, BOOL* pfCompletionExpected)}. The write completes synchronously whatever {@code async} says
     * (completion is never expected); file chunks are read when written.
     *
     * @param dataChunks the chunks, in order
     * @param async ignored: writes complete before the call returns
     * @param moreData ignored: the handler's end decides the last send
     * @return the number of bytes accepted (also after a reset, when they are discarded)
     * @throws java.io.UncheckedIOException if a file chunk cannot be read
     */
    long writeEntityChunks(HttpDataChunk[] dataChunks, boolean async, boolean moreData);

    /**
     * Ports {@code GetRawHttpResponse()->pEntityChunks} and {@code EntityChunkCount}: the entity body buffered now and
     * not yet sent — in {@code OnSendResponse}, the whole body at the final send, or the slice being sent while the
     * response streams (and after an explicit flush). As ModSecurity does in IIS, a module inspects it and replaces
     * it with {@link #clear()} and {@link #writeEntityChunks}; the chunks are a copy, so changing them changes nothing.
     *
     * @return one memory chunk with the buffered bytes, or none when nothing is buffered (or after a reset)
     */
    HttpDataChunk[] getEntityChunks();

    /**
     * Ports {@code WriteEntityChunkByReference(HTTP_DATA_CHUNK* pDataChunk, LONG lInsertPosition)}: appends
     * ({@code -1}) or inserts before what is buffered ({@code 0}). Java keeps the chunk alive, so the reference needs
     * no lifetime care; file chunks are read when written.
     *
     * @param dataChunk the chunk
     * @param insertPosition {@code -1} to append, {@code 0} to insert before the buffered body
     * @return the number of bytes accepted
     * @throws IllegalArgumentException if the position is neither -1 nor 0 (IIS supports no other)
     * @throws java.io.UncheckedIOException if a file chunk cannot be read
     */
    long writeEntityChunkByReference(HttpDataChunk dataChunk, int insertPosition);

    /**
     * Writes chunks synchronously: {@code writeEntityChunks(dataChunks, false, true)}.
     *
     * @param dataChunks the chunks, in order
     * @return the number of bytes accepted
     */
    default long writeEntityChunks(HttpDataChunk... dataChunks) {
        return writeEntityChunks(dataChunks, false, true);
    }

    /**
     * Ports {@code Flush(BOOL fAsync, BOOL fMoreData, DWORD* pcbSent, BOOL* pfCompletionExpected)}: sends what is
     * buffered now, committing the response (raising {@code RQ_SEND_RESPONSE} first).
     *
     * @param async ignored: the flush completes before the call returns
     * @param moreData ignored: the handler's end decides the last send
     * @return the number of bytes sent by this flush
     */
    long flush(boolean async, boolean moreData);

    /**
     * Ports {@code DisableBuffering()}: from now on every write is sent at once (raising {@code RQ_SEND_RESPONSE}).
     * What is already buffered goes out with the next write or flush.
     */
    void disableBuffering();

    /**
     * Ports {@code SetErrorDescription(PCWSTR pszDescription, DWORD cchDescription, BOOL fHtmlEncode)}: the text the
     * container's error page shows as the message when the response ends as an error without a body of its own.
     *
     * @param description the description, or {@code null} to remove it
     */
    void setErrorDescription(String description);

    /**
     * Ports {@code GetErrorDescription()}.
     *
     * @return the description, or {@code null}
     */
    String getErrorDescription();

    /**
     * Ports {@code IHttpResponse4::SetTrailer(PCSTR pszHeaderName, PCSTR pszHeaderValue, USHORT cchHeaderValue,
     * BOOL fReplace)}: a trailer field, sent after the body (HTTP/2: a HEADERS frame with END_STREAM after the DATA;
     * HTTP/1.1: the trailer section after the last chunk), through the Servlet 6 trailer API
     * ({@code HttpServletResponse.setTrailerFields}), as the ASP.NET Core Module sends gRPC's {@code grpc-status}.
     *
     * <p>The first trailer of a response installs the filter's trailer supplier on the container's response, which
     * the container reads when it ends the body; from then on Jetty and Tomcat frame an HTTP/1.1 response chunked,
     * even with a Content-Length, and send the trailer section whether or not the request had {@code TE: trailers}.
     * Later calls, up to and including {@code OnSendResponse} of the final send, change what is sent; after the final
     * send, and after a reset, the call succeeds and does nothing. A trailer the servlet set with
     * {@code setTrailerFields} is seen by {@link #getTrailer}; a module's field replaces the servlet's of the same
     * name. HTTP/1.0 has no trailer section: the field is kept for {@link #getTrailer} and never sent.
     *
     * @param headerName the field name, an HTTP token that RFC 9110 §6.5.1 allows in trailers
     * @param headerValue the value, without CR, LF or NUL
     * @param replace {@code true} to replace the field's value, {@code false} to append to it (joined with
     *     {@code ", "}, as a field line list)
     * @throws IllegalArgumentException naming the field if the name is no token, is a field a trailer must not carry
     *     (framing, routing, authentication, response control and content fields such as {@code Content-Length},
     *     {@code Transfer-Encoding}, {@code Host}, {@code Content-Type}, {@code Cache-Control}), or the name or value
     *     holds CR, LF or NUL
     * @throws IllegalStateException if this is the response's first trailer and the response is already committed:
     *     the container framed it without a trailer section (set the first trailer before the headers are sent)
     */
    void setTrailer(String headerName, String headerValue, boolean replace);

    /**
     * Ports {@code IHttpResponse4::GetTrailer(PCSTR pszHeaderName, USHORT* pcchHeaderValue)}.
     *
     * @param headerName the field name, case-insensitive
     * @return the value a module set, else the value of the servlet's {@code setTrailerFields} supplier now, or
     *     {@code null} if neither has the field (or a module deleted it)
     */
    String getTrailer(String headerName);

    /**
     * Ports {@code IHttpResponse4::DeleteTrailer(PCSTR pszHeaderName)}: removes the field, also one the servlet's
     * {@code setTrailerFields} supplier gives. Does nothing for a field that is not set, after the final send, and
     * after a reset.
     *
     * @param headerName the field name, case-insensitive
     */
    void deleteTrailer(String headerName);

    /**
     * Ports {@code SetNeedDisconnect()}: the current response completes normally, then the connection closes
     * gracefully (HTTP/1: {@code Connection: close} and FIN after the last byte; HTTP/2: GOAWAY after this stream).
     */
    void setNeedDisconnect();

    /**
     * Ports {@code ResetConnection()}: resets the connection now (HTTP/1: TCP RST; HTTP/2: RST_STREAM CANCEL on this
     * stream only). Nothing more of the response reaches the client; later calls succeed and do nothing.
     */
    void resetConnection();

    /**
     * Ports {@code IHttpResponse4::ResetStream(ULONG errorCode)}: on HTTP/2, RST_STREAM with this code; on HTTP/1, as
     * {@link #resetConnection()}.
     *
     * @param errorCode the HTTP/2 error code (RFC 9113 §7), 0 or more
     * @throws IllegalArgumentException if the code is negative
     */
    void resetStream(int errorCode);

    /**
     * Ports {@code IHttpResponse4::SetNeedGoAway()}: on HTTP/2, GOAWAY after this stream; on HTTP/1, as
     * {@link #setNeedDisconnect()}.
     */
    void setNeedGoAway();

    /**
     * Ports {@code CloseConnection()}: closes the connection now, without sending the response.
     */
    void closeConnection();
}
