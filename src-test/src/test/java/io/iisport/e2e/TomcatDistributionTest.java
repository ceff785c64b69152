package io.iisport.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import io.iisport.tomcat.RawH2;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Tomcat 10.1 distribution ({@code org.apache.tomcat:tomcat}, tar.gz), started with
 * {@code bin/catalina.sh run} on a {@code CATALINA_BASE} made from its own {@code conf}, with the extension
 * installed as the README says (the jar in {@code $CATALINA_BASE/lib}, the Valve line in {@code <Engine>}), the
 * sample WAR as {@code ROOT.war}, and h2c enabled on the HTTP connector: the seed paths checked on the wire.
 */
class TomcatDistributionTest {
    private static final String VALVE = "<Valve className=\"io.iisport.tomcat.IisportConnectionValve\"/>";

    @TempDir
    static Path base;
    private static DistributionTest.RunningServer tomcat;
    private static int port;
    private static Path log;

    @BeforeAll
    static void startDistribution() throws Exception {
        tomcat = startTomcat(base, Wire.war(), true);
        port = tomcat.port();
        log = tomcat.log();
    }

    /**
     * Makes a {@code CATALINA_BASE} of the distribution's own {@code conf} (no shutdown port, the HTTP connector on a
     * free port of 127.0.0.1 with h2c), with the WAR as {@code webapps/ROOT.war} and, if asked, the extension
     * installed as the README says; starts {@code bin/catalina.sh run}, its stdout and stderr in
     * {@code logs/catalina.out} of the base, and returns once it serves {@code GET /}.
     */
    static DistributionTest.RunningServer startTomcat(Path base, Path war, boolean withExtension) throws Exception {
        Path home = DistributionTest.property("iisport.tomcat.home");
        for (String dir : List.of("conf", "lib", "logs", "temp", "webapps", "work")) {
            Files.createDirectories(base.resolve(dir));
        }
        try (Stream<Path> files = Files.list(home.resolve("conf"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, base.resolve("conf").resolve(file.getFileName().toString()));
            }
        }
        if (withExtension) {
            try (Stream<Path> jars = Files.list(DistributionTest.property("iisport.tomcat.lib"))) {
                for (Path jar : jars.toList()) {
                    Files.copy(jar, base.resolve("lib").resolve(jar.getFileName().toString()));
                }
            }
        }
        int port = DistributionTest.freePort();
        Path serverXml = base.resolve("conf").resolve("server.xml");
        String original = Files.readString(serverXml);
        String configured = original
                // No shutdown port: the test stops Tomcat with a signal.
                .replace("<Server port=\"8005\"", "<Server port=\"-1\"")
                .replaceFirst("<Connector port=\"8080\" protocol=\"HTTP/1.1\"([^>]*?)/>",
                        "<Connector port=\"" + port + "\" address=\"127.0.0.1\" protocol=\"HTTP/1.1\"$1>"
                                + "<UpgradeProtocol className=\"org.apache.coyote.http2.Http2Protocol\"/></Connector>");
        if (withExtension) {
            // The README's line.
            configured = configured.replace("<Engine name=\"Catalina\" defaultHost=\"localhost\">",
                    "<Engine name=\"Catalina\" defaultHost=\"localhost\">" + VALVE);
        }
        assertThat("server.xml of this Tomcat has the expected shape", configured.contains(VALVE) == withExtension
                && configured.contains("port=\"" + port + "\"") && configured.contains("<Server port=\"-1\""), is(true));
        Files.writeString(serverXml, configured);
        Files.copy(war, base.resolve("webapps").resolve("ROOT.war"));

        Path log = base.resolve("logs").resolve("catalina.out");
        ProcessBuilder builder = new ProcessBuilder("sh", home.resolve("bin").resolve("catalina.sh").toString(), "run")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        environment.put("CATALINA_HOME", home.toString());
        environment.put("CATALINA_BASE", base.toString());
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        environment.remove("JRE_HOME");
        environment.remove("CATALINA_OPTS");
        environment.remove("JAVA_OPTS");
        environment.remove("CATALINA_PID");
        return DistributionTest.RunningServer.awaitServing(builder.start(), port, log);
    }

    @AfterAll
    static void stopDistribution() throws Exception {
        if (tomcat != null) {
            tomcat.stop();
        }
    }

    @Test
    void theValveLogsItsStartLineNamingItsVersionAndConnector() throws IOException {
        String line = "iisport-tomcat-extension " + System.getProperty("iisport.version") + " started: connection actions on ";
        List<String> lines = Files.readAllLines(log).stream().filter(l -> l.contains(line)).toList();
        assertThat(lines, contains(allOf(containsString("INFO"), containsString(port + "\"] [http, h2c]"))));
    }

    @Test
    void setNeedDisconnectClosesAfterTheFullResponse() throws IOException {
        DistributionTest.assertSetNeedDisconnectClosesAfterTheFullResponse(port);
    }

    @Test
    void resetConnectionResetsTheTcpConnection() throws IOException {
        DistributionTest.assertResetConnectionResetsTheTcpConnection(port);
    }

    @Test
    void resetConnectionOverH2cResetsTheStream() throws IOException {
        try (RawH2 h2 = RawH2.h2c(port)) {
            h2.get(1, "/seed/reset-connection");
            assertThat(h2.readUntil(event -> event.startsWith("rst:") || event.startsWith("end:")), is("rst:1:8"));
        }
    }

    @Test
    void setNeedDisconnectOverH2cSendsGoAwayThenCloses() throws IOException {
        try (RawH2 h2 = RawH2.h2c(port)) {
            h2.get(1, "/seed/set-need-disconnect");
            assertThat(h2.readUntil(event -> event.equals("end:1")), is("end:1"));
            assertThat(h2.readUntilFinalGoAway(), is("goaway:1:0"));
            assertThat(h2.readToEnd(), is("eof"));
        }
    }
}
