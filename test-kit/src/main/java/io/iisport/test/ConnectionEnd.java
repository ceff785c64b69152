package io.iisport.test;

/**
 * How the connection, or on HTTP/2 the stream, of an exchange ended, as the client saw it on the wire. The
 * {@code IHttpResponse} calls that produce each are in the README's "Connection control" table.
 */
public enum ConnectionEnd {
    /**
     * The connection stayed open after the response: the server neither closed nor reset it within the settle
     * time ({@link ModuleTestServer.Builder#settleTime(java.time.Duration)}); on HTTP/2, no RST_STREAM and no
     * GOAWAY either. A plain response over a persistent connection ends so.
     */
    OPEN,
    /**
     * The server closed the connection gracefully: end of stream ({@code read() == -1}), after the full response
     * ({@code setNeedDisconnect()}) or without one ({@code closeConnection()} on HTTP/1). On HTTP/2, the connection
     * closed with no GOAWAY and no RST_STREAM.
     */
    FIN,
    /** HTTP/1: the server reset the TCP connection ("Connection reset"), as {@code resetConnection()} does. */
    RST,
    /**
     * HTTP/2: the server sent GOAWAY, as {@code setNeedDisconnect()} does; {@link ClientResult#errorCode()} is its
     * error code (0, NO_ERROR, for a graceful one).
     */
    GOAWAY,
    /**
     * HTTP/2: the server reset the request's stream, as {@code resetConnection()} (CANCEL) and
     * {@code resetStream(code)} do; {@link ClientResult#errorCode()} is the RST_STREAM error code. It wins over a
     * GOAWAY that followed it ({@code closeConnection()} sends both).
     */
    RST_STREAM
}
