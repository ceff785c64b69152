package io.iisport.sample.seed;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import io.iisport.test.ClientResult;
import io.iisport.test.ConnectionEnd;
import io.iisport.test.ModuleTestServer;
import io.iisport.test.Protocol;
import org.junit.jupiter.api.Test;

/**
 * The two IIS documentation samples, each alone around a servlet, on the wire: what the IIS reference pages say
 * they do. The deployed WAR is tested end to end in src-test.
 */
class SeedSamplesTest {
    private static ModuleTestServer start(String name, Class<? extends io.iisport.httpserv.RegisterModule> sample)
            throws Exception {
        return ModuleTestServer.with(name, sample)
                .servlet((request, response) -> response.getWriter().print("Hello from " + request.getRequestURI()))
                .start();
    }

    @Test
    void setNeedDisconnectSendsTheFullResponseThenFin() throws Exception {
        try (ModuleTestServer server = start("SetNeedDisconnect", SetNeedDisconnectSample.class)) {
            ClientResult result = server.get("/a");
            assertThat(result.toString(), result.status(), is(200));
            assertThat(result.header("Connection"), is("close"));
            assertThat(result.body(), is("Hello from /a"));
            assertThat(result.connectionEnd(), is(ConnectionEnd.FIN));
        }
    }

    @Test
    void setNeedDisconnectOverH2cCompletesTheStreamThenSendsGoAway() throws Exception {
        try (ModuleTestServer server = start("SetNeedDisconnect", SetNeedDisconnectSample.class)) {
            ClientResult result = server.get(Protocol.H2C, "/a");
            assertThat(result.toString(), result.status(), is(200));
            assertThat(result.isComplete(), is(true));
            assertThat(result.body(), is("Hello from /a"));
            assertThat(result.connectionEnd(), is(ConnectionEnd.GOAWAY));
            assertThat(result.errorCode(), is(0)); // NO_ERROR
        }
    }

    @Test
    void resetConnectionSendsATcpResetAndNothingOfTheResponse() throws Exception {
        try (ModuleTestServer server = start("ResetConnection", ResetConnectionSample.class)) {
            ClientResult result = server.get("/a");
            assertThat(result.toString(), result.connectionEnd(), is(ConnectionEnd.RST));
            assertThat(result.status(), is(0));
            assertThat(result.body(), is(""));
        }
    }

    @Test
    void resetConnectionOverH2cResetsTheStreamWithCancel() throws Exception {
        try (ModuleTestServer server = start("ResetConnection", ResetConnectionSample.class)) {
            ClientResult result = server.get(Protocol.H2C, "/a");
            assertThat(result.toString(), result.connectionEnd(), is(ConnectionEnd.RST_STREAM));
            assertThat(result.errorCode(), is(8)); // CANCEL
            assertThat(result.body(), is(""));
        }
    }
}
