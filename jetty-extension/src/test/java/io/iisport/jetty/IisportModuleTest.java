package io.iisport.jetty;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.xml.XmlConfiguration;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Jetty distribution files: {@code modules/iisport.mod} and the {@code etc/iisport.xml} it names, applied
 * with {@link XmlConfiguration} as the distribution's start mechanism does.
 */
public class IisportModuleTest extends AbstractConnectionActionsTest
{
    private static final Path CONFIG = Path.of(System.getProperty("basedir", "."), "src/main/config");

    private static Map<String, List<String>> sections() throws Exception
    {
        Map<String, List<String>> sections = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : Files.readAllLines(CONFIG.resolve("modules/iisport.mod")))
        {
            if (line.startsWith("[") && line.endsWith("]"))
            {
                current = new java.util.ArrayList<>();
                sections.put(line.substring(1, line.length() - 1), current);
            }
            else if (current != null && !line.isBlank())
            {
                current.add(line);
            }
        }
        return sections;
    }

    @Test
    public void moduleHasTheSectionsOfAJettyModule() throws Exception
    {
        Map<String, List<String>> sections = sections();
        assertThat(sections.keySet(), hasItems("description", "tags", "depend", "lib", "xml", "ini-template"));
        assertEquals(List.of("server"), sections.get("depend"));
        for (String xml : sections.get("xml"))
        {
            assertTrue(Files.isRegularFile(CONFIG.resolve(xml)), xml);
        }
        // Every default of the ini-template is shown commented out.
        for (String line : sections.get("ini-template"))
        {
            assertTrue(line.startsWith("#"), line);
        }
    }

    private IisportConnectionCustomizer applyXml(Map<String, String> properties, org.eclipse.jetty.server.Server server) throws Exception
    {
        XmlConfiguration xml = new XmlConfiguration(ResourceFactory.root().newResource(CONFIG.resolve("etc/iisport.xml")));
        xml.getIdMap().put("Server", server);
        xml.getProperties().putAll(properties);
        xml.configure(server);
        IisportConnectionCustomizer customizer = server.getBean(IisportConnectionCustomizer.class);
        assertNotNull(customizer);
        return customizer;
    }

    private void startWithXml(Map<String, String> properties) throws Exception
    {
        installer = (server, config) -> applyXml(properties, server);
        startPlain((request, response) ->
        {
            disconnect(request).run();
            response.getWriter().print("bye");
        });
    }

    @Test
    public void xmlInstallsTheCustomizerWhenTheServerStarts() throws Exception
    {
        startWithXml(Map.of());
        assertThat(connector.getConnectionFactory(HTTP2CServerConnectionFactory.class).getRateControlFactory(), instanceOf(IisportRateControlFactory.class));
        try (Socket socket = connect())
        {
            send(socket, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
            String response = readToEof(socket.getInputStream());
            assertThat(response, containsString("Connection: close"));
            assertThat(response, endsWith("bye"));
        }
        assertEquals(1, customizer.getDisconnects());
        assertEquals(IisportConnectionCustomizer.DEFAULT_HTTP2_CLOSE_GRACE, customizer.getHttp2CloseGrace());
    }

    @Test
    public void xmlPropertySetsTheHttp2CloseGrace() throws Exception
    {
        startWithXml(Map.of("jetty.iisport.http2CloseGrace", "250"));
        assertEquals(250, customizer.getHttp2CloseGrace());
    }

    @Test
    public void xmlPropertyDisablesTheRateControlExemption() throws Exception
    {
        startWithXml(Map.of("jetty.iisport.exemptApplicationResets", "false"));
        assertThat(connector.getConnectionFactory(HTTP2CServerConnectionFactory.class).getRateControlFactory(), not(instanceOf(IisportRateControlFactory.class)));
        try (Socket socket = connect())
        {
            send(socket, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(readToEof(socket.getInputStream()), endsWith("bye"));
        }
    }
}
