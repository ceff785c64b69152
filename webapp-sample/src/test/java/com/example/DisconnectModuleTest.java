package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.iisport.test.ClientResult;
import io.iisport.test.ConnectionEnd;
import io.iisport.test.ModuleTestServer;
import io.iisport.test.Protocol;
import org.junit.jupiter.api.Test;

class DisconnectModuleTest {
    @Test
    void theResponseIsSentInFullThenTheConnectionCloses() throws Exception {
        try (ModuleTestServer server = ModuleTestServer.with("Disconnect", DisconnectModule.class)
                .servlet((request, response) -> response.getWriter().print("hello"))
                .start()) {
            ClientResult http1 = server.get("/");
            assertEquals(200, http1.status());
            assertEquals("close", http1.header("Connection"));
            assertEquals("hello", http1.body());
            assertEquals(ConnectionEnd.FIN, http1.connectionEnd());

            ClientResult h2c = server.get(Protocol.H2C, "/");
            assertEquals("hello", h2c.body());
            assertEquals(ConnectionEnd.GOAWAY, h2c.connectionEnd());
            assertEquals(0, h2c.errorCode()); // NO_ERROR
        }
    }
}
