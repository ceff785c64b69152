package io.iisport.sample.server;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample server's options, what it says it serves, and its temporary key store. The build points
 * {@code java.io.tmpdir} at a directory of this module's own, so the key store directories it makes are the only ones
 * there.
 */
class SampleServerTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void createTheTemporaryDirectory() throws IOException {
        Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** An empty Servlet 6 web application, as an exploded WAR. */
    private Path otherWar() throws IOException {
        Path war = dir.resolve("other");
        Files.createDirectories(war.resolve("WEB-INF"));
        Files.writeString(war.resolve("WEB-INF").resolve("web.xml"),
                "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\"/>");
        return war;
    }

    private static List<Path> keyStoreDirectories() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(file -> file.getFileName().toString().startsWith("iisport-sample-keystore")).toList();
        }
    }

    @Test
    void anUnknownArgumentIsRejectedWithTheKnownOptions() {
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
                () -> SampleServer.Options.from(new String[] {"--port=8081"}, new Properties()));
        assertThat(failure.getMessage(), allOf(containsString("unknown option --port"),
                containsString("--http.port"), containsString("--war"), containsString("--override")));
    }

    @Test
    void anUnknownSystemPropertyIsRejectedWithTheKnownOptions() {
        Properties properties = new Properties();
        properties.setProperty("iisport.http.prot", "8081");
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
                () -> SampleServer.Options.from(new String[0], properties));
        assertThat(failure.getMessage(), allOf(containsString("-Diisport.http.prot"), containsString("--http.port")));
    }

    @Test
    void anArgumentThatIsNoOptionIsRejected() {
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
                () -> SampleServer.Options.from(new String[] {"8081"}, new Properties()));
        assertThat(failure.getMessage(), containsString("'8081' is not an option --NAME=value"));
    }

    @Test
    void anotherWarIsDescribedByItsContextNotBySampleUrls() throws Exception {
        Path war = otherWar();
        SampleServer.Options options = SampleServer.Options.from(
                new String[] {"--war=" + war, "--http.port=0", "--https.port=-1", "--context.path=/app"}, new Properties());
        SampleServer server = new SampleServer(options).start();
        try {
            String description = server.describe();
            assertThat(description, allOf(containsString(war.toAbsolutePath().toString()),
                    containsString("http://127.0.0.1:" + server.getHttpPort() + "/app/")));
            assertThat(description, allOf(not(containsString("seed/")), not(containsString("admin/drain")),
                    not(containsString("demo/"))));
        } finally {
            server.stop();
        }
    }

    @Test
    void aServletDeclaredByAnnotationInAnotherWarIsServed() throws Exception {
        Path war = otherWar();
        Path classes = war.resolve("WEB-INF/classes/io/iisport/sample/server");
        Files.createDirectories(classes);
        try (java.io.InputStream compiled = AnnotatedServlet.class.getResourceAsStream("AnnotatedServlet.class")) {
            Files.copy(compiled, classes.resolve("AnnotatedServlet.class"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        SampleServer server = new SampleServer(SampleServer.Options.from(
                new String[] {"--war=" + war, "--http.port=0", "--https.port=-1"}, new Properties())).start();
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.getHttpPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /annotated HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String wire = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(wire, allOf(containsString("200 OK"), containsString("found by its annotation")));
        } finally {
            server.stop();
        }
    }

    @Test
    void theSelfSignedKeyStoreLeavesNoTemporaryFile() throws Exception {
        SampleServer.Options options = SampleServer.Options.from(
                new String[] {"--war=" + otherWar(), "--http.port=0", "--https.port=0"}, new Properties());
        SampleServer server = new SampleServer(options).start();
        try {
            assertThat(server.getHttpsPort() > 0, is(true));
            assertThat(keyStoreDirectories(), is(empty()));
        } finally {
            server.stop();
        }
        assertThat(keyStoreDirectories(), is(empty()));
    }

    @Test
    void aFailedStartLeavesNoTemporaryFile() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            SampleServer.Options options = SampleServer.Options.from(new String[] {"--war=" + otherWar(),
                    "--http.port=" + taken.getLocalPort(), "--https.port=0"}, new Properties());
            assertThrows(IOException.class, () -> new SampleServer(options).start());
        }
        assertThat(keyStoreDirectories(), is(empty()));
    }
}
