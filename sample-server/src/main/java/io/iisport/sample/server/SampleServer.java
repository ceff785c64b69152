package io.iisport.sample.server;

import io.iisport.jetty.IisportConnectionCustomizer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the iisport sample WAR on embedded Jetty 12 (ee10) with the iisport extension installed, so that
 * {@code SetNeedDisconnect} closes connections (HTTP/2: GOAWAY) and {@code ResetConnection} resets them
 * (HTTP/2: RST_STREAM CANCEL).
 *
 * <p>Two connectors: HTTP/1.1 and h2c (prior knowledge) on {@code http.port}, and TLS with ALPN (h2, http/1.1) on
 * {@code https.port}. Without a configured key store a self-signed certificate for {@code localhost} and
 * {@code 127.0.0.1} is made at start with the JDK's {@code keytool}.
 *
 * <p>Options are system properties, or arguments {@code --name=value} standing for {@code iisport.name}
 * ({@code --http.port=9090} is {@code -Diisport.http.port=9090}):
 * <table>
 *   <caption>Options</caption>
 *   <tr><th>property</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code iisport.host}</td><td>127.0.0.1</td><td>the address to listen on ({@code 0.0.0.0} for all)</td></tr>
 *   <tr><td>{@code iisport.http.port}</td><td>8080</td><td>HTTP/1.1 + h2c; 0 picks a free port</td></tr>
 *   <tr><td>{@code iisport.https.port}</td><td>8443</td><td>TLS: HTTP/1.1 + h2; 0 picks a free port, -1 turns TLS off</td></tr>
 *   <tr><td>{@code iisport.keystore}</td><td>(self-signed, made at start)</td><td>a PKCS12 or JKS key store</td></tr>
 *   <tr><td>{@code iisport.keystore.password}</td><td></td><td>its password</td></tr>
 *   <tr><td>{@code iisport.war}</td><td>{@code iisport-webapp-sample.war} beside this jar</td><td>the WAR to deploy</td></tr>
 *   <tr><td>{@code iisport.context.path}</td><td>/</td><td>where to deploy it</td></tr>
 *   <tr><td>{@code iisport.override}</td><td>(none)</td><td>an override web.xml, applied after the WAR's own: change
 *       module settings ({@code <filter>} init-params) without rebuilding the WAR</td></tr>
 * </table>
 */
public final class SampleServer {
    private static final Logger LOG = LoggerFactory.getLogger(SampleServer.class);
    /** The WAR's file name beside this jar, where the build copies it. */
    public static final String WAR_FILE_NAME = "iisport-webapp-sample.war";

    /** What to serve and where. */
    public static final class Options {
        /** The names of the options, each the {@code iisport.}{@code NAME} property and the {@code --NAME} argument. */
        public static final List<String> NAMES = List.of("host", "http.port", "https.port", "keystore",
                "keystore.password", "war", "context.path", "override");
        private static final String PREFIX = "iisport.";

        /** The address to listen on. */
        public String host = "127.0.0.1";
        /** The HTTP/1.1 + h2c port; 0 picks a free one. */
        public int httpPort = 8080;
        /** The TLS port; 0 picks a free one, -1 turns TLS off. */
        public int httpsPort = 8443;
        /** A key store, or {@code null} for a self-signed certificate made at start. */
        public Path keyStore;
        /** The key store's password. */
        public String keyStorePassword = "";
        /** The WAR file or exploded directory. */
        public Path war;
        /** The context path. */
        public String contextPath = "/";
        /** An override web.xml applied after the WAR's own, or {@code null}. */
        public Path overrideDescriptor;

        /**
         * Reads the options from {@code iisport.*} properties.
         *
         * @param properties the properties, usually the system properties
         * @return the options
         * @throws IllegalArgumentException naming the property if a value is wrong
         */
        public static Options from(Properties properties) {
            for (String key : properties.stringPropertyNames()) {
                if (key.startsWith(PREFIX) && !NAMES.contains(key.substring(PREFIX.length()))) {
                    throw unknown("-D" + key);
                }
            }
            Options options = new Options();
            options.host = properties.getProperty("iisport.host", options.host);
            options.httpPort = port(properties, "iisport.http.port", options.httpPort, false);
            options.httpsPort = port(properties, "iisport.https.port", options.httpsPort, true);
            String keyStore = properties.getProperty("iisport.keystore");
            options.keyStore = keyStore == null || keyStore.isBlank() ? null : Path.of(keyStore);
            options.keyStorePassword = properties.getProperty("iisport.keystore.password", "");
            String war = properties.getProperty("iisport.war");
            options.war = war == null || war.isBlank() ? defaultWar() : Path.of(war);
            options.contextPath = properties.getProperty("iisport.context.path", options.contextPath);
            String override = properties.getProperty("iisport.override");
            options.overrideDescriptor = override == null || override.isBlank() ? null : Path.of(override);
            return options;
        }

        /**
         * Reads the options from {@code --NAME=value} arguments over {@code iisport.*} properties: an argument wins
         * over the property of the same name.
         *
         * @param args the arguments
         * @param properties the properties, usually the system properties
         * @return the options
         * @throws IllegalArgumentException naming the argument or property, and the known options, if one is not an
         * option; naming the value if it is wrong
         */
        public static Options from(String[] args, Properties properties) {
            Properties merged = new Properties();
            merged.putAll(properties);
            for (String arg : args) {
                int equals = arg.indexOf('=');
                if (!arg.startsWith("--") || equals < 3) {
                    throw new IllegalArgumentException("'" + arg + "' is not an option --NAME=value; the options are "
                            + known());
                }
                String name = arg.substring(2, equals);
                if (!NAMES.contains(name)) {
                    throw unknown("--" + name);
                }
                merged.setProperty(PREFIX + name, arg.substring(equals + 1));
            }
            return from(merged);
        }

        private static IllegalArgumentException unknown(String option) {
            return new IllegalArgumentException("unknown option " + option + "; the options are " + known());
        }

        private static String known() {
            return NAMES.stream().map(name -> "--" + name).collect(Collectors.joining(", "))
                    + " (or -Diisport.NAME=value)";
        }

        /** @return whether the WAR served is the sample's own, the one beside this jar, rather than another one */
        public boolean servesTheSampleWar() {
            return war.toAbsolutePath().normalize().equals(defaultWar().toAbsolutePath().normalize());
        }

        private static int port(Properties properties, String name, int defaultValue, boolean mayBeOff) {
            String value = properties.getProperty(name);
            if (value == null || value.isBlank()) {
                return defaultValue;
            }
            try {
                int port = Integer.parseInt(value.trim());
                if (port >= (mayBeOff ? -1 : 0) && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(name + "=" + value + ": expected a port from " + (mayBeOff ? "-1 (off)" : "0")
                    + " to 65535");
        }

        private static Path defaultWar() {
            try {
                Path location = Path.of(SampleServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                // From the jar: target/iisport-sample-server.jar; from classes: target/classes.
                return location.getParent().resolve(WAR_FILE_NAME);
            } catch (URISyntaxException | RuntimeException e) {
                return Path.of(WAR_FILE_NAME);
            }
        }
    }

    private final Options options;
    private final Server server = new Server();
    private final IisportConnectionCustomizer customizer = new IisportConnectionCustomizer();
    private final WebAppContext webApp = new WebAppContext();
    private ServerConnector http;
    private ServerConnector https;
    private String generatedPassword;

    /**
     * Configures the server; {@link #start()} starts it.
     *
     * @param options what to serve and where
     */
    public SampleServer(Options options) {
        this.options = options;
    }

    /**
     * Adds the connectors, installs the iisport extension, deploys the WAR and starts the server.
     *
     * @return this
     * @throws Exception if the server or the web application does not start (a wrong web.xml setting included)
     */
    public SampleServer start() throws Exception {
        if (!Files.exists(options.war)) {
            throw new IllegalStateException("no WAR at " + options.war.toAbsolutePath()
                    + ": build it first (mvn install), or set -Diisport.war=...");
        }
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        http = new ServerConnector(server, new HttpConnectionFactory(config), new HTTP2CServerConnectionFactory(config));
        http.setHost(options.host);
        http.setPort(options.httpPort);
        server.addConnector(http);

        if (options.httpsPort >= 0) {
            HttpConfiguration tlsConfig = new HttpConfiguration(config);
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            // The self-signed certificate names localhost and 127.0.0.1; let other host names through too.
            secure.setSniHostCheck(false);
            tlsConfig.addCustomizer(secure);
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            if (options.keyStore == null) {
                ssl.setKeyStore(selfSignedKeyStore());
                ssl.setKeyStorePassword(generatedPassword);
            } else {
                ssl.setKeyStorePath(options.keyStore.toString());
                ssl.setKeyStorePassword(options.keyStorePassword);
            }
            HttpConnectionFactory http1 = new HttpConnectionFactory(tlsConfig);
            HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(tlsConfig);
            // ALPN protocol ids (RFC 7301): "h2" first, then "http/1.1", also the default for clients without ALPN.
            ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
            alpn.setDefaultProtocol(http1.getProtocol());
            https = new ServerConnector(server, new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, h2, http1);
            https.setHost(options.host);
            https.setPort(options.httpsPort);
            server.addConnector(https);
        }

        webApp.setContextPath(options.contextPath);
        webApp.setWar(options.war.toAbsolutePath().toString());
        if (options.overrideDescriptor != null) {
            webApp.addOverrideDescriptor(options.overrideDescriptor.toAbsolutePath().toString());
        }
        // A WAR whose filters or servlets fail to initialize (a wrong module setting) fails the start.
        webApp.setThrowUnavailableOnStartupException(true);
        server.setHandler(webApp);

        // After the connectors, before start: every connector gets the iisport connection actions.
        customizer.install(server);
        server.setStopAtShutdown(true);
        try {
            server.start();
        } catch (Exception e) {
            stop();
            throw e;
        }
        return this;
    }

    /**
     * Makes a self-signed certificate with keytool and loads it: the key store is in memory only; its temporary
     * directory and file are deleted before this returns, whether keytool succeeded or not.
     */
    private KeyStore selfSignedKeyStore() throws IOException, InterruptedException, GeneralSecurityException {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        generatedPassword = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path dir = Files.createTempDirectory("iisport-sample-keystore");
        Path file = dir.resolve("self-signed.p12");
        try {
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Process process = new ProcessBuilder(keytool, "-genkeypair", "-alias", "iisport-sample",
                    "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost", "-validity", "30",
                    "-ext", "SAN=dns:localhost,ip:127.0.0.1,ip:::1",
                    "-storetype", "PKCS12", "-keystore", file.toString(),
                    "-storepass", generatedPassword, "-keypass", generatedPassword)
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException("keytool could not make a self-signed certificate: " + output);
            }
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(file)) {
                keyStore.load(in, generatedPassword.toCharArray());
            }
            return keyStore;
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    /** Stops the server. */
    public void stop() {
        LifeCycle.stop(server);
    }

    /** @return the Jetty server */
    public Server getServer() {
        return server;
    }

    /** @return the installed iisport extension, with its counters */
    public IisportConnectionCustomizer getCustomizer() {
        return customizer;
    }

    /** @return the deployed web application */
    public WebAppContext getWebApp() {
        return webApp;
    }

    /** @return the port of the HTTP/1.1 + h2c connector, once started */
    public int getHttpPort() {
        return http.getLocalPort();
    }

    /** @return the port of the TLS connector once started, or -1 if TLS is off */
    public int getHttpsPort() {
        return https == null ? -1 : https.getLocalPort();
    }

    /**
     * Starts the sample server and waits until it is stopped (Ctrl+C).
     *
     * @param args {@code --name=value} options standing for the {@code iisport.name} system properties
     * @throws Exception if the server does not start
     */
    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.from(args, System.getProperties());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("usage: java -jar iisport-sample-server.jar [--host=127.0.0.1] [--http.port=8080]"
                    + " [--https.port=8443|-1] [--keystore=FILE --keystore.password=PW] [--war=FILE] [--context.path=/]"
                    + " [--override=override-web.xml]");
            System.exit(2);
            return;
        }
        SampleServer sample = new SampleServer(options);
        sample.start();
        LOG.info("{}", sample.describe());
        sample.server.join();
    }

    /**
     * Describes what is served, for the start-up log: the WAR, its URLs, and for the sample's own WAR the requests
     * to try; another WAR ({@code --war}) gets its context's URLs only, since the sample's paths are not in it.
     *
     * @return the text, several lines
     */
    public String describe() {
        String host = options.host.contains(":") ? "[" + options.host + "]" : options.host;
        if ("0.0.0.0".equals(options.host) || "::".equals(options.host)) {
            host = "127.0.0.1";
        }
        String context = options.contextPath.endsWith("/") ? options.contextPath : options.contextPath + "/";
        String base = "http://" + host + ":" + getHttpPort() + context;
        StringBuilder text = new StringBuilder();
        text.append(options.servesTheSampleWar() ? "iisport sample is running: " : "iisport sample server is serving ")
                .append(options.war.toAbsolutePath()).append('\n');
        text.append("  ").append(base).append("  (HTTP/1.1 and h2c)\n");
        String tls = null;
        if (https != null) {
            tls = "https://" + host + ":" + getHttpsPort() + context;
            text.append("  ").append(tls).append("  (HTTP/1.1 and h2 over TLS, ")
                    .append(options.keyStore == null ? "self-signed certificate: curl -k" : options.keyStore).append(")\n");
        }
        if (!options.servesTheSampleWar()) {
            return text.append("Stop with Ctrl+C.").toString();
        }
        text.append("Open ").append(base).append(" in a browser, or try:\n");
        for (String line : List.of(
                "curl -v " + base + "seed/set-need-disconnect          # full response, then 'Closing connection'",
                "curl -v " + base + "seed/reset-connection             # 'Connection reset by peer', no response",
                "curl -v --http2-prior-knowledge " + base + "seed/reset-connection   # RST_STREAM, error CANCEL (8)",
                "curl -v " + base + "demo/settings.bak                 # 404, body: HTTP Error 404.7",
                "curl -X POST '" + base + "admin/drain?draining=true'  # then every /demo/* response closes its connection",
                "h2load -n 20000 -c 8 " + base + "bench/filtered        # compare with bench/plain")) {
            text.append("  ").append(line).append('\n');
        }
        if (tls != null) {
            text.append("  curl -vk --http2 ").append(tls).append("seed/set-need-disconnect   # over h2: GOAWAY after the response\n");
        }
        return text.append("Stop with Ctrl+C.").toString();
    }
}
