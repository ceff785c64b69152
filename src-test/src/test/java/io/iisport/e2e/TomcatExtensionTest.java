package io.iisport.e2e;

import static io.iisport.e2e.Wire.connect;
import static io.iisport.e2e.Wire.connectTls;
import static io.iisport.e2e.Wire.get;
import static io.iisport.e2e.Wire.readResponse;
import static io.iisport.e2e.Wire.readToReset;
import static io.iisport.e2e.Wire.send;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

import io.iisport.tomcat.IisportConnectionValve;
import io.iisport.tomcat.RawH2;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.http2.Http2Protocol;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The built WAR on Tomcat 10.1 with {@code iisport-tomcat-extension}'s Valve on the Engine, as the README installs
 * it: the seed samples' {@code setNeedDisconnect()} and {@code resetConnection()} checked on the wire over HTTP/1.1
 * (plain and TLS) with raw sockets, and over HTTP/2 (h2c with prior knowledge, h2 over TLS) with a raw frame
 * client that never sends GOAWAY nor closes first.
 */
class TomcatExtensionTest {
    private static final String DISCONNECT_BODY = "Hello from GET /seed/set-need-disconnect\n";
    /** Tomcat's HTTP/2 keep-alive timeout here: a connection that the server does not close stays open so long. */
    private static final long H2_KEEP_ALIVE_MILLIS = 30_000;

    private static Path baseDir;
    private static Tomcat tomcat;
    private static IisportConnectionValve valve;
    private static int port;
    private static int tlsPort;

    @BeforeAll
    static void start() throws Exception {
        baseDir = Files.createTempDirectory("iisport-tomcat-extension");
        tomcat = TomcatTest.newTomcat(baseDir);
        Connector plain = tomcat.getConnector();
        plain.addUpgradeProtocol(http2());
        Connector tls = new Connector();
        tls.setPort(0);
        tls.setProperty("address", "127.0.0.1");
        tls.setSecure(true);
        tls.setScheme("https");
        tls.setProperty("SSLEnabled", "true");
        SSLHostConfig sslHostConfig = new SSLHostConfig();
        SSLHostConfigCertificate certificate = new SSLHostConfigCertificate(sslHostConfig, SSLHostConfigCertificate.Type.EC);
        String password = "iisport-test";
        certificate.setCertificateKeystoreFile(selfSignedKeyStore(baseDir, password).toString());
        certificate.setCertificateKeystorePassword(password);
        sslHostConfig.addCertificate(certificate);
        tls.addSslHostConfig(sslHostConfig);
        tls.addUpgradeProtocol(http2());
        tomcat.getService().addConnector(tls);
        valve = new IisportConnectionValve();
        tomcat.getEngine().getPipeline().addValve(valve);

        TomcatTest.deploySampleWar(tomcat, baseDir);
        tomcat.start();
        port = plain.getLocalPort();
        tlsPort = tls.getLocalPort();
    }

    private static Http2Protocol http2() {
        Http2Protocol http2 = new Http2Protocol();
        http2.setKeepAliveTimeout(H2_KEEP_ALIVE_MILLIS);
        return http2;
    }

    private static Path selfSignedKeyStore(Path dir, String password) throws Exception {
        Path file = dir.resolve("self-signed.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process process = new ProcessBuilder(keytool, "-genkeypair", "-alias", "tomcat", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", password, "-keypass", password)
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
        return file;
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (tomcat != null) {
                tomcat.stop();
                tomcat.destroy();
            }
        } finally {
            TomcatTest.deleteRecursively(baseDir);
        }
    }

    // ---------------------------------------------------------------- HTTP/1.1

    private static void assertDisconnect(Socket socket) throws IOException {
        long before = valve.getDisconnects();
        send(socket, get("/seed/set-need-disconnect") + get("/bench/plain"));
        InputStream input = socket.getInputStream();
        HttpTester.Response response = readResponse(input);
        assertThat(response.getStatus(), is(200));
        assertThat(response.getContent(), is(DISCONNECT_BODY));
        // FIN after the full response: the pipelined request is never served.
        assertThat(input.read(), is(-1));
        assertThat(valve.getDisconnects(), is(before + 1));
    }

    private static void assertReset(Socket socket) throws IOException {
        long before = valve.getResets();
        send(socket, get("/seed/reset-connection") + get("/bench/plain"));
        Wire.Reset reset = readToReset(socket.getInputStream());
        assertThat(reset.failure().getMessage(), containsString("Connection reset"));
        // Nothing of the response, and the pipelined request never served.
        assertThat(reset.before(), is(""));
        assertThat(valve.getResets(), is(before + 1));
    }

    @Test
    void setNeedDisconnectClosesAfterTheResponse() throws Exception {
        try (Socket socket = connect(port)) {
            assertDisconnect(socket);
        }
    }

    @Test
    void setNeedDisconnectClosesAfterTheResponseOverTls() throws Exception {
        try (Socket socket = connectTls(tlsPort)) {
            assertDisconnect(socket);
        }
    }

    @Test
    void resetConnectionResetsTheConnection() throws Exception {
        try (Socket socket = connect(port)) {
            assertReset(socket);
        }
    }

    @Test
    void resetConnectionResetsTheConnectionOverTls() throws Exception {
        try (Socket socket = connectTls(tlsPort)) {
            assertReset(socket);
        }
    }

    @Test
    void abortRequestResetsTheConnection() throws Exception {
        try (Socket socket = connect(port)) {
            send(socket, get("/dynamic-ip/abort/", "X-Forwarded-For: 192.0.2.1"));
            Wire.Reset reset = readToReset(socket.getInputStream());
            assertThat(reset.failure().getMessage(), containsString("Connection reset"));
            assertThat(reset.before(), is(""));
        }
    }

    @Test
    void theConnectionIsReusedWithoutAnAction() throws Exception {
        try (Socket socket = connect(port)) {
            InputStream input = socket.getInputStream();
            send(socket, get("/bench/plain"));
            assertThat(readResponse(input).getStatus(), is(200));
            send(socket, get("/bench/plain"));
            assertThat(readResponse(input).getStatus(), is(200));
        }
    }

    // ---------------------------------------------------------------- HTTP/2

    private static void assertH2Disconnect(RawH2 h2) throws IOException {
        long goAways = valve.getGoAways();
        h2.get(1, "/seed/set-need-disconnect");
        assertH2DisconnectOfStream1(h2, goAways);
    }

    /** Stream 1, a GET of /seed/set-need-disconnect, completes; then GOAWAY and EOF, promptly. */
    private static void assertH2DisconnectOfStream1(RawH2 h2, long goAways) throws IOException {
        assertThat(h2.readUntil(event -> event.equals("end:1")), is("end:1"));
        long completed = System.nanoTime();
        assertThat(h2.readUntilFinalGoAway(), is("goaway:1:0"));
        assertThat(h2.readToEnd(), is("eof"));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - completed);
        // Closed by the server well before its keep-alive timeout, although the client never answered.
        assertThat(millis, lessThan(Wire.PROMPT_CLOSE_MILLIS));
        assertThat(h2.frames, hasItem("data:1:" + DISCONNECT_BODY));
        assertThat(h2.frames, not(hasItem(containsString("rst:"))));
        assertThat(valve.getGoAways(), is(goAways + 1));
    }

    private static void assertH2Reset(RawH2 h2) throws IOException {
        long before = valve.getStreamResets();
        h2.get(1, "/seed/reset-connection");
        assertThat(h2.readUntil(event -> event.startsWith("rst:") || event.startsWith("end:")), is("rst:1:8"));
        assertThat(h2.frames, not(hasItem(containsString("headers:1"))));
        // This stream only: the connection serves the next stream.
        h2.get(3, "/bench/plain");
        assertThat(h2.readUntil(event -> event.startsWith("end:3") || event.startsWith("rst:3")), is("end:3"));
        assertThat(h2.frames, hasItem("data:3:Hello from GET /bench/plain\n"));
        assertThat(valve.getStreamResets(), is(before + 1));
    }

    @Test
    void h2cSetNeedDisconnectSendsGoAwayThenCloses() throws Exception {
        try (RawH2 h2 = RawH2.h2c(port)) {
            assertH2Disconnect(h2);
        }
    }

    @Test
    void h2cUpgradeSetNeedDisconnectSendsGoAwayThenCloses() throws Exception {
        long goAways = valve.getGoAways();
        try (RawH2 h2 = RawH2.h2cUpgrade(port, "/seed/set-need-disconnect")) {
            assertH2DisconnectOfStream1(h2, goAways);
        }
    }

    @Test
    void h2SetNeedDisconnectSendsGoAwayThenCloses() throws Exception {
        try (RawH2 h2 = RawH2.h2(tlsPort, Wire.trustAll())) {
            assertH2Disconnect(h2);
        }
    }

    @Test
    void h2cResetConnectionResetsTheStreamOnly() throws Exception {
        try (RawH2 h2 = RawH2.h2c(port)) {
            assertH2Reset(h2);
        }
    }

    @Test
    void h2ResetConnectionResetsTheStreamOnly() throws Exception {
        try (RawH2 h2 = RawH2.h2(tlsPort, Wire.trustAll())) {
            assertH2Reset(h2);
        }
    }

    @Test
    void theCountersAreExportedOverJmx() throws Exception {
        try (Socket socket = connect(port)) {
            assertDisconnect(socket);
        }
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> names = server.queryNames(new ObjectName("*:type=Valve,name=IisportConnectionValve,*"), null);
        assertThat(names.size(), is(1));
        ObjectName name = names.iterator().next();
        // Tomcat's own attribute naming (introspected getters): lower camel case.
        assertThat(server.getAttribute(name, "disconnects"), is(valve.getDisconnects()));
        assertThat(server.getAttribute(name, "resets"), is(valve.getResets()));
        assertThat(server.getAttribute(name, "streamResets"), is(valve.getStreamResets()));
        assertThat(server.getAttribute(name, "goAways"), is(valve.getGoAways()));
        assertThat(server.getAttribute(name, "closes"), is(valve.getCloses()));
    }
}
