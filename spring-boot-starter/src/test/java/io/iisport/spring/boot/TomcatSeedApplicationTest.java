package io.iisport.spring.boot;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import io.iisport.filter.IisModuleFilter;
import java.net.Socket;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.WebServer;
import org.springframework.util.ClassUtils;

/**
 * The sample application on the embedded Tomcat: with {@code iisport-tomcat-extension} on the class path the starter
 * adds its Valve and a reset is a reset; without it the filter degrades, loudly.
 */
@Tag("tomcat")
@ExtendWith(OutputCaptureExtension.class)
class TomcatSeedApplicationTest extends SeedApplicationTestBase {
    @Override
    Class<? extends WebServer> expectedServer() {
        return TomcatWebServer.class;
    }

    @Test
    void resetConnectionResetsWithTheExtensionAndDegradesLoudlyWithout(CapturedOutput output) throws Exception {
        LongSupplier degraded = (LongSupplier) context.getServletContext()
                .getAttribute(IisModuleFilter.class.getName() + ".reset-connection.degradedCalls");
        long before = degraded.getAsLong();
        try (Socket socket = connect()) {
            send(socket, get(RESET) + get("/demo/hello"));
            if (ClassUtils.isPresent(IisportAutoConfiguration.TOMCAT_VALVE, null)) {
                assertThat(readToReset(socket.getInputStream()), is(emptyString()));
                assertThat(degraded.getAsLong(), is(before));
                return;
            }
            // Without the extension: an empty 500 with Connection: close, the pipelined request never answered.
            String wire = readToEnd(socket.getInputStream());
            assertThat(wire, startsWith("HTTP/1.1 500 "));
            assertThat(wire, containsString("\r\nConnection: close\r\n"));
            assertThat(wire, endsWith("\r\n\r\n"));
            assertThat(wire, not(containsString("Status:")));
            assertThat(wire, not(containsString("/demo/hello")));
        }
        assertThat(degraded.getAsLong(), is(before + 1));
        assertThat(output.getAll(), containsString("iisport filter 'reset-connection'"));
    }
}
