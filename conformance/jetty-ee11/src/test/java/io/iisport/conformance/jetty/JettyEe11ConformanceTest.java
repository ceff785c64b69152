package io.iisport.conformance.jetty;

import io.iisport.conformance.ConformanceSuite;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.eclipse.jetty.compression.gzip.GzipCompression;
import org.eclipse.jetty.compression.server.CompressionHandler;
import org.eclipse.jetty.ee11.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee11.servlet.FilterMapping;
import org.eclipse.jetty.ee11.webapp.WebAppContext;
import org.eclipse.jetty.ee11.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.ee11.websocket.servlet.WebSocketUpgradeFilter;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * The catalogue on embedded Jetty 12.1 ee11: the WAR in a {@link WebAppContext} (its own class loader), HTTP/1.1
 * and h2c on one connector, jakarta.websocket, and a gzip {@link CompressionHandler} in front.
 */
class JettyEe11ConformanceTest extends ConformanceSuite {
    private Server server;

    @Override
    protected String container() {
        return "jetty-ee11";
    }

    @Override
    protected int start(Path war) throws Exception {
        server = new Server();
        HttpConfiguration config = new HttpConfiguration();
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(config),
                new HTTP2CServerConnectionFactory(config));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        WebAppContext webApp = new WebAppContext();
        webApp.setContextPath("/");
        webApp.setWar(war.toString());
        // Error pages without stack traces, as in production: a stack names the filter's frames.
        ErrorPageErrorHandler errorHandler = new ErrorPageErrorHandler();
        errorHandler.setShowStacks(false);
        webApp.setErrorHandler(errorHandler);
        // The WebSocket upgrades go through the module filter, as the README tells Jetty users to declare it.
        webApp.setOverrideDescriptor(JettyEe11ConformanceTest.class.getResource("/websocket-after-iisport.xml")
                .toExternalForm());
        JakartaWebSocketServletContainerInitializer.configure(webApp, null);
        CompressionHandler compression = new CompressionHandler();
        compression.putCompression(new GzipCompression());
        compression.setHandler(webApp);
        server.setHandler(compression);
        server.start();
        List<String> filters = Arrays.stream(webApp.getServletHandler().getFilterMappings())
                .map(FilterMapping::getFilterName).toList();
        int upgrade = filters.indexOf(WebSocketUpgradeFilter.class.getName());
        if (upgrade < 0 || upgrade < filters.indexOf("need-disconnect")) {
            throw new IllegalStateException("Jetty's WebSocketUpgradeFilter is not after the module filters: " + filters);
        }
        return connector.getLocalPort();
    }

    @Override
    protected void stop() {
        LifeCycle.stop(server);
    }
}
