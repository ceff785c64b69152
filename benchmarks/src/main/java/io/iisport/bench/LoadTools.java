package io.iisport.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/** The load tools the benchmarks drive (wrk for HTTP/1.1, h2load for h2c), pinned to the client CPU if one is set. */
final class LoadTools {
    private LoadTools() {
    }

    /** One measurement: requests per second and latency percentiles in microseconds. */
    record Result(double rps, double p50, double p99, long errors) {
    }

    static Result wrk(String url, int connections, int seconds) throws Exception {
        String out = run(List.of("wrk", "-t1", "-c" + connections, "-d" + seconds + "s", "--latency", url));
        double rps = number(out, "Requests/sec:\\s+([0-9.]+)");
        long errors = 0;
        Matcher non2xx = Pattern.compile("Non-2xx or 3xx responses: (\\d+)").matcher(out);
        if (non2xx.find()) {
            errors += Long.parseLong(non2xx.group(1));
        }
        Matcher socket = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)").matcher(out);
        if (socket.find()) {
            for (int g = 1; g <= 4; g++) {
                errors += Long.parseLong(socket.group(g));
            }
        }
        return new Result(rps, wrkLatency(out, "50%"), wrkLatency(out, "99%"), errors);
    }

    private static double wrkLatency(String out, String percentile) {
        Matcher m = Pattern.compile("\\s" + Pattern.quote(percentile) + "\\s+([0-9.]+)(us|ms|s)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no " + percentile + " latency in wrk output:\n" + out);
        }
        double value = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> value;
            case "ms" -> value * 1_000;
            default -> value * 1_000_000;
        };
    }

    static Result h2load(String url, int connections, int streams, int seconds) throws Exception {
        Path log = Files.createTempFile("h2load", ".log");
        try {
            String out = run(List.of("h2load", "-c" + connections, "-m" + streams, "-t1", "--warm-up-time=1", "-D", String.valueOf(seconds),
                    "--log-file=" + log, url));
            double rps = number(out, "finished in [0-9.]+m?s, ([0-9.]+) req/s");
            Matcher requests = Pattern.compile("requests: \\d+ total, \\d+ started, \\d+ done, \\d+ succeeded, (\\d+) failed, (\\d+) errored").matcher(out);
            long errors = requests.find() ? Long.parseLong(requests.group(1)) + Long.parseLong(requests.group(2)) : -1;
            Histogram histogram = new Histogram(3);
            for (String line : Files.readAllLines(log)) {
                String[] columns = line.split("\t");
                if (columns.length >= 3) {
                    histogram.recordValue(Long.parseLong(columns[2].trim()));
                }
            }
            return new Result(rps, histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(99), errors);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /**
     * One short h2load run without a warm-up, for the h2c alternation: its connections' set-up is part of the run, so
     * compare runs of the same length only.
     *
     * @param millis the run's length in milliseconds
     * @return the requests per second h2load reports
     * @throws IllegalStateException if a request failed or errored
     */
    static double h2loadRate(String url, int connections, int streams, long millis) throws Exception {
        String out = run(List.of("h2load", "-c" + connections, "-m" + streams, "-t1", "-D", millis + "ms", url));
        Matcher requests = Pattern.compile("requests: \\d+ total, \\d+ started, \\d+ done, \\d+ succeeded, (\\d+) failed, (\\d+) errored").matcher(out);
        if (!requests.find() || Long.parseLong(requests.group(1)) + Long.parseLong(requests.group(2)) > 0) {
            throw new IllegalStateException("h2load run of " + url + " had failed or errored requests:\n" + out);
        }
        return number(out, "finished in [0-9.]+m?s, ([0-9.]+) req/s");
    }

    static double number(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("pattern " + regex + " not found in:\n" + out);
        }
        return Double.parseDouble(m.group(1));
    }

    /** The CPU the load tools are pinned to (environment {@code IISPORT_BENCH_CLIENT_CPU}), or {@code null}. */
    static final String CLIENT_CPU = System.getenv("IISPORT_BENCH_CLIENT_CPU");

    static String run(List<String> command) throws Exception {
        List<String> pinned = new ArrayList<>();
        if (CLIENT_CPU != null && !CLIENT_CPU.isBlank()) {
            pinned.addAll(List.of("taskset", "-c", CLIENT_CPU));
        }
        pinned.addAll(command);
        Process process = new ProcessBuilder(pinned).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** @return whether the load tools run pinned to their own CPU */
    static boolean pinned() {
        return CLIENT_CPU != null && !CLIENT_CPU.isBlank();
    }
}
