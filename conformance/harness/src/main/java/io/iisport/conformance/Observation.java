package io.iisport.conformance;

import java.util.List;

/**
 * What a client saw of one exchange: the response as it came off the wire, before any normalisation.
 *
 * @param status the final status code; 0 when no response arrived
 * @param interim the interim (1xx) status codes before the final response, space-separated, or ""
 * @param headers the final response's header fields, in order
 * @param body the body bytes after transfer decoding (de-chunked; HTTP/2 DATA payloads); for a WebSocket, the
 *        echoed message
 * @param framing how the body was delimited
 * @param trailers trailer fields, in order
 * @param end how the exchange ended: for HTTP/1, whether the connection stayed open for the next request
 * @param arrivals when body bytes arrived, in order: each the body length so far and the milliseconds since the
 *        request was sent
 */
public record Observation(int status, String interim, List<Field> headers, byte[] body, Framing framing,
        List<Field> trailers, String end, List<Arrival> arrivals) {

    /** A header or trailer field as received. */
    public record Field(String name, String value) {
        @Override
        public String toString() {
            return name + ": " + value;
        }
    }

    /** Body bytes {@code [0, bodyLength)} had arrived {@code millis} after the request was sent. */
    public record Arrival(long bodyLength, double millis) {
    }

    /** How the body was delimited on the wire (RFC 9112 section 6.3; RFC 9113 section 8.1). */
    public enum Framing {
        /** No body by rule: a response to HEAD, 1xx, 204, 304. */
        NO_BODY,
        /** HTTP/1 Content-Length, or an HTTP/2 content-length field. */
        CONTENT_LENGTH,
        /** HTTP/1.1 chunked transfer coding. */
        CHUNKED,
        /** HTTP/1 body delimited by the close of the connection. */
        UNTIL_CLOSE,
        /** HTTP/2 DATA frames without a content-length field. */
        STREAM,
        /** No response, or not an HTTP message (a WebSocket). */
        NONE
    }

    /** @return the first value of the named field (case-insensitive), or {@code null} */
    public String header(String name) {
        for (Field field : headers) {
            if (field.name().equalsIgnoreCase(name)) {
                return field.value();
            }
        }
        return null;
    }

    /** @return when the body's first {@code length} bytes had all arrived, in ms; NaN if they never did */
    public double arrivalOf(long length) {
        for (Arrival arrival : arrivals) {
            if (arrival.bodyLength() >= length) {
                return arrival.millis();
            }
        }
        return Double.NaN;
    }
}
