package io.iisport.conformance;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Runs the {@link Catalogue} against one container: each case bare and behind the filter, compared. A case that
 * differs must be listed in the {@link Ledger} for this container, and a listed case must still differ (when it no
 * longer does, the failure says which ledger line to delete). Each container's test class starts its server with
 * the conformance WAR, deployed as users deploy it, on 127.0.0.1 and a free port.
 *
 * <p>System properties (set by the build): {@code iisport.conformance.war}, {@code iisport.conformance.ledger}.
 * Each run also writes every difference it saw to {@code target/conformance-<container>.txt}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ConformanceSuite {
    /** How many more times a case whose only differences are arrival times is measured. */
    private static final int TIMING_RETRIES = 2;
    private int port;
    /** The Servlet 6 minor version the container implements, as the WAR reports it. */
    private int servletMinor;
    private Ledger ledger;
    private Path report;

    /** @return the container's name in the ledger: jetty-ee10, jetty-ee11, tomcat-10.1 or tomcat-11 */
    protected abstract String container();

    /**
     * Starts the container with the WAR on 127.0.0.1, HTTP/1.1 and h2c (prior knowledge) on one port, WebSocket
     * and a compression handler (or connector compression) installed.
     *
     * @return the port
     */
    protected abstract int start(Path war) throws Exception;

    /** @return whether the container has jakarta.websocket installed; without it the WebSocket case is skipped */
    protected boolean webSocket() {
        return true;
    }

    /** Stops the container and deletes what it left on disk. */
    protected abstract void stop() throws Exception;

    @BeforeAll
    void startContainer() throws Exception {
        ledger = Ledger.read(Path.of(property("iisport.conformance.ledger")));
        report = Path.of("target", "conformance-" + container() + ".txt");
        Files.createDirectories(report.getParent());
        Files.writeString(report, "");
        port = start(Path.of(property("iisport.conformance.war")));
        // A WAR that failed to deploy answers 404 on both paths, which would compare equal: make sure it serves.
        for (String prefix : new String[] {"/b", "/f", "/z", "/l"}) {
            Observation target = new Http1Exchange("GET", prefix + "/out?size=10", "HTTP/1.1", List.of(),
                    new byte[0], false).observe(port, prefix);
            if (target.status() != 200 || target.body().length != 10) {
                fail("the conformance WAR does not serve " + prefix + "/out on " + container() + ": " + target);
            }
        }
        servletMinor = servletMinorVersion();
    }

    /** @return the Servlet 6 minor version the container implements, from the WAR's {@code /b/version} */
    private int servletMinorVersion() throws Exception {
        Observation version = new Http1Exchange("GET", "/b/version", "HTTP/1.1", List.of(), new byte[0], false)
                .observe(port, "/b");
        String text = new String(version.body(), StandardCharsets.US_ASCII).trim();
        if (version.status() != 200 || !text.matches("6\\.\\d+")) {
            fail("the conformance WAR does not tell its Servlet version on " + container() + ": " + version);
        }
        return Integer.parseInt(text.substring(2));
    }

    @AfterAll
    void stopContainer() throws Exception {
        stop();
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            fail("system property " + name + " is not set: run the suite through Maven");
        }
        return value;
    }

    @TestFactory
    Stream<DynamicTest> catalogue() {
        return Catalogue.cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    @Test
    void theLedgerListsOnlyCasesOfTheCatalogue() {
        Set<String> names = Catalogue.cases().stream().map(Case::name).collect(Collectors.toSet());
        List<String> unknown = ledger.casesListedFor(container()).stream().filter(n -> !names.contains(n)).toList();
        if (!unknown.isEmpty()) {
            fail(ledger.file() + " lists cases the catalogue does not have, for " + container() + ": " + unknown);
        }
    }

    private void check(Case c) throws Exception {
        Assumptions.assumeTrue(webSocket() || !(c.probe() instanceof WebSocketExchange),
                "no jakarta.websocket on " + container());
        Assumptions.assumeTrue(servletMinor >= c.servletMinor(), () -> c.name() + " needs Servlet 6."
                + c.servletMinor() + "; " + container() + " implements Servlet 6." + servletMinor);
        List<String> differences = observeAndCompare(c);
        // Arrival times are measured on a shared machine: a difference in timing alone is measured again, and
        // only one that persists counts (a flush that does not send is late by the servlet's whole gap every time).
        // So is a server error or a stall of the bare container alone (Tomcat 10.1 now and then answers
        // setTrailerFields over h2c with a 500, or leaves an h2c stream unfinished, without any filter): the filter is
        // not on that path, and one that persists still counts.
        for (int retry = 0; retry < TIMING_RETRIES && !differences.isEmpty()
                && (differences.stream().allMatch(d -> d.startsWith("timing:"))
                        || differences.stream().anyMatch(ConformanceSuite::bareFailureAlone)); retry++) {
            differences = observeAndCompare(c);
        }
        Optional<String> kind = ledger.kind(c.name(), container());
        if (!differences.isEmpty()) {
            record(c, kind, differences);
        }
        if (kind.isPresent() && differences.isEmpty()) {
            fail(c.name() + " now behaves behind the filter as without it on " + container() + ": delete the line '"
                    + c.name() + " " + container() + " " + kind.get() + "' from " + ledger.file());
        }
        if (kind.isEmpty() && !differences.isEmpty()) {
            fail(c.name() + " (" + c.summary() + ") differs behind the filter on " + container()
                    + ", and the ledger does not list it:\n  " + String.join("\n  ", differences));
        }
    }

    /**
     * @return whether {@code difference} says the bare container answered 5xx, or did not end its response in time,
     *     where the filtered one did
     */
    private static boolean bareFailureAlone(String difference) {
        return difference.startsWith("status: bare 5") && !difference.contains("filtered 5")
                || difference.startsWith("end: bare timeout") && !difference.contains("filtered timeout");
    }

    private List<String> observeAndCompare(Case c) throws Exception {
        Observation bare = c.probe().observe(port, "/b");
        Observation filtered = c.probe().observe(port, c.filteredPrefix());
        return Comparison.differences(c, bare, filtered);
    }

    private synchronized void record(Case c, Optional<String> kind, List<String> differences) {
        List<String> lines = new ArrayList<>();
        lines.add(c.name() + " " + container() + " " + kind.orElse("UNLISTED"));
        differences.forEach(d -> lines.add("    " + d));
        try {
            Files.write(report, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
