package io.iisport.bench;

import io.iisport.filter.IisModuleFilter;
import io.iisport.tomcat.IisportConnectionValve;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardEngine;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.core.StandardService;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.AbstractProtocol;
import org.apache.coyote.http2.Http2Protocol;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/**
 * The Tomcat counterpart of {@link BenchServer}: one embedded Tomcat, two services side by side, each with its own
 * connector (HTTP/1.1, and h2c by prior knowledge or Upgrade through {@link Http2Protocol}) and the same servlet.
 * {@link #bare} is plain Tomcat; {@link #iisport} has {@link IisportConnectionValve} in its engine, as README's
 * {@code server.xml} line installs it. Paths on both: {@code /bare/*} (no filter), {@code /noop/*} (the module filter
 * with a no-op module, default buffering), {@code /reset/*} and {@code /disconnect/*} (modules that reset or
 * disconnect); the servlet answers {@code .../small} with 13 bytes and {@code .../1m} with 1 MiB.
 *
 * <p>Both connectors serve any number of requests per connection ({@code maxKeepAliveRequests=-1}), as Jetty does;
 * Tomcat's default of 100 would close a keep-alive connection every 100 requests and measure that instead.
 */
final class TomcatBenchServer {
    final Tomcat tomcat;
    final Connector bare;
    final Connector iisport;
    private final Path baseDir;

    TomcatBenchServer(String host) throws IOException {
        baseDir = Files.createTempDirectory("iisport-bench-tomcat");
        tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());

        bare = connector(host);
        tomcat.setConnector(bare);
        servlets(tomcat.addContext("", baseDir.toString()));

        StandardService service = new StandardService();
        service.setName("iisport");
        StandardEngine engine = new StandardEngine();
        engine.setName("iisport");
        engine.setDefaultHost("localhost");
        engine.getPipeline().addValve(new IisportConnectionValve());
        StandardHost virtualHost = new StandardHost();
        virtualHost.setName("localhost");
        virtualHost.setAppBase(baseDir.toString());
        engine.addChild(virtualHost);
        service.setContainer(engine);
        iisport = connector(host);
        service.addConnector(iisport);
        tomcat.getServer().addService(service);
        servlets(tomcat.addContext(virtualHost, "", baseDir.toString()));
    }

    private static Connector connector(String host) {
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", host);
        connector.setProperty("maxKeepAliveRequests", "-1");
        connector.addUpgradeProtocol(new Http2Protocol());
        return connector;
    }

    private static void servlets(Context context) {
        Tomcat.addServlet(context, "payload", new BenchServer.Payload());
        context.addServletMappingDecoded("/*", "payload");
        filter(context, "/noop/*", Map.of("modules", "NoOp=" + BenchModules.NoOp.class.getName()));
        filter(context, "/reset/*", Map.of("modules", "Reset=" + BenchModules.Reset.class.getName()));
        filter(context, "/disconnect/*", Map.of("modules", "Disconnect=" + BenchModules.Disconnect.class.getName()));
    }

    private static void filter(Context context, String path, Map<String, String> params) {
        FilterDef def = new FilterDef();
        def.setFilterName(path);
        def.setFilter(new IisModuleFilter());
        params.forEach(def::addInitParameter);
        context.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName(path);
        map.addURLPatternDecoded(path);
        context.addFilterMap(map);
    }

    TomcatBenchServer start() throws Exception {
        tomcat.start();
        return this;
    }

    /** @return the connections the connector holds open now (its endpoint's count) */
    static long openConnections(Connector connector) {
        return ((AbstractProtocol<?>) connector.getProtocolHandler()).getConnectionCount();
    }

    void stop() throws Exception {
        try {
            tomcat.stop();
            tomcat.destroy();
        } finally {
            try (Stream<Path> paths = Files.walk(baseDir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }
}
