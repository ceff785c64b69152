package io.iisport.bench;

import static io.iisport.bench.LoadTools.CLIENT_CPU;
import static io.iisport.bench.LoadTools.median;
import static io.iisport.bench.LoadTools.run;

import io.iisport.bench.LoadTools.Result;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The load benchmarks: bare Jetty against the module filter, side by side in one server, driven by wrk (HTTP/1.1)
 * and h2load (h2c); the sample WAR as users deploy it (see {@link WarBenchmarks}); the connection actions driven by a
 * socket client; server-sent event latency (see {@link SseLatency}); writes a Markdown report.
 *
 * <p>Arguments: {@code --duration SECONDS} (per run, default 8), {@code --rounds N} (default 2; the WAR path runs one
 * more), {@code --actions N} (connections per action, default 10000), {@code --out FILE} (default
 * docs/BENCHMARKS.md), {@code --sample-server JAR} (default sample-server/target/iisport-sample-server.jar).
 */
public final class LoadBenchmarks {
    private static final String[] VARIANTS = {"bare", "bare+extension", "empty filter", "filter no-op",
        "filter unbuffered"};

    private final BenchServer server;
    private final int duration;

    private LoadBenchmarks(BenchServer server, int duration) {
        this.server = server;
        this.duration = duration;
    }

    private String url(String variant, String size) {
        int port = variant.equals("bare") ? server.bare.getLocalPort() : server.iisport.getLocalPort();
        String path = switch (variant) {
            case "filter no-op" -> "/noop/";
            case "filter unbuffered" -> "/streaming/";
            case "empty filter" -> "/empty-filter/";
            default -> "/bare/";
        };
        return "http://127.0.0.1:" + port + path + size;
    }

    /** Runs a scenario for every variant, rounds times, rotating the order; returns the median per variant. */
    private Map<String, Result> scenario(String name, Scenario scenario, int rounds) throws Exception {
        for (String variant : VARIANTS) {
            scenario.run(variant, Math.max(5, duration / 2)); // warm-up (JIT), not recorded
        }
        Map<String, List<Result>> results = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < VARIANTS.length; i++) {
                String variant = VARIANTS[(i + round) % VARIANTS.length];
                Result result = scenario.run(variant, duration);
                System.out.printf(Locale.ROOT, "%s round %d %-18s %10.0f req/s p50 %8.0f us p99 %8.0f us errors %d%n",
                        name, round + 1, variant, result.rps(), result.p50(), result.p99(), result.errors());
                results.computeIfAbsent(variant, v -> new ArrayList<>()).add(result);
            }
        }
        Map<String, Result> medians = new LinkedHashMap<>();
        for (String variant : VARIANTS) {
            List<Result> all = results.get(variant);
            medians.put(variant, new Result(median(all.stream().mapToDouble(Result::rps).toArray()),
                    median(all.stream().mapToDouble(Result::p50).toArray()),
                    median(all.stream().mapToDouble(Result::p99).toArray()),
                    all.stream().mapToLong(Result::errors).sum()));
        }
        return medians;
    }

    interface Scenario {
        Result run(String variant, int seconds) throws Exception;
    }

    // ---------------------------------------------------------------- connection actions

    /** Connections per second of one kind, and for resets the delay from resetConnection() returning to the RST. */
    record ActionResult(double perSecond, long unexpected, Histogram delayMicros, int endPointsBefore,
            int endPointsAfter) {
    }

    private enum Action { PLAIN_CLOSE, DISCONNECT, RESET }

    private ActionResult actions(Action action, int count) throws IOException {
        org.eclipse.jetty.server.ServerConnector connector = action == Action.PLAIN_CLOSE ? server.bare : server.iisport;
        int port = connector.getLocalPort();
        int endPointsBefore = connector.getConnectedEndPoints().size();
        String request = switch (action) {
            case PLAIN_CLOSE -> "GET /bare/small HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n";
            case DISCONNECT -> "GET /disconnect/small HTTP/1.1\r\nHost: bench\r\n\r\n";
            case RESET -> "GET /reset/small HTTP/1.1\r\nHost: bench\r\n\r\n";
        };
        byte[] bytes = request.getBytes(StandardCharsets.US_ASCII);
        byte[] buffer = new byte[4096];
        Histogram delays = new Histogram(3);
        BenchModules.RESET_RETURNED.clear();
        long unexpected = 0;
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write(bytes);
                out.flush();
                InputStream in = socket.getInputStream();
                boolean reset = false;
                try {
                    while (in.read(buffer) >= 0) {
                        // read the response to the end
                    }
                } catch (SocketException e) {
                    long seen = System.nanoTime();
                    reset = true;
                    Long returned = BenchModules.RESET_RETURNED.poll();
                    if (returned != null) {
                        delays.recordValue(Math.max(0, (seen - returned) / 1_000));
                    }
                }
                if (reset != (action == Action.RESET)) {
                    unexpected++;
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // The server closes its side asynchronously: give it a bounded moment to settle before counting.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (connector.getConnectedEndPoints().size() > endPointsBefore && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new ActionResult(count / seconds, unexpected, delays, endPointsBefore,
                connector.getConnectedEndPoints().size());
    }

    // ---------------------------------------------------------------- report

    private static final int SSE_EVENTS = 200;
    private static final int SSE_INTERVAL = 5;

    public static void main(String[] args) throws Exception {
        int duration = 8;
        int rounds = 2;
        int actionCount = 10_000;
        Path out = Path.of("docs", "BENCHMARKS.md");
        Path war = Path.of("sample-server", "target", "iisport-sample-server.jar");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--duration" -> duration = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--actions" -> actionCount = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--sample-server" -> war = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (expected --duration, --rounds, --actions, --out, --sample-server)");
            }
        }
        String loadBefore = loadAverage();
        BenchServer server = new BenchServer("127.0.0.1", 0, 0).start();
        try {
            LoadBenchmarks bench = new LoadBenchmarks(server, duration);
            Map<String, Map<String, Result>> load = new LinkedHashMap<>();
            load.put("HTTP/1.1 keep-alive, 13 B (wrk, 32 connections)",
                    bench.scenario("h1-small", (v, s) -> LoadTools.wrk(bench.url(v, "small"), 32, s), rounds));
            load.put("h2c, 13 B (h2load, 8 connections x 16 streams)",
                    bench.scenario("h2c-small", (v, s) -> LoadTools.h2load(bench.url(v, "small"), 8, 16, s), rounds));
            load.put("HTTP/1.1 keep-alive, 1 MiB (wrk, 8 connections)",
                    bench.scenario("h1-1m", (v, s) -> LoadTools.wrk(bench.url(v, "1m"), 8, s), rounds));

            // The sample WAR in its own JVM, which inherits this one's CPU.
            List<WarBenchmarks.Protocol> warPath = WarBenchmarks.measureBoth(war, duration, rounds + 1);

            if (CLIENT_CPU != null && !CLIENT_CPU.isBlank()) {
                // The action client runs in this JVM: give every thread all CPUs again, so client and server do
                // not take turns on one CPU.
                run(List.of("sh", "-c", "taskset -a -p -c 0-$(( $(nproc --all) - 1 )) "
                        + ProcessHandle.current().pid()));
            }
            bench.actions(Action.PLAIN_CLOSE, Math.min(1000, actionCount)); // warm-up
            bench.actions(Action.DISCONNECT, Math.min(1000, actionCount));
            bench.actions(Action.RESET, Math.min(1000, actionCount));
            Map<Action, ActionResult> actions = new LinkedHashMap<>();
            for (Action action : Action.values()) {
                actions.put(action, bench.actions(action, actionCount));
                System.out.printf(Locale.ROOT, "%s %.0f/s unexpected %d%n", action, actions.get(action).perSecond(),
                        actions.get(action).unexpected());
            }
            Map<String, org.HdrHistogram.Histogram> events = SseLatency.measure(server, rounds, SSE_EVENTS, SSE_INTERVAL);
            String report = report(load, actions, duration, rounds, actionCount, loadBefore, loadAverage())
                    + "\n" + WarBenchmarks.report(warPath, duration, rounds + 1)
                    + "\n" + SseLatency.report(events, rounds, SSE_EVENTS, SSE_INTERVAL);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, report);
            System.out.println(report);
        } finally {
            server.stop();
        }
    }

    private static String report(Map<String, Map<String, Result>> load, Map<Action, ActionResult> actions,
            int duration, int rounds, int actionCount, String loadBefore, String loadAfter) throws Exception {
        StringBuilder b = new StringBuilder();
        b.append("# Benchmarks\n\n");
        b.append("Made by `benchmarks/run.sh` (see its header for options). Machine: ").append(machine()).append(".\n\n");
        b.append("Load average (1, 5, 15 min, `/proc/loadavg`): ").append(loadBefore).append(" at the start, ")
                .append(loadAfter).append(" at the end: above the number of cores, other work competed for the CPUs and ")
                .append("every figure below is slower and noisier than on an idle machine; compare within a table.\n\n");
        b.append("## The filter against bare Jetty\n\n");
        b.append("One Jetty ").append(org.eclipse.jetty.util.Jetty.VERSION).append(" server, one servlet, side by side: ")
                .append("**bare** (a connector of plain Jetty, no filter), **bare+extension** (a connector with ")
                .append("`IisportConnectionCustomizer`, no filter), **empty filter** (that connector, a servlet filter that ")
                .append("only calls the chain: what any filter costs), **filter no-op** (that connector, `IisModuleFilter` with ")
                .append("a module doing nothing in RQ_BEGIN_REQUEST, default buffering) and **filter unbuffered** (the same ")
                .append("with `responseBufferLimit=0`). Each run lasts ").append(duration).append(" s after a warm-up; ")
                .append(rounds).append(" rounds in rotating order; medians shown. ")
                .append(CLIENT_CPU != null && !CLIENT_CPU.isBlank()
                        ? "The server's JVM is pinned to CPU 0 and the load tool to CPU " + CLIENT_CPU + " (taskset).\n\n"
                        : "Load tools and server share the machine's cores.\n\n");
        b.append("Reading the ratios: on a small shared machine the same variant moves between runs (here up to about ")
                .append("10% for small responses and 20% for 1 MiB), so a ratio within that of 1.0 is no difference; the ")
                .append("**empty filter** row is the reference for what any servlet filter costs.\n\n");
        for (Map.Entry<String, Map<String, Result>> scenario : load.entrySet()) {
            b.append("### ").append(scenario.getKey()).append("\n\n");
            b.append("| variant | requests/s | × bare | p50 µs | × bare | p99 µs | × bare | errors |\n");
            b.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
            Result base = scenario.getValue().get("bare");
            for (Map.Entry<String, Result> row : scenario.getValue().entrySet()) {
                Result r = row.getValue();
                b.append(String.format(Locale.ROOT, "| %s | %.0f | %.3f | %.0f | %.2f | %.0f | %.2f | %d |%n",
                        row.getKey(), r.rps(), r.rps() / base.rps(), r.p50(), r.p50() / base.p50(), r.p99(),
                        r.p99() / base.p99(), r.errors()));
            }
            b.append('\n');
        }
        b.append("## Connection actions (HTTP/1.1, one client thread, ").append(actionCount).append(" connections each)\n\n");
        b.append("The client runs in the server's JVM (so that both read one clock), on all CPUs; each connection sends ")
                .append("one request and reads until the end, then the next connection opens.\n\n");
        b.append("| action | connections/s | × plain close | unexpected endings | open endpoints before → after |\n");
        b.append("|---|---:|---:|---:|---|\n");
        double plain = actions.get(Action.PLAIN_CLOSE).perSecond();
        for (Map.Entry<Action, ActionResult> row : actions.entrySet()) {
            String name = switch (row.getKey()) {
                case PLAIN_CLOSE -> "bare Jetty, `Connection: close` (FIN)";
                case DISCONNECT -> "`setNeedDisconnect()` (FIN after the response)";
                case RESET -> "`resetConnection()` (TCP RST)";
            };
            ActionResult r = row.getValue();
            b.append(String.format(Locale.ROOT, "| %s | %.0f | %.2f | %d | %d → %d |%n", name, r.perSecond(),
                    r.perSecond() / plain, r.unexpected(), r.endPointsBefore(), r.endPointsAfter()));
        }
        Histogram delays = actions.get(Action.RESET).delayMicros();
        b.append(String.format(Locale.ROOT, "%nDelay from `resetConnection()` returning in the module to the client's read "
                        + "failing with \"Connection reset\" (same JVM, `System.nanoTime`): p50 %d µs, p99 %d µs, max %d µs "
                        + "over %d resets.%n",
                delays.getValueAtPercentile(50), delays.getValueAtPercentile(99), delays.getMaxValue(),
                delays.getTotalCount()));
        return b.toString();
    }

    /** @return the 1, 5 and 15 minute load averages, or "unknown" */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + ", " + fields[1] + ", " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String machine() throws Exception {
        String cpu = "unknown CPU";
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.exists(cpuinfo)) {
            for (String line : Files.readAllLines(cpuinfo)) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        }
        return run(List.of("nproc", "--all")).trim() + " cores (" + cpu + "), "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB max heap, Java "
                + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " "
                + System.getProperty("os.version");
    }
}
