package io.iisport.jetty;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.iisport.spi.ConnectionBridge;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.Socket;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;

/**
 * Spring Boot's embedded Jetty ({@code JettyWebServer}) starts its server without the connectors it configured and
 * adds them back once the application is ready: the extension, installed on those connectors before, covers them and
 * says so at start, without the WARN meant for a server with no connector at all.
 */
public class ConnectorsAddedAfterStartTest extends AbstractConnectionActionsTest
{
    @Test
    public void connectorsAddedBackAfterTheServerStartedAreCoveredAndReportedWithoutAWarning() throws Exception
    {
        server = new Server(new QueuedThreadPool());
        connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        customizer = new IisportConnectionCustomizer();
        customizer.install(server);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(new HttpServlet()
        {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException
            {
                ((Runnable)request.getAttribute(ConnectionBridge.DISCONNECT_ATTRIBUTE)).run();
                response.getWriter().print("bye");
            }
        }), "/*");
        server.setHandler(context);
        Connector[] connectors = server.getConnectors();
        server.setConnectors(null);
        server.start();
        server.setConnectors(connectors);
        connector.start();

        assertThat(capturedLog(), containsString("started: connection actions on [http/1.1]@127.0.0.1:0, once the server serves through them"));
        try (Socket socket = new Socket("127.0.0.1", connector.getLocalPort()))
        {
            send(socket, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
            String response = readToEof(socket.getInputStream());
            assertThat(response, containsString("Connection: close"));
            assertThat(response, endsWith("bye"));
        }
        assertEquals(1, customizer.getDisconnects());
    }
}
