package io.iisport.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Flush-to-client latency of server-sent events, bare and behind the module filter, side by side: a raw HTTP/1.1
 * client in the server's JVM reads {@link BenchServer.EventStream} and, for each {@code data:} line, takes the time
 * it arrived ({@link System#nanoTime()}) less the time the servlet wrote into the event just before writing and
 * flushing it. Streams alternate bare, filtered, filtered, bare, so that a drift of the machine weighs on both.
 */
final class SseLatency {
    private static final Map<String, String> PATHS = Map.of("bare", "/bare/events", "filter no-op", "/noop/events");

    /** Warm-up: streams of events without a pause, per variant, before the measured ones. */
    private static final int WARM_UP_STREAMS = 10;
    private static final int WARM_UP_EVENTS = 5000;

    private SseLatency() {
    }

    /**
     * Measures both variants.
     *
     * @param server the bench server; bare runs on its bare connector, the filter on its iisport connector
     * @param rounds rounds of bare, filtered, filtered, bare
     * @param events events per stream
     * @param intervalMillis the time between events
     * @return per variant, the latencies in nanoseconds
     * @throws IOException if a stream does not arrive whole
     */
    static Map<String, Histogram> measure(BenchServer server, int rounds, int events, int intervalMillis)
            throws IOException {
        Map<String, Histogram> latencies = new LinkedHashMap<>();
        latencies.put("bare", new Histogram(3));
        latencies.put("filter no-op", new Histogram(3));
        // Warm-up, not recorded: the flush path of each variant compiled by the JIT (C2 compiles a method after about
        // 10,000 calls; a 5 ms stream of 1000 events runs it interpreted or half-compiled and measures the JIT), then
        // one stream at the measured pace.
        for (String variant : latencies.keySet()) {
            for (int i = 0; i < WARM_UP_STREAMS; i++) {
                stream(server, variant, WARM_UP_EVENTS, 0, new Histogram(3));
            }
            stream(server, variant, events, intervalMillis, new Histogram(3));
        }
        for (int round = 0; round < rounds; round++) {
            for (String variant : new String[] {"bare", "filter no-op", "filter no-op", "bare"}) {
                stream(server, variant, events, intervalMillis, latencies.get(variant));
            }
        }
        return latencies;
    }

    private static void stream(BenchServer server, String variant, int events, int intervalMillis, Histogram into)
            throws IOException {
        int port = variant.equals("bare") ? server.bare.getLocalPort() : server.iisport.getLocalPort();
        String request = "GET " + PATHS.get(variant) + "?events=" + events + "&interval=" + intervalMillis
                + " HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n";
        int seen = 0;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b; (b = in.read()) >= 0;) {
                if (b != '\n') {
                    line.write(b);
                    continue;
                }
                String text = line.toString(StandardCharsets.US_ASCII).trim();
                line.reset();
                if (text.startsWith("data: ")) {
                    long arrived = System.nanoTime();
                    into.recordValue(Math.max(0, arrived - Long.parseLong(text.substring(6))));
                    seen++;
                }
            }
        }
        if (seen != events) {
            throw new IOException(variant + ": " + seen + " of " + events + " events arrived");
        }
    }

    /**
     * The report's section.
     *
     * @param latencies per variant, in nanoseconds
     * @param rounds rounds of bare, filtered, filtered, bare
     * @param events events per stream
     * @param intervalMillis the time between events
     * @return Markdown
     */
    static String report(Map<String, Histogram> latencies, int rounds, int events, int intervalMillis) {
        StringBuilder b = new StringBuilder();
        b.append("## Server-sent events: flush-to-client latency (HTTP/1.1)\n\n");
        b.append("A servlet writes `data: <System.nanoTime()>` through `getWriter()` and flushes, every ")
                .append(intervalMillis).append(" ms, ").append(events).append(" events a stream; a raw socket client ")
                .append("in the same JVM takes each event's arrival time less the time written in it. ").append(rounds)
                .append(" rounds of bare, filter no-op, filter no-op, bare, after a warm-up of ")
                .append(WARM_UP_STREAMS * WARM_UP_EVENTS).append(" events without a pause per variant (so that the ")
                .append("JIT has compiled each flush path: without it, this measures the interpreter); server and client ")
                .append("on all CPUs. Goal: the filter within 1.1× bare + 50 µs.\n\n");
        b.append("| variant | events | p50 µs | p99 µs | max µs |\n|---|---:|---:|---:|---:|\n");
        for (Map.Entry<String, Histogram> row : latencies.entrySet()) {
            Histogram h = row.getValue();
            b.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f |%n", row.getKey(), h.getTotalCount(),
                    h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3));
        }
        Histogram bare = latencies.get("bare");
        Histogram filter = latencies.get("filter no-op");
        b.append(String.format(Locale.ROOT, "%nGoal (1.1× bare + 50 µs): p50 %.1f ≤ %.1f µs %s, p99 %.1f ≤ %.1f µs %s.%n",
                filter.getValueAtPercentile(50) / 1e3, goal(bare, 50), met(filter, bare, 50),
                filter.getValueAtPercentile(99) / 1e3, goal(bare, 99), met(filter, bare, 99)));
        return b.toString();
    }

    private static double goal(Histogram bare, double percentile) {
        return 1.1 * bare.getValueAtPercentile(percentile) / 1e3 + 50;
    }

    private static String met(Histogram filter, Histogram bare, double percentile) {
        return filter.getValueAtPercentile(percentile) / 1e3 <= goal(bare, percentile) ? "met" : "**not met**";
    }
}
