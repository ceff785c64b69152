package io.iisport.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Jetty distribution ({@code jetty-home}) with the iisport module enabled the way the README tells its
 * users: the extension's jetty-base zip unpacked into a new {@code jetty.base}, the README's
 * {@code --add-modules=...} line run as printed, and the sample WAR in {@code webapps/}. Then the extension's start
 * line is in the log, and the sample's two IIS samples behave on the wire as the contract says.
 */
class DistributionTest {
    @TempDir
    static Path base;
    private static RunningServer jetty;
    private static int port;
    private static Path log;

    /** A distribution started as a process, serving on {@code port} of 127.0.0.1, writing its output to {@code log}. */
    record RunningServer(Process process, int port, Path log) {
        /** Waits until the process serves {@code GET /} (see {@link #awaitServing}); stops it if it does not. */
        static RunningServer awaitServing(Process process, int port, Path log) throws Exception {
            try {
                DistributionTest.awaitServing(process, port, log);
            } catch (Throwable notServing) {
                DistributionTest.stop(process);
                throw notServing;
            }
            return new RunningServer(process, port, log);
        }

        /** Stops the process: SIGTERM, then SIGKILL after 30 s. */
        void stop() throws InterruptedException {
            DistributionTest.stop(process);
        }
    }

    static Path property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            fail("system property " + name + " is not set: run the tests through Maven");
        }
        return Path.of(value);
    }

    private static List<String> java(Path home, Path base, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(home.resolve("start.jar").toString());
        command.add("jetty.home=" + home);
        command.add("jetty.base=" + base);
        command.addAll(List.of(args));
        return command;
    }

    @BeforeAll
    static void startDistribution() throws Exception {
        Path overlay = property("iisport.jetty.base.overlay");
        try (Stream<Path> files = Files.walk(overlay)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = base.resolve(overlay.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        jetty = startJetty(base, Wire.war(), readmeStartArguments());
        port = jetty.port();
        log = jetty.log();
    }

    /**
     * Runs {@code start.jar} of {@code jetty-home} with the arguments (an {@code --add-modules=...} line) in the
     * {@code jetty.base}, puts the WAR there as {@code webapps/ROOT.war}, and starts the distribution on a free port
     * of 127.0.0.1, its stdout and stderr in {@code jetty.log} of the base; returns once it serves {@code GET /}.
     */
    static RunningServer startJetty(Path base, Path war, String... addModules) throws Exception {
        Path home = property("iisport.jetty.home");
        Path log = base.resolve("jetty.log");
        Process add = new ProcessBuilder(java(home, base, addModules))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!add.waitFor(60, TimeUnit.SECONDS) || add.exitValue() != 0) {
            fail("--add-modules failed:\n" + Files.readString(log));
        }
        Files.createDirectories(base.resolve("webapps"));
        Files.copy(war, base.resolve("webapps").resolve("ROOT.war"));
        int port = freePort();
        Process jetty = new ProcessBuilder(java(home, base, "jetty.http.host=127.0.0.1", "jetty.http.port=" + port))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return RunningServer.awaitServing(jetty, port, log);
    }

    /** @return a TCP port of 127.0.0.1 free at the time of the call */
    static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    /**
     * Returns the arguments of the README's {@code java -jar $JETTY_HOME/start.jar --add-modules=...} line, the one
     * that enables the modules of a new {@code jetty.base}.
     */
    static String[] readmeStartArguments() throws IOException {
        String prefix = "java -jar $JETTY_HOME/start.jar ";
        List<String> lines = Files.readAllLines(property("iisport.readme")).stream()
                .map(String::strip)
                .filter(line -> line.startsWith(prefix + "--add-modules="))
                .toList();
        assertThat("the README's --add-modules lines: " + lines, lines.size(), is(1));
        return lines.get(0).substring(prefix.length()).split(" +");
    }

    /** Waits, at most 60 s, until the server started as the process serves {@code GET /} with a 200. */
    static void awaitServing(Process server, int port, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                if (Wire.exchange(port, Wire.get("/")).getStatus() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not serving yet
            }
            if (!server.isAlive() || System.nanoTime() > deadline) {
                fail("the distribution did not start:\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
    }

    /** Stops the server started as the process: SIGTERM, then SIGKILL after 30 s. */
    static void stop(Process server) throws InterruptedException {
        if (server != null) {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @AfterAll
    static void stopDistribution() throws Exception {
        if (jetty != null) {
            jetty.stop();
        }
    }

    @Test
    void theIisportModuleIsEnabledInTheBase() throws IOException {
        assertThat(Files.exists(base.resolve("start.d").resolve("iisport.ini")), is(true));
    }

    @Test
    void theExtensionLogsItsStartLineNamingItsVersionAndConnector() throws IOException {
        String line = "iisport-jetty-extension " + System.getProperty("iisport.version")
                + " started: connection actions on [http/1.1, h2c]@127.0.0.1:" + port;
        assertThat(Files.readAllLines(log).stream().filter(l -> l.contains(line)).toList(),
                contains(containsString("INFO")));
    }

    @Test
    void setNeedDisconnectClosesAfterTheFullResponse() throws IOException {
        assertSetNeedDisconnectClosesAfterTheFullResponse(port);
    }

    /** {@code /seed/set-need-disconnect} with a pipelined request: the full response, then EOF. */
    static void assertSetNeedDisconnectClosesAfterTheFullResponse(int port) throws IOException {
        try (Socket socket = Wire.connect(port)) {
            Wire.send(socket, Wire.get("/seed/set-need-disconnect") + Wire.get("/"));
            InputStream in = socket.getInputStream();
            HttpTester.Response response = Wire.readResponse(in);
            assertThat(response.getStatus(), is(200));
            assertThat(response.get("Connection"), is("close"));
            assertThat(in.read(), is(-1));
        }
    }

    @Test
    void resetConnectionResetsTheTcpConnection() throws IOException {
        assertResetConnectionResetsTheTcpConnection(port);
    }

    /** {@code /seed/reset-connection}: a TCP reset, with nothing of the response before it. */
    static void assertResetConnectionResetsTheTcpConnection(int port) throws IOException {
        try (Socket socket = Wire.connect(port)) {
            Wire.send(socket, Wire.get("/seed/reset-connection"));
            Wire.Reset reset = Wire.readToReset(socket.getInputStream());
            assertThat(reset.before(), is(""));
            assertThat(reset.failure().getMessage().toLowerCase(java.util.Locale.ROOT), containsString("reset"));
        }
    }

    @Test
    void theModuleSettingIsOfferedInStartD() throws IOException {
        assertThat(new String(Files.readAllBytes(base.resolve("start.d").resolve("iisport.ini")),
                StandardCharsets.UTF_8), containsString("jetty.iisport.exemptApplicationResets"));
    }
}
