package io.iisport.test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * What the client of one {@link ModuleTestServer} exchange saw: the response, as far as it arrived, and how the
 * connection (HTTP/2: the stream) ended.
 */
public final class ClientResult {
    private final Protocol protocol;
    private final int status;
    private final Map<String, List<String>> headers;
    private final byte[] body;
    private final boolean complete;
    private final ConnectionEnd connectionEnd;
    private final int errorCode;
    private final IntSupplier subStatus;

    ClientResult(Protocol protocol, int status, Map<String, List<String>> headers, byte[] body, boolean complete,
            ConnectionEnd connectionEnd, int errorCode, IntSupplier subStatus) {
        this.protocol = protocol;
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.complete = complete;
        this.connectionEnd = connectionEnd;
        this.errorCode = errorCode;
        this.subStatus = subStatus;
    }

    /** @return the protocol of the exchange */
    public Protocol protocol() {
        return protocol;
    }

    /** @return the status code of the response, or 0 if no response head arrived (a reset or close before it) */
    public int status() {
        return status;
    }

    /**
     * Returns the IIS sub-status the modules set on the response ({@code IHttpResponse.setStatus(status, reason,
     * subStatus)}), as read on the server after every module ran: IIS does not send it on the wire, so this is the
     * one value of the result not seen by the client. The first call waits, at most the server's timeout, for the
     * request to end on the server.
     *
     * @return the sub-status, 0 for none
     * @throws IllegalStateException if the request did not reach the module pipeline within the timeout (the
     * container rejected it before the filter)
     */
    public int subStatus() {
        return subStatus.getAsInt();
    }

    /**
     * @return the response headers, by name in lower case (HTTP/2 sends them so), each with its values in order;
     * empty if no response head arrived
     */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /**
     * @param name the header name, in any case
     * @return the first value of the header, or null if the response has none
     */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** @return the body bytes that arrived, after HTTP/1.1 chunked decoding */
    public byte[] bodyBytes() {
        return body.clone();
    }

    /** @return the body that arrived, decoded as UTF-8 */
    public String body() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** @return whether the whole response arrived (HTTP/1.1: its framing ended; HTTP/2: END_STREAM) */
    public boolean isComplete() {
        return complete;
    }

    /** @return how the connection, or on HTTP/2 the stream, ended */
    public ConnectionEnd connectionEnd() {
        return connectionEnd;
    }

    /**
     * @return the HTTP/2 error code (RFC 9113 §7) of the RST_STREAM or GOAWAY that {@link #connectionEnd()} names,
     * for example 8 for CANCEL; -1 for the other ends
     */
    public int errorCode() {
        return errorCode;
    }

    /** @return the result in one line, for assertion messages */
    @Override
    public String toString() {
        String end = errorCode < 0 ? connectionEnd.name() : connectionEnd + "(" + errorCode + ")";
        return protocol + " " + (status == 0 ? "no response" : status + (complete ? "" : " (incomplete)"))
                + ", " + end + ", headers " + headers + ", body \"" + body() + "\"";
    }
}
