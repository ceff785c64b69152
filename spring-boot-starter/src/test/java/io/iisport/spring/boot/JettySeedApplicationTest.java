package io.iisport.spring.boot;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import io.iisport.jetty.IisportConnectionCustomizer;
import java.net.Socket;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.web.server.WebServer;

/** The sample application on the embedded Jetty, where the starter installs the iisport Jetty extension. */
class JettySeedApplicationTest extends SeedApplicationTestBase {
    @Override
    Class<? extends WebServer> expectedServer() {
        return JettyWebServer.class;
    }

    @Test
    void resetConnectionResetsTheConnectionAndSendsNothing() throws Exception {
        Server server = ((JettyWebServer) context.getWebServer()).getServer();
        IisportConnectionCustomizer customizer = server.getBean(IisportConnectionCustomizer.class);
        assertThat("the starter installs the Jetty extension", customizer, notNullValue());
        long resets = customizer.getResets();
        try (Socket socket = connect()) {
            send(socket, get(RESET) + get("/demo/hello"));
            assertThat(readToReset(socket.getInputStream()), is(emptyString()));
        }
        assertThat(customizer.getResets(), is(resets + 1));
    }
}
