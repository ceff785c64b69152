package io.iisport.jetty;

import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.eclipse.jetty.jmx.MBeanContainer;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

public class IisportConnectionCustomizerJmxTest extends AbstractConnectionActionsTest
{
    @Test
    public void countersAreExportedOverJmx() throws Exception
    {
        startPlain((request, response) ->
        {
            disconnect(request).run();
            response.getWriter().print("bye");
        });
        MBeanServer mbeanServer = ManagementFactory.getPlatformMBeanServer();
        MBeanContainer mbeanContainer = new MBeanContainer(mbeanServer);
        server.addBean(mbeanContainer);
        try
        {
            Set<ObjectName> names = mbeanServer.queryNames(new ObjectName("io.iisport.jetty:type=iisportconnectioncustomizer,*"), null);
            assertEquals(1, names.size(), names.toString());
            ObjectName name = names.iterator().next();
            assertEquals(0L, mbeanServer.getAttribute(name, "disconnects"));

            try (Socket socket = connect())
            {
                send(socket, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertThat(readToEof(socket.getInputStream()), endsWith("bye"));
            }
            assertEquals(1L, mbeanServer.getAttribute(name, "disconnects"));
            assertEquals(0L, mbeanServer.getAttribute(name, "resets"));
            mbeanServer.invoke(name, "resetStatistics", null, null);
            assertEquals(0L, mbeanServer.getAttribute(name, "disconnects"));
        }
        finally
        {
            server.removeBean(mbeanContainer);
            mbeanContainer.destroy();
        }
    }
}
