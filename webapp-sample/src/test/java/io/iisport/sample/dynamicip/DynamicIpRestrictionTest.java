package io.iisport.sample.dynamicip;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import io.iisport.test.ClientResult;
import io.iisport.test.ConnectionEnd;
import io.iisport.test.ModuleTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Dynamic IP Restrictions on the wire, configured through its settings as in web.xml, each test with a server of
 * its own, so with counters of its own: the client is 127.0.0.1. Concurrency, proxy mode over HTTP/2 and the
 * logging-only mode are tested on the deployed WAR in src-test.
 */
class DynamicIpRestrictionTest {

    /** A server whose module allows three requests per 10 s, then denies with the action. */
    private static ModuleTestServer rateLimited(String denyAction) throws Exception {
        return ModuleTestServer.with("DynamicIpRestriction", DynamicIpRestrictionModule.class)
                .setting("denyAction", denyAction)
                .setting("denyByRequestRate.enabled", "true")
                .setting("denyByRequestRate.maxRequests", "3")
                .setting("denyByRequestRate.requestIntervalInMilliseconds", "10000")
                .respond(200, "served")
                .start();
    }

    @ParameterizedTest
    @CsvSource({
        "Forbidden,    403, 502, HTTP Error 403.502 - Forbidden",
        "NotFound,     404, 0,   HTTP Error 404 - Not Found",
        "Unauthorized, 401, 0,   HTTP Error 401 - Unauthorized",
    })
    void theRequestsPastMaxRequestsAreDenied(String denyAction, int status, int subStatus, String firstLine)
            throws Exception {
        try (ModuleTestServer server = rateLimited(denyAction)) {
            for (int i = 1; i <= 3; i++) {
                assertThat("request " + i, server.get("/").status(), is(200));
            }
            ClientResult denied = server.get("/");
            assertThat(denied.toString(), denied.status(), is(status));
            assertThat(denied.subStatus(), is(subStatus));
            assertThat(denied.body(), startsWith(firstLine + "\n"));
            assertThat(denied.connectionEnd(), is(ConnectionEnd.OPEN));
        }
    }

    @Test
    void abortRequestResetsTheConnectionPastMaxRequests() throws Exception {
        try (ModuleTestServer server = rateLimited("AbortRequest")) {
            for (int i = 1; i <= 3; i++) {
                assertThat("request " + i, server.get("/").status(), is(200));
            }
            ClientResult aborted = server.get("/");
            assertThat(aborted.toString(), aborted.connectionEnd(), is(ConnectionEnd.RST));
            assertThat(aborted.status(), is(0));
        }
    }

    @Test
    void anAddressOnTheDenyListIsDeniedWith403503() throws Exception {
        try (ModuleTestServer server = ModuleTestServer.with("DynamicIpRestriction", DynamicIpRestrictionModule.class)
                .setting("denyAction", "Forbidden")
                .setting("ipSecurity.deny", "127.0.0.0/8")
                .start()) {
            ClientResult denied = server.get("/");
            assertThat(denied.toString(), denied.status(), is(403));
            assertThat(denied.subStatus(), is(503));
            assertThat(denied.body(), startsWith("HTTP Error 403.503 - Forbidden\n"));
        }
    }
}
