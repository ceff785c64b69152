package io.iisport.bench;

import static io.iisport.bench.LoadTools.median;

import io.iisport.bench.LoadTools.Result;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The module filter where users run it: the sample server ({@code java -jar iisport-sample-server.jar}, a
 * {@code WebAppContext} deploying the sample WAR with the iisport extension installed) in its own JVM, with
 * {@code /bench/plain} (no filter) against {@code /bench/empty-filter} (a filter that only calls the chain: what any
 * filter costs), {@code /bench/filtered} (the WAR's {@code IisModuleFilter} with {@code NoOpModule}, at
 * RQ_BEGIN_REQUEST alone) and {@code /bench/observed} (with {@code ObservingNoOpModule}, at every notification): the
 * same servlet, the same connector, the same web application.
 *
 * <p>Each compared variant runs in ABBA blocks with plain (plain, the variant, the variant, plain) of short runs, so
 * that each ratio compares runs seconds apart: this machine's speed drifts by ±15 % within a minute, and runs tens of
 * seconds apart (rounds of all the variants) gave ratios spread from 0.6 to 1.5. Besides the load tool's requests/s
 * and latency, the server's CPU time per request is read from {@code /proc/<pid>/stat} (user + system time of every
 * thread of the server JVM), which holds better than requests/s when other work competes for the CPUs.
 *
 * <p>The whole measurement is shared among several server JVMs, each started afresh and warmed up: the JIT's
 * inlining decisions differ from one start to the next (which of the container's methods it compiles on their own,
 * and so how much of the servlet fits into the compiled filter chain), and they move a ratio by a few percent; one
 * JVM gives one draw of them.
 */
final class WarBenchmarks {
    private static final Pattern SERVED = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/\\s+\\(HTTP/1\\.1 and h2c\\)");
    private static final String[] VARIANTS = {"plain", "empty-filter", "filtered", "observed"};
    /** The variants measured against plain. */
    private static final List<String> COMPARED = List.of("empty-filter", "filtered", "observed");

    /** One run of one variant: the load tool's result and the server's CPU microseconds per request. */
    record Run(Result result, double cpuMicrosPerRequest) {
    }

    /**
     * All runs of one protocol: per variant, in order; and per compared variant, its ratios to plain (requests/s:
     * variant ÷ plain; CPU per request: plain ÷ variant).
     */
    record Protocol(String title, String alternation, Map<String, List<Run>> runs,
            Map<String, List<Double>> rpsRatios, Map<String, List<Double>> cpuRatios,
            Map<String, List<Double>> alternatingRatios, Map<String, List<Double>> alternatingServerMeans) {
        /**
         * @param title the protocol and load
         * @param alternation how its alternating measurement switches paths, for the report
         * @return a protocol with no runs yet
         */
        static Protocol named(String title, String alternation) {
            return new Protocol(title, alternation, new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>(),
                    new LinkedHashMap<>(), new LinkedHashMap<>());
        }
    }

    /** The phase length of the alternating measurement (see {@link #alternate}), in milliseconds. */
    static final int PHASE_MILLIS = 250;
    /** The length of each h2load run of the h2c alternation (see {@link #alternateH2c}), in milliseconds. */
    static final int H2C_PHASE_MILLIS = 500;
    /** The warm-up per variant: a server pinned to one CPU compiles its hot paths for about a minute. */
    static final int WARM_UP_SECONDS = 20;

    private final Process server;
    private final String base;
    private final long ticksPerSecond;

    private WarBenchmarks(Process server, String base, long ticksPerSecond) {
        this.server = server;
        this.base = base;
        this.ticksPerSecond = ticksPerSecond;
    }

    /**
     * Starts the sample server from its jar, in a JVM of its own with default options, as the README runs it. It
     * inherits this process's CPU affinity (run.sh pins it to CPU 0).
     *
     * @param jar the sample server's jar, with its lib/ and the WAR beside it
     * @return the benchmark, its server serving
     * @throws IOException if the server does not print its address within 60 s
     */
    static WarBenchmarks start(Path jar) throws Exception {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("no sample server jar at " + jar.toAbsolutePath()
                    + " (build it: mvn package -pl sample-server -am)");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-jar", jar.toAbsolutePath().toString(), "--http.port=0",
                "--https.port=-1").redirectErrorStream(true).start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null;) {
                    Matcher m = SERVED.matcher(line);
                    if (!port.isDone() && m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IOException("the sample server's output ended before it served"));
        }, "sample-server-output");
        reader.setDaemon(true);
        reader.start();
        try {
            int httpPort = port.get(60, TimeUnit.SECONDS);
            long ticks = Long.parseLong(LoadTools.run(List.of("getconf", "CLK_TCK")).trim());
            return new WarBenchmarks(process, "http://127.0.0.1:" + httpPort + "/bench/", ticks);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IOException("the sample server did not start", e);
        }
    }

    /** Stops the sample server. */
    void stop() throws InterruptedException {
        server.destroy();
        if (!server.waitFor(30, TimeUnit.SECONDS)) {
            server.destroyForcibly();
        }
    }

    /** @return the server JVM's CPU time so far, user and system, of all its threads, in seconds */
    private double cpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(server.pid()), "stat"));
        // The fields after the command name in parentheses (which may hold spaces): utime is field 14, stime 15.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / (double) ticksPerSecond;
    }

    interface Tool {
        Result run(String url, int seconds) throws Exception;
    }

    private Run run(Tool tool, String variant, int seconds) throws Exception {
        double cpuBefore = cpuSeconds();
        long start = System.nanoTime();
        Result result = tool.run(base + variant, seconds);
        double wall = (System.nanoTime() - start) / 1e9;
        double cpu = cpuSeconds() - cpuBefore;
        // The tool's rate over its whole run (connection set-up and h2load's warm-up included) gives the requests.
        return new Run(result, cpu * 1e6 / (result.rps() * wall));
    }

    /** Runs each variant for {@value #WARM_UP_SECONDS} s with {@code tool}, not recorded (JIT, a fresh JVM). */
    private void warmUp(Tool tool) throws Exception {
        for (String variant : VARIANTS) {
            tool.run(base + variant, WARM_UP_SECONDS);
        }
    }

    /**
     * Warms the variants up, then runs blocks: in each, every compared variant in an ABBA sequence with plain (plain,
     * the variant, the variant, plain), so that each ratio compares runs seconds apart and a drift of the machine
     * within the block weighs on both sides alike.
     *
     * @param protocol the protocol the runs and ratios are added to (one ratio per block and compared variant)
     * @param tool the load tool
     * @param seconds the length of each run
     * @param blocks the number of blocks
     */
    void measure(Protocol protocol, Tool tool, int seconds, int blocks) throws Exception {
        warmUp(tool);
        String title = protocol.title();
        Map<String, List<Run>> runs = protocol.runs();
        Map<String, List<Double>> rpsRatios = protocol.rpsRatios();
        Map<String, List<Double>> cpuRatios = protocol.cpuRatios();
        for (int block = 0; block < blocks; block++) {
            for (String compared : COMPARED) {
                Run plainBefore = record(title, runs, "plain", seconds, tool);
                Run first = record(title, runs, compared, seconds, tool);
                Run second = record(title, runs, compared, seconds, tool);
                Run plainAfter = record(title, runs, "plain", seconds, tool);
                rpsRatios.computeIfAbsent(compared, n -> new ArrayList<>())
                        .add((first.result().rps() + second.result().rps())
                                / (plainBefore.result().rps() + plainAfter.result().rps()));
                cpuRatios.computeIfAbsent(compared, n -> new ArrayList<>())
                        .add((plainBefore.cpuMicrosPerRequest() + plainAfter.cpuMicrosPerRequest())
                                / (first.cpuMicrosPerRequest() + second.cpuMicrosPerRequest()));
            }
        }
    }

    /**
     * HTTP/1.1: each compared variant against plain in one wrk run of {@code seconds} that alternates the two
     * paths on all 32 connections every {@value #PHASE_MILLIS} ms, in ABBA order ({@code alternate.lua}): the two
     * share the machine's state of the moment, so the ratio of each cycle of four phases (the variant's answers ÷
     * plain's) is far steadier than that of separate runs, and the whole run gives the ratio with a confidence
     * interval about half as wide as the blocks' for the same time spent.
     *
     * @param protocol the HTTP/1.1 measurement, whose alternating ratios (and this server's mean of them) are added
     * @param seconds the length of each variant's run; 0 for none
     */
    void alternate(Protocol protocol, int seconds) throws Exception {
        if (seconds <= 0) {
            return;
        }
        Path script = Files.createTempFile("alternate", ".lua");
        try (var in = WarBenchmarks.class.getResourceAsStream("alternate.lua")) {
            Files.write(script, in.readAllBytes());
            URI bench = URI.create(base);
            String root = bench.resolve("/").toString();
            String path = bench.getPath();
            for (String variant : COMPARED) {
                String out = LoadTools.run(List.of("wrk", "-t1", "-c32", "-d" + seconds + "s", "-s", script.toString(),
                        root, "--", path + "plain", path + variant, String.valueOf(PHASE_MILLIS)));
                addAlternating(protocol, variant, cycleRatios(out));
            }
        } finally {
            Files.deleteIfExists(script);
        }
    }

    /**
     * h2c: each compared variant against plain in cycles of four h2load runs of {@value #H2C_PHASE_MILLIS} ms (plain,
     * the variant, the variant, plain), for {@code seconds} in all per variant; each cycle gives one ratio (the
     * variant's requests/s ÷ plain's). h2load cannot switch paths within a run as wrk does with a script, so each
     * phase is a run of its own, with its connections' set-up (about 1 % of a phase here, alike on both sides).
     * Phases this short follow the machine's drift as the HTTP/1.1 alternation does; on this machine one cycle's
     * ratio spreads by about ±0.10 (one standard deviation), against ±0.16 for blocks of 1 s runs.
     *
     * @param protocol the h2c measurement, whose alternating ratios (and this server's mean of them) are added
     * @param seconds the time per variant; 0 for none
     */
    void alternateH2c(Protocol protocol, int seconds) throws Exception {
        if (seconds <= 0) {
            return;
        }
        for (String variant : COMPARED) {
            List<Double> ratios = new ArrayList<>();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            do {
                double plainBefore = h2cPhase("plain");
                double first = h2cPhase(variant);
                double second = h2cPhase(variant);
                double plainAfter = h2cPhase("plain");
                ratios.add((first + second) / (plainBefore + plainAfter));
            } while (System.nanoTime() < end);
            addAlternating(protocol, variant, ratios);
        }
    }

    private double h2cPhase(String variant) throws Exception {
        return LoadTools.h2loadRate(base + variant, 8, 16, H2C_PHASE_MILLIS);
    }

    /** Adds one server's alternating cycle ratios of {@code variant} to {@code protocol}, and prints them. */
    private static void addAlternating(Protocol protocol, String variant, List<Double> ratios) {
        System.out.printf(Locale.ROOT, "war %s alternating %s: %s (%d cycles)%n", protocol.title(), variant,
                confidence(ratios), ratios.size());
        protocol.alternatingRatios().computeIfAbsent(variant, v -> new ArrayList<>()).addAll(ratios);
        protocol.alternatingServerMeans().computeIfAbsent(variant, v -> new ArrayList<>())
                .add(ratios.stream().mapToDouble(Double::doubleValue).average().orElseThrow());
    }

    /**
     * @param out the output of a wrk run with {@code alternate.lua}
     * @return per complete cycle of four phases (A, B, B, A), B's answers ÷ A's
     * @throws IllegalStateException if the output has no complete cycle, or a cycle without an answer of A
     */
    static List<Double> cycleRatios(String out) {
        Matcher m = Pattern.compile("(?m)^phase (\\d+) ([AB]) (\\d+)$").matcher(out);
        List<long[]> phases = new ArrayList<>();
        while (m.find()) {
            phases.add(new long[] {m.group(2).equals("B") ? 1 : 0, Long.parseLong(m.group(3))});
        }
        List<Double> ratios = new ArrayList<>();
        for (int first = 0; first + 4 <= phases.size(); first += 4) {
            long[] answers = new long[2];
            for (long[] phase : phases.subList(first, first + 4)) {
                answers[(int) phase[0]] += phase[1];
            }
            if (answers[0] == 0) {
                throw new IllegalStateException("no answer of the first path in phases " + (first + 1) + " to "
                        + (first + 4) + ": is the server answering 200 with its path in the body?\n" + out);
            }
            ratios.add(answers[1] / (double) answers[0]);
        }
        if (ratios.isEmpty()) {
            throw new IllegalStateException("no complete cycle of four phases in:\n" + out);
        }
        return ratios;
    }

    private Run record(String title, Map<String, List<Run>> runs, String variant, int seconds, Tool tool)
            throws Exception {
        Run run = run(tool, variant, seconds);
        runs.computeIfAbsent(variant, v -> new ArrayList<>()).add(run);
        System.out.printf(Locale.ROOT, "war %s %-8s %10.0f req/s p50 %8.0f us p99 %8.0f us cpu %6.1f us/req errors %d%n",
                title, variant, run.result().rps(), run.result().p50(), run.result().p99(), run.cpuMicrosPerRequest(),
                run.result().errors());
        return run;
    }

    /**
     * Measures the WAR path alone and prints its report section: {@code --duration SECONDS} of each run (default
     * 1), {@code --blocks N} (default 16), {@code --alternate SECONDS} per variant and protocol alternating with plain
     * (default 120, 0 for none, see {@link #alternate} and {@link #alternateH2c}), {@code --servers N} server JVMs
     * sharing them (default 6), {@code --sample-server JAR} (default sample-server/target/iisport-sample-server.jar). Pin it as run.sh does to keep server and load tool apart.
     *
     * @param args the options
     */
    public static void main(String[] args) throws Exception {
        int duration = 1;
        int blocks = 16;
        int alternate = 120;
        int servers = 6;
        Path jar = Path.of("sample-server", "target", "iisport-sample-server.jar");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--duration" -> duration = Integer.parseInt(args[++i]);
                case "--blocks" -> blocks = Integer.parseInt(args[++i]);
                case "--alternate" -> alternate = Integer.parseInt(args[++i]);
                case "--servers" -> servers = Integer.parseInt(args[++i]);
                case "--sample-server" -> jar = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (expected --duration, --blocks, --alternate, --servers, --sample-server)");
            }
        }
        System.out.println(report(measureBoth(jar, duration, blocks, alternate, servers), duration, alternate,
                servers));
    }

    /**
     * Measures HTTP/1.1 and h2c in {@code servers} sample servers started one after the other, each warmed up, each
     * taking its share of the blocks and of the alternating time (see the class comment).
     *
     * @param jar the sample server's jar
     * @param seconds the length of each run
     * @param blocks the number of blocks in all (see {@link #measure}), shared among the servers and rounded up to a
     *     multiple of them
     * @param alternate the time per variant of the alternating measurements in all (see {@link #alternate} and
     *     {@link #alternateH2c}), for each protocol, shared
     *     among the servers; 0 for none
     * @param servers how many server JVMs to start, one after the other
     * @return the measured protocols
     * @throws IllegalArgumentException if {@code servers} is less than 1
     */
    static List<Protocol> measureBoth(Path jar, int seconds, int blocks, int alternate, int servers) throws Exception {
        if (servers < 1) {
            throw new IllegalArgumentException("servers must be at least 1, not " + servers);
        }
        Protocol http11 = Protocol.named("HTTP/1.1 keep-alive (wrk, 32 connections)",
                "switching paths every " + PHASE_MILLIS + " ms in one wrk run");
        Protocol h2c = Protocol.named("h2c (h2load, 8 connections x 16 streams)",
                "in h2load runs of " + H2C_PHASE_MILLIS + " ms");
        int blocksEach = Math.max(1, (blocks + servers - 1) / servers);
        for (int n = 0; n < servers; n++) {
            WarBenchmarks sample = start(jar);
            try {
                sample.measure(http11, (url, s) -> LoadTools.wrk(url, 32, s), seconds, blocksEach);
                sample.alternate(http11, alternate / servers);
                sample.measure(h2c, (url, s) -> LoadTools.h2load(url, 8, 16, s), seconds, blocksEach);
                sample.alternateH2c(h2c, alternate / servers);
            } finally {
                sample.stop();
            }
        }
        return List.of(http11, h2c);
    }

    /**
     * The report's section for the sample WAR.
     *
     * @param protocols the measured protocols
     * @param seconds the length of each run
     * @param alternate the length of each alternating run, 0 if there was none
     * @param servers how many server JVMs shared the measurement
     * @return Markdown
     */
    static String report(List<Protocol> protocols, int seconds, int alternate, int servers) {
        // The blocks run, as measureBoth shared them among the servers: one ratio per block and compared variant.
        int blocks = protocols.get(0).rpsRatios().values().stream().findFirst().map(List::size).orElse(0);
        StringBuilder b = new StringBuilder();
        b.append("## The filter in the sample WAR, as deployed\n\n");
        b.append("`java -jar sample-server/target/iisport-sample-server.jar` in a JVM of its own with default options: a ")
                .append("`WebAppContext` deploying the sample WAR, the iisport extension installed. **plain** is ")
                .append("`/bench/plain` (no filter), **empty-filter** is `/bench/empty-filter` (a servlet filter that only ")
                .append("calls the chain: what any filter costs), **filtered** is `/bench/filtered` (the WAR's `IisModuleFilter` with ")
                .append("`NoOpModule`, which does nothing at RQ_BEGIN_REQUEST alone: the servlet gets the container's own ")
                .append("request and response), **observed** is `/bench/observed` (`ObservingNoOpModule`, subscribed to ")
                .append("every notification and doing nothing: the servlet gets the filter's buffering objects); the same ")
                .append("servlet (`getWriter()`, about 30 bytes, no Content-Length set), connector and web application. ")
                .append("Each run lasts ").append(seconds).append(" s, after a warm-up of ").append(WARM_UP_SECONDS)
                .append(" s per variant (pinned to one CPU, the server's JVM compiles its hot paths for about a ")
                .append("minute); ")
                .append(blocks).append(" blocks, in each of which every variant runs in an ABBA sequence with plain ")
                .append("(plain, the variant, the variant, plain), so that each ratio compares runs seconds apart and ")
                .append("the machine's drift weighs on both sides alike; the ratios of the blocks are shown as mean ")
                .append("± its 95 % confidence interval (1.96 standard errors), then median (interquartile range). ")
                .append(LoadTools.pinned() ? "The server is pinned to CPU 0 and the load tool to CPU "
                        + LoadTools.CLIENT_CPU + ". " : "")
                .append("The measurement is shared among ").append(servers).append(" server JVMs started one after ")
                .append("the other, each warmed up: the JIT's inlining decisions differ from one start to the next ")
                .append("(which of the container's methods it compiles on their own, and so how much of the servlet ")
                .append("fits into the compiled filter chain) and move a ratio by a few percent, so one JVM would ")
                .append("give one draw of them. ")
                .append("**CPU µs/request** is the server JVM's user + system time (`/proc/<pid>/stat`, all threads) ")
                .append("over the run divided by the requests served: it holds better than requests/s when other work ")
                .append("competes for the CPUs.\n\n");
        if (alternate > 0) {
            b.append("The ratios that decide are also measured **alternating**, ").append(alternate)
                    .append(" s in all per variant and protocol, in cycles of four phases in ABBA order (plain, the ")
                    .append("variant, the variant, plain), each cycle giving one ratio (the variant's answers ÷ ")
                    .append("plain's): over HTTP/1.1, wrk runs that switch all 32 connections between `/bench/plain` ")
                    .append("and the variant every ").append(PHASE_MILLIS).append(" ms; over h2c, h2load runs of ")
                    .append(H2C_PHASE_MILLIS).append(" ms each (h2load cannot switch paths within a run; each run ")
                    .append("sets its connections up, alike on both sides). Both paths run under the machine's state ")
                    .append("of the moment, which longer separate runs cannot give on a machine whose speed drifts by ")
                    .append("tens of percent within seconds; for the same time spent, the confidence interval is ")
                    .append("narrower than the blocks'.\n\n");
        }
        for (Protocol protocol : protocols) {
            b.append("### ").append(protocol.title()).append("\n\n");
            b.append("| variant | requests/s | p50 µs | p99 µs | CPU µs/request | errors |\n");
            b.append("|---|---:|---:|---:|---:|---:|\n");
            for (Map.Entry<String, List<Run>> row : protocol.runs().entrySet()) {
                List<Run> all = row.getValue();
                b.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.1f | %d |%n", row.getKey(),
                        median(all.stream().mapToDouble(r -> r.result().rps()).toArray()),
                        median(all.stream().mapToDouble(r -> r.result().p50()).toArray()),
                        median(all.stream().mapToDouble(r -> r.result().p99()).toArray()),
                        median(all.stream().mapToDouble(Run::cpuMicrosPerRequest).toArray()),
                        all.stream().mapToLong(r -> r.result().errors()).sum()));
            }
            b.append('\n');
            for (String variant : protocol.rpsRatios().keySet()) {
                b.append(String.format(Locale.ROOT, "%s ÷ plain, requests/s: **%s**; plain ÷ %s, CPU per request: "
                        + "**%s** (%d blocks).%n", variant, confidence(protocol.rpsRatios().get(variant)), variant,
                        confidence(protocol.cpuRatios().get(variant)), protocol.rpsRatios().get(variant).size()));
            }
            for (Map.Entry<String, List<Double>> alternating : protocol.alternatingRatios().entrySet()) {
                b.append(String.format(Locale.ROOT, "%s ÷ plain, requests/s alternating %s: **%s** (%d "
                        + "cycles; each server's mean: %s).%n", alternating.getKey(), protocol.alternation(),
                        confidence(alternating.getValue()), alternating.getValue().size(),
                        protocol.alternatingServerMeans().get(alternating.getKey()).stream()
                                .map(mean -> String.format(Locale.ROOT, "%.3f", mean))
                                .collect(Collectors.joining(", "))));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** @return the median and the range of the values, as {@code 0.97 (0.95–0.99)} */
    static String spread(List<Double> values) {
        double[] all = values.stream().mapToDouble(Double::doubleValue).toArray();
        double min = java.util.Arrays.stream(all).min().orElse(Double.NaN);
        double max = java.util.Arrays.stream(all).max().orElse(Double.NaN);
        return String.format(Locale.ROOT, "%.2f× (%.2f–%.2f)", median(all), min, max);
    }

    /**
     * @return the mean with its 95 % confidence interval, then the median and interquartile range of the values, as
     *     {@code 0.980× ± 0.020, median 0.98× (0.95–1.01)}
     */
    static String confidence(List<Double> values) {
        double[] all = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double mean = java.util.Arrays.stream(all).average().orElse(Double.NaN);
        double variance = java.util.Arrays.stream(all).map(v -> (v - mean) * (v - mean)).sum()
                / Math.max(1, all.length - 1);
        double halfWidth = 1.96 * Math.sqrt(variance / all.length);
        return String.format(Locale.ROOT, "%.3f× ± %.3f, median %.2f× (%.2f–%.2f)", mean, halfWidth, median(all),
                quartile(all, 1), quartile(all, 3));
    }

    /** @return the {@code q}th quartile of sorted values, interpolated */
    private static double quartile(double[] sorted, int q) {
        double position = (sorted.length - 1) * q / 4.0;
        int below = (int) Math.floor(position);
        int above = Math.min(sorted.length - 1, below + 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
