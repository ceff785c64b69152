package io.iisport.conformance;

import java.util.ArrayList;
import java.util.List;

/**
 * One behaviour of the catalogue: a stable name (the ledger refers to it), what it exercises, how it is requested,
 * and what is compared beyond status, headers, body, trailers and the connection's end.
 *
 * @param name stable, dotted, unique
 * @param summary what the servlet does
 * @param probe how the client sends the request and observes the answer
 * @param filteredPrefix the prefix behind the filter: {@code /f}, {@code /z} (responseBufferLimit=0), {@code /l} (a
 *     module that leaves the servlet the container's own objects), or {@code /d} (a module calling
 *     {@code setNeedDisconnect()} at BEGIN_REQUEST; the WebSocket endpoint only)
 * @param framing whether the servlet or the protocol fixed the framing, so Content-Length vs chunked is compared
 * @param pieceDelimiter for flushing cases, what ends each flushed piece ({@code null}: arrival times not compared)
 * @param pieceSize for flushing cases without a delimiter, the size of each flushed piece (0: none)
 * @param servletMinor the least Servlet 6 minor version the container must implement (1: the case calls Servlet
 *     6.1's API; 0: any Servlet 6 container); on an older one the case is skipped
 */
public record Case(String name, String summary, Probe probe, String filteredPrefix, boolean framing,
        String pieceDelimiter, int pieceSize, int servletMinor) {

    /** A case for any Servlet 6 container. */
    public Case(String name, String summary, Probe probe, String filteredPrefix, boolean framing,
            String pieceDelimiter, int pieceSize) {
        this(name, summary, probe, filteredPrefix, framing, pieceDelimiter, pieceSize, 0);
    }

    /** @return this case with its framing compared */
    public Case framed() {
        return new Case(name, summary, probe, filteredPrefix, true, pieceDelimiter, pieceSize, servletMinor);
    }

    /** @return this case with the arrival of each piece ending with {@code delimiter} compared (and framing) */
    public Case timedBy(String delimiter) {
        return new Case(name, summary, probe, filteredPrefix, true, delimiter, 0, servletMinor);
    }

    /** @return this case with the arrival of every {@code size} bytes compared (and framing) */
    public Case timedEvery(int size) {
        return new Case(name, summary, probe, filteredPrefix, true, null, size, servletMinor);
    }

    /** @return this case compared against the filter with responseBufferLimit=0 ({@code /z}) */
    public Case unbuffered() {
        return new Case(name, summary, probe, "/z", framing, pieceDelimiter, pieceSize, servletMinor);
    }

    /**
     * @return this case, named {@code direct.<name>}, compared against the filter with a module that leaves the
     *     servlet the container's own objects ({@code /l}: the filter's direct path)
     */
    public Case direct() {
        return new Case("direct." + name, summary, probe, "/l", framing, pieceDelimiter, pieceSize, servletMinor);
    }

    /** @return this case compared against the filter with a module that calls setNeedDisconnect() ({@code /d}) */
    public Case needDisconnect() {
        return new Case(name, summary, probe, "/d", framing, pieceDelimiter, pieceSize, servletMinor);
    }

    /** @return this case for Servlet 6.1 containers only (Jetty ee11, Tomcat 11): skipped on Servlet 6.0 ones */
    public Case servlet61() {
        return new Case(name, summary, probe, filteredPrefix, framing, pieceDelimiter, pieceSize, 1);
    }

    /** @return whether the arrival times of flushed pieces are compared */
    public boolean timed() {
        return pieceDelimiter != null || pieceSize > 0;
    }

    /** @return the body lengths at which each flushed piece is complete, found in the bare body */
    public List<Long> pieceEnds(byte[] body) {
        List<Long> ends = new ArrayList<>();
        if (pieceSize > 0) {
            for (long end = pieceSize; end <= body.length; end += pieceSize) {
                ends.add(end);
            }
        } else if (pieceDelimiter != null) {
            byte[] delimiter = pieceDelimiter.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            for (int i = 0; i + delimiter.length <= body.length; i++) {
                if (java.util.Arrays.equals(body, i, i + delimiter.length, delimiter, 0, delimiter.length)) {
                    ends.add((long) i + delimiter.length);
                    i += delimiter.length - 1;
                }
            }
        }
        return ends;
    }
}
