package io.iisport.bench;

import static io.iisport.bench.LoadTools.CLIENT_CPU;
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
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * The load benchmarks: bare Jetty against the module filter, side by side in one server, driven by wrk (HTTP/1.1)
 * and h2load (h2c); the same for bare Tomcat (see {@link TomcatBenchServer}); the sample WAR as users deploy it (see {@link WarBenchmarks}); the connection actions driven by a
 * socket client, on Jetty and on Tomcat; server-sent event latency (see {@link SseLatency}); writes a Markdown report.
 *
 * <p>Arguments: {@code --duration SECONDS} (per run, default 8), {@code --rounds N} (default 2; the WAR path runs one
 * more), {@code --actions N} (connections per action, default 10000), {@code --out FILE} (default
 * docs/BENCHMARKS.md), {@code --sample-server JAR} (default sample-server/target/iisport-sample-server.jar).
 */
public final class LoadBenchmarks {
    private static final List<String> VARIANTS = List.of("bare", "bare+extension", "empty filter", "filter no-op",
            "filter unbuffered");
    private static final List<String> TOMCAT_VARIANTS = List.of("bare", "bare+valve", "filter no-op");

    private final BenchServer server;
    private final int duration;

    private final TomcatBenchServer tomcat;

    private LoadBenchmarks(BenchServer server, TomcatBenchServer tomcat, int duration) {
        this.server = server;
        this.tomcat = tomcat;
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

    private String tomcatUrl(String variant, String size) {
        int port = variant.equals("bare") ? tomcat.bare.getLocalPort() : tomcat.iisport.getLocalPort();
        return "http://127.0.0.1:" + port + (variant.equals("filter no-op") ? "/noop/" : "/bare/") + size;
    }

    /**
     * Runs a scenario for every variant, rounds times, rotating the order.
     *
     * @return per variant, in the order given, its result in each round (index = round)
     */
    private Map<String, List<Result>> scenario(String name, List<String> variants, Scenario scenario, int rounds)
            throws Exception {
        return scenario(name, variants, scenario, rounds, Math.max(5, duration / 2));
    }

    /**
     * As {@link #scenario(String, List, Scenario, int)}, with {@code warmUpSeconds} of warm-up (JIT) per variant,
     * not recorded.
     */
    private Map<String, List<Result>> scenario(String name, List<String> variants, Scenario scenario, int rounds,
            int warmUpSeconds) throws Exception {
        for (String variant : variants) {
            scenario.run(variant, warmUpSeconds);
        }
        Map<String, List<Result>> results = new LinkedHashMap<>();
        for (String variant : variants) {
            results.put(variant, new ArrayList<>());
        }
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < variants.size(); i++) {
                String variant = variants.get((i + round) % variants.size());
                Result result = scenario.run(variant, duration);
                System.out.printf(Locale.ROOT, "%s round %d %-18s %10.0f req/s p50 %8.0f us p99 %8.0f us errors %d%n",
                        name, round + 1, variant, result.rps(), result.p50(), result.p99(), result.errors());
                results.get(variant).add(result);
            }
        }
        return results;
    }

    interface Scenario {
        Result run(String variant, int seconds) throws Exception;
    }

    // ---------------------------------------------------------------- connection actions

    /** Connections per second of one kind, and for resets the delay from resetConnection() returning to the RST. */
    record ActionResult(double perSecond, long unexpected, Histogram delayMicros, long endPointsBefore,
            long endPointsAfter) {
    }

    private enum Action { PLAIN_CLOSE, DISCONNECT, RESET }

    /** A connector to drive actions against: its port and how many connections it holds open now. */
    record ActionTarget(int port, LongSupplier openEndPoints) {
    }

    private ActionTarget jettyTarget(Action action) {
        org.eclipse.jetty.server.ServerConnector connector = action == Action.PLAIN_CLOSE ? server.bare : server.iisport;
        return new ActionTarget(connector.getLocalPort(), () -> connector.getConnectedEndPoints().size());
    }

    private ActionTarget tomcatTarget(Action action) {
        org.apache.catalina.connector.Connector connector = action == Action.PLAIN_CLOSE ? tomcat.bare : tomcat.iisport;
        return new ActionTarget(connector.getLocalPort(), () -> TomcatBenchServer.openConnections(connector));
    }

    /** Warms up, then measures count connections of each action; plain closes go to the bare connector. */
    private static Map<Action, ActionResult> actions(String server, Function<Action, ActionTarget> targets, int count)
            throws IOException {
        for (Action action : Action.values()) {
            actions(action, targets.apply(action), Math.min(1000, count)); // warm-up
        }
        Map<Action, ActionResult> results = new LinkedHashMap<>();
        for (Action action : Action.values()) {
            ActionResult result = actions(action, targets.apply(action), count);
            results.put(action, result);
            System.out.printf(Locale.ROOT, "%s %s %.0f/s unexpected %d%n", server, action, result.perSecond(),
                    result.unexpected());
        }
        return results;
    }

    private static ActionResult actions(Action action, ActionTarget target, int count) throws IOException {
        int port = target.port();
        long endPointsBefore = target.openEndPoints().getAsLong();
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
        while (target.openEndPoints().getAsLong() > endPointsBefore && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new ActionResult(count / seconds, unexpected, delays, endPointsBefore,
                target.openEndPoints().getAsLong());
    }

    // ---------------------------------------------------------------- report

    /**
     * Events a stream: 1000. With {@link #SSE_ROUNDS_PER_ROUND} rounds of two streams a variant per {@code --rounds}
     * (the default gives 8000 events a variant), a variant's p99 rests on 80 events, not on a dozen: a single stall
     * of the machine in one stream does not decide it.
     */
    private static final int SSE_EVENTS = 1000;
    /** SSE rounds (bare, filtered, filtered, bare) per {@code --rounds}. */
    private static final int SSE_ROUNDS_PER_ROUND = 2;
    /** Warm-up per variant on Tomcat, in seconds: its h2c path kept speeding up for minutes after 5 s. */
    private static final int TOMCAT_WARM_UP_SECONDS = 30;
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
        TomcatBenchServer tomcat = null;
        try {
            tomcat = new TomcatBenchServer("127.0.0.1").start();
            LoadBenchmarks bench = new LoadBenchmarks(server, tomcat, duration);
            Map<String, Map<String, List<Result>>> load = new LinkedHashMap<>();
            load.put(H1_SMALL, bench.scenario("h1-small", VARIANTS,
                    (v, s) -> LoadTools.wrk(bench.url(v, "small"), 32, s), rounds));
            load.put(H2C_SMALL, bench.scenario("h2c-small", VARIANTS,
                    (v, s) -> LoadTools.h2load(bench.url(v, "small"), 8, 16, s), rounds));
            load.put("HTTP/1.1 keep-alive, 1 MiB (wrk, 8 connections)", bench.scenario("h1-1m", VARIANTS,
                    (v, s) -> LoadTools.wrk(bench.url(v, "1m"), 8, s), rounds));
            Map<String, Map<String, List<Result>>> tomcatLoad = new LinkedHashMap<>();
            tomcatLoad.put(H1_SMALL, bench.scenario("tomcat-h1-small", TOMCAT_VARIANTS,
                    (v, s) -> LoadTools.wrk(bench.tomcatUrl(v, "small"), 32, s), rounds, TOMCAT_WARM_UP_SECONDS));
            tomcatLoad.put(H2C_SMALL, bench.scenario("tomcat-h2c-small", TOMCAT_VARIANTS,
                    (v, s) -> LoadTools.h2load(bench.tomcatUrl(v, "small"), 8, 16, s), rounds,
                    TOMCAT_WARM_UP_SECONDS));

            // The sample WAR in its own JVM, which inherits this one's CPU.
            // Short runs in ABBA blocks (see WarBenchmarks): about as long as the other sections.
            int warSeconds = Math.max(1, duration / 8);
            int warBlocks = 6 * rounds;
            // And each variant alternating with plain in short phases (see WarBenchmarks.alternate, alternateH2c).
            int warAlternate = 60 * rounds;
            // Shared among server JVMs started afresh: the JIT's decisions differ between starts and move a ratio by
            // a few percent (per-JVM means 0.94-0.99 in one run), so three are too few for a 3 % goal.
            int warServers = 6;
            List<WarBenchmarks.Protocol> warPath = WarBenchmarks.measureBoth(war, warSeconds, warBlocks,
                    warAlternate, warServers);

            if (CLIENT_CPU != null && !CLIENT_CPU.isBlank()) {
                // The action client runs in this JVM: give every thread all CPUs again, so client and server do
                // not take turns on one CPU.
                run(List.of("sh", "-c", "taskset -a -p -c 0-$(( $(nproc --all) - 1 )) "
                        + ProcessHandle.current().pid()));
            }
            Map<Action, ActionResult> actions = actions("jetty", bench::jettyTarget, actionCount);
            Map<Action, ActionResult> tomcatActions = actions("tomcat", bench::tomcatTarget, actionCount);
            tomcat.stop();
            tomcat = null;
            int sseRounds = SSE_ROUNDS_PER_ROUND * rounds;
            Map<String, org.HdrHistogram.Histogram> events = SseLatency.measure(server, sseRounds, SSE_EVENTS,
                    SSE_INTERVAL);
            String report = report(load, actions, duration, rounds, actionCount, loadBefore, loadAverage())
                    + "\n" + tomcatReport(tomcatLoad, tomcatActions, duration, rounds, actionCount)
                    + "\n" + WarBenchmarks.report(warPath, warSeconds, warAlternate, warServers)
                    + "\n" + SseLatency.report(events, sseRounds, SSE_EVENTS, SSE_INTERVAL);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, report);
            System.out.println(report);
        } finally {
            try {
                if (tomcat != null) {
                    tomcat.stop();
                }
            } finally {
                server.stop();
            }
        }
    }

    private static final String H1_SMALL = "HTTP/1.1 keep-alive, 13 B (wrk, 32 connections)";
    private static final String H2C_SMALL = "h2c, 13 B (h2load, 8 connections x 16 streams)";

    private static String report(Map<String, Map<String, List<Result>>> load, Map<Action, ActionResult> actions,
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
                .append("a module subscribed to every notification, doing nothing, default buffering) and **filter unbuffered** (the same ")
                .append("with `responseBufferLimit=0`). ");
        method(b, duration, rounds);
        b.append(READING_RATIOS).append("The **empty filter** row is the reference for what any servlet filter ")
                .append("costs.\n\n");
        loadTables(b, load);
        b.append("## Connection actions (HTTP/1.1, one client thread, ").append(actionCount).append(" connections each)\n\n");
        b.append("The client runs in the server's JVM (so that both read one clock), on all CPUs; each connection sends ")
                .append("one request and reads until the end, then the next connection opens.\n\n");
        actionTable(b, "bare Jetty", actions);
        return b.toString();
    }

    private static String tomcatReport(Map<String, Map<String, List<Result>>> load, Map<Action, ActionResult> actions,
            int duration, int rounds, int actionCount) {
        StringBuilder b = new StringBuilder();
        b.append("## The filter against bare Tomcat\n\n");
        b.append("One embedded Tomcat ").append(org.apache.catalina.util.ServerInfo.getServerInfo().replace("Apache Tomcat/", ""))
                .append(" (10.1, Servlet 6.0, like Jetty's ee10 in the same JVM), two services side by side, each with ")
                .append("its own connector (HTTP/1.1, h2c through `Http2Protocol`, `maxKeepAliveRequests=-1` as Jetty) ")
                .append("and the same servlet as above: **bare** (plain Tomcat, no filter), **bare+valve** (the service ")
                .append("whose engine has `IisportConnectionValve`, no filter) and **filter no-op** (that service, ")
                .append("`IisModuleFilter` with the no-op module, default buffering). It runs in the Jetty server's JVM ")
                .append("after the Jetty tables, with the Jetty server idle. ");
        method(b, duration, rounds);
        b.append("The warm-up is ").append(TOMCAT_WARM_UP_SECONDS).append(" s per variant here: Tomcat's h2c path ")
                .append("kept speeding up for minutes after a shorter one (the JIT shares the server's CPU). ");
        b.append(READING_RATIOS).append("These tables ran under the same shared load as the Jetty ones (the load ")
                .append("average at the top).\n\n");
        loadTables(b, load);
        b.append("### Connection actions on Tomcat (HTTP/1.1, one client thread, ").append(actionCount)
                .append(" connections each)\n\n");
        b.append("As for Jetty: a plain close goes to the bare service, the disconnect and reset modules run behind the ")
                .append("filter in the service with the Valve; open endpoints are the connector's connection count, which ")
                .append("includes the slot Tomcat's acceptor reserves before each accept (an idle connector counts 1).\n\n");
        actionTable(b, "bare Tomcat", actions);
        return b.toString();
    }

    private static final String READING_RATIOS = "Reading the ratios: on a small shared machine the same variant "
            + "moves between runs, sometimes by tens of percent (**bare+extension** and **bare+valve** add work to "
            + "each request and cannot be faster than bare: a ratio above 1.0 there is noise); the **× bare per "
            + "round** column shows how far each comparison moved, and a ratio whose range holds 1.0 is no difference "
            + "measurable here. ";

    private static void method(StringBuilder b, int duration, int rounds) {
        b.append("Each run lasts ").append(duration).append(" s after a warm-up; ").append(rounds)
                .append(" rounds in rotating order; medians shown, and for requests/s the ratio to bare of each round ")
                .append("as median (min–max). ")
                .append(LoadTools.pinned()
                        ? "The server's JVM is pinned to CPU 0 and the load tool to CPU " + CLIENT_CPU + " (taskset).\n\n"
                        : "Load tools and server share the machine's cores.\n\n");
    }

    private static void loadTables(StringBuilder b, Map<String, Map<String, List<Result>>> load) {
        for (Map.Entry<String, Map<String, List<Result>>> scenario : load.entrySet()) {
            b.append("### ").append(scenario.getKey()).append("\n\n");
            b.append("| variant | requests/s | × bare | × bare per round | p50 µs | × bare | p99 µs | × bare | errors |\n");
            b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            List<Result> bareRounds = scenario.getValue().get("bare");
            Result base = median(bareRounds);
            for (Map.Entry<String, List<Result>> row : scenario.getValue().entrySet()) {
                Result r = median(row.getValue());
                List<Double> ratios = new ArrayList<>();
                for (int round = 0; round < row.getValue().size(); round++) {
                    ratios.add(row.getValue().get(round).rps() / bareRounds.get(round).rps());
                }
                b.append(String.format(Locale.ROOT, "| %s | %.0f | %.3f | %s | %.0f | %.2f | %.0f | %.2f | %d |%n",
                        row.getKey(), r.rps(), r.rps() / base.rps(), WarBenchmarks.spread(ratios), r.p50(),
                        r.p50() / base.p50(), r.p99(), r.p99() / base.p99(), r.errors()));
            }
            b.append('\n');
        }
    }

    /** @return the median requests/s, p50 and p99 of the rounds, and their errors summed */
    private static Result median(List<Result> all) {
        return new Result(LoadTools.median(all.stream().mapToDouble(Result::rps).toArray()),
                LoadTools.median(all.stream().mapToDouble(Result::p50).toArray()),
                LoadTools.median(all.stream().mapToDouble(Result::p99).toArray()),
                all.stream().mapToLong(Result::errors).sum());
    }

    private static void actionTable(StringBuilder b, String bare, Map<Action, ActionResult> actions) {
        b.append("| action | connections/s | × plain close | unexpected endings | open endpoints before → after |\n");
        b.append("|---|---:|---:|---:|---|\n");
        double plain = actions.get(Action.PLAIN_CLOSE).perSecond();
        for (Map.Entry<Action, ActionResult> row : actions.entrySet()) {
            String name = switch (row.getKey()) {
                case PLAIN_CLOSE -> bare + ", `Connection: close` (FIN)";
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
