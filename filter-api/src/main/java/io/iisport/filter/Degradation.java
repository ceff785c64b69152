package io.iisport.filter;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the connection actions one filter could not carry out as asked because the container offers no
 * iisport extension, and logs one WARNING per kind at first use, naming what to install.
 */
final class Degradation {
    private static final System.Logger LOG = System.getLogger(Degradation.class.getName());

    /** What could not be done as asked. */
    enum Kind {
        DISCONNECT_COMMITTED("setNeedDisconnect() after the response was committed cannot add Connection: close; "
                + "the connection stays open"),
        DISCONNECT_HTTP2("setNeedDisconnect()/setNeedGoAway() on HTTP/2 cannot send GOAWAY (HTTP/2 drops "
                + "Connection: close); the stream completes and the session stays open"),
        RESET("resetConnection()/resetStream() cannot reset the connection; the client receives an empty 500 "
                + "response with Connection: close instead (HTTP/2: an empty 500 that ends the stream), or an "
                + "aborted response if it was already committed"),
        CLOSE("closeConnection() cannot close the connection at once; the client receives an empty 500 response "
                + "with Connection: close instead (HTTP/2: an empty 500 that ends the stream), or an aborted "
                + "response if it was already committed"),
        AFTER_SEND("resetConnection()/resetStream()/closeConnection() after the response was sent whole cannot "
                + "undo it; the connection stays open");

        final String consequence;

        Kind(String consequence) {
            this.consequence = consequence;
        }
    }

    private final String filterName;
    private final LongAdder count = new LongAdder();
    private final AtomicBoolean[] warned = new AtomicBoolean[Kind.values().length];

    Degradation(String filterName) {
        this.filterName = filterName;
        for (int i = 0; i < warned.length; i++) {
            warned[i] = new AtomicBoolean();
        }
    }

    void record(Kind kind) {
        count.increment();
        if (warned[kind.ordinal()].compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "iisport filter '" + filterName + "': " + kind.consequence
                    + ". Install the iisport extension of your container at server level (Jetty 12: "
                    + "iisport-jetty-extension, --add-modules=iisport; Tomcat: iisport-tomcat-extension, its Valve in "
                    + "server.xml) for the real behaviour. Logged once; degraded calls are counted.");
        }
    }

    long count() {
        return count.sum();
    }
}
