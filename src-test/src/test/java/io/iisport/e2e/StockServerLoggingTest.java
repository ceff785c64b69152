package io.iisport.e2e;

import static io.iisport.e2e.Wire.connect;
import static io.iisport.e2e.Wire.get;
import static io.iisport.e2e.Wire.readToEof;
import static io.iisport.e2e.Wire.send;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The smallest WAR built as the README says ({@code webapp-minimal}: {@code iisport-filter-api} and what it depends
 * on, no logging jar) on the stock servers, without any iisport extension: {@code jetty-home} with
 * {@code --add-modules=http,ee10-deploy} and the Tomcat distribution as shipped. A degraded
 * {@code resetConnection()} answers an empty 500 with {@code Connection: close} and a failing module a 500, and
 * the server's log, as each server writes it by default (Jetty's stderr, Tomcat's {@code catalina.out}), has the
 * filter's WARNING naming the filter and the kind of call, and the module failure naming the module and the stage,
 * with the exception.
 */
class StockServerLoggingTest {
    private static final String WARNING = "iisport filter 'reset': resetConnection()/resetStream() cannot reset the "
            + "connection; the client receives an empty 500 response with Connection: close instead";
    private static final String FAILURE = "iisport module 'Failing' failed in RQ_BEGIN_REQUEST for GET /fail";
    private static final String LOGGING_JAR = ".*(slf4j|log4j|logback|jul-to|commons-logging|jboss-logging).*";
    private static final String EXCEPTION = "java.lang.IllegalStateException: the module failed on purpose";

    @TempDir
    static Path jettyBase;
    @TempDir
    static Path tomcatBase;
    private static DistributionTest.RunningServer jetty;
    private static DistributionTest.RunningServer tomcat;

    @BeforeAll
    static void startServers() throws Exception {
        Path war = DistributionTest.property("iisport.minimal.war");
        jetty = DistributionTest.startJetty(jettyBase, war, "--add-modules=http,ee10-deploy");
        tomcat = TomcatDistributionTest.startTomcat(tomcatBase, war, false);
    }

    @AfterAll
    static void stopServers() throws Exception {
        try {
            if (jetty != null) {
                jetty.stop();
            }
        } finally {
            if (tomcat != null) {
                tomcat.stop();
            }
        }
    }

    private static DistributionTest.RunningServer server(String name) {
        return switch (name) {
            case "jetty" -> jetty;
            case "tomcat" -> tomcat;
            default -> throw new IllegalArgumentException(name);
        };
    }

    @Test
    void theWarHoldsNoLoggingJar() throws IOException {
        try (ZipFile war = new ZipFile(DistributionTest.property("iisport.minimal.war").toFile())) {
            List<String> libs = war.stream().map(entry -> entry.getName())
                    .filter(name -> name.startsWith("WEB-INF/lib/") && name.endsWith(".jar")).toList();
            assertThat(libs.toString(), libs.stream().anyMatch(lib -> lib.contains("iisport-filter-api")), is(true));
            assertThat(libs.stream().filter(lib -> lib.matches(LOGGING_JAR)).toList(), is(empty()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void aDegradedResetAnswersAnEmpty500WithConnectionCloseAndWarnsInTheServerLog(String name) throws Exception {
        DistributionTest.RunningServer server = server(name);
        try (Socket socket = connect(server.port())) {
            send(socket, get("/reset") + get("/"));
            String wire = readToEof(socket.getInputStream());
            assertThat(wire, startsWith("HTTP/1.1 500 "));
            HttpTester.Response response = HttpTester.parseResponse(wire);
            assertThat(response.get("Connection"), is("close"));
            assertThat(response.getContent(), is(""));
            assertThat("the pipelined request is not answered", Wire.count(wire, "HTTP/1.1 "), is(1));
        }
        List<String> warnings = awaitLines(server.log(), WARNING);
        assertThat(warnings, hasSize(1));
        assertThat(warnings.get(0), containsString("WARNING"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void aFailingModuleAnswers500AndIsLoggedWithItsStageAndException(String name) throws Exception {
        DistributionTest.RunningServer server = server(name);
        assertThat(Wire.exchange(server.port(), get("/fail")).getStatus(), is(500));
        List<String> failures = awaitLines(server.log(), FAILURE);
        assertThat(failures, hasSize(1));
        assertThat(failures.get(0), containsString("SEVERE"));
        String log = Files.readString(server.log(), StandardCharsets.UTF_8);
        assertThat(log, containsString(EXCEPTION));
        assertThat(log, containsString("at io.iisport.minimal.FailingModule"));
    }

    /**
     * Waits, at most 10 s, until the log has a line containing the text; returns the lines containing it. JUL's
     * default format prints the level on the message's line ({@code WARNING: message}, Tomcat's
     * {@code OneLineFormatter} {@code ... WARNING [thread] logger message}).
     */
    private static List<String> awaitLines(Path log, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Wire.TIMEOUT_SECONDS);
        while (true) {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(line -> line.contains(text)).toList();
            if (!lines.isEmpty()) {
                return lines;
            }
            if (System.nanoTime() > deadline) {
                fail("no line with '" + text + "' in the server's log:\n" + Files.readString(log));
            }
            Thread.sleep(50);
        }
    }
}
