package io.iisport.sample.bodyrewrite;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import io.iisport.test.ClientResult;
import io.iisport.test.ModuleTestServer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The response-body rewriter around real servlets, through the module test kit. */
class ResponseBodyRewriteModuleTest {
    @Test
    void anHtmlBodyIsRewrittenAndItsDeclaredLengthNoLongerSent() throws Exception {
        byte[] page = "<p>Contoso, by Contoso</p>".getBytes(StandardCharsets.UTF_8);
        try (ModuleTestServer server = ModuleTestServer.with("Rewrite", ResponseBodyRewriteModule.class)
                .setting("find", "Contoso").setting("replace", "Fabrikam \u00e9")
                .servlet((request, response) -> {
                    response.setContentType("text/html;charset=UTF-8");
                    response.setContentLength(page.length);
                    response.getOutputStream().write(page);
                }).start()) {
            ClientResult result = server.get("/page");
            assertThat(result.status(), is(200));
            assertThat(result.body(), is("<p>Fabrikam \u00e9, by Fabrikam \u00e9</p>"));
            assertThat(result.header("Content-Length"), is(
                    Integer.toString("<p>Fabrikam \u00e9, by Fabrikam \u00e9</p>".getBytes(StandardCharsets.UTF_8).length)));
        }
    }

    @Test
    void otherContentTypesAreLeftAlone() throws Exception {
        try (ModuleTestServer server = ModuleTestServer.with("Rewrite", ResponseBodyRewriteModule.class)
                .setting("find", "Contoso")
                .servlet((request, response) -> {
                    response.setContentType("application/json");
                    response.getWriter().print("{\"name\":\"Contoso\"}");
                }).start()) {
            assertThat(server.get("/data").body(), is("{\"name\":\"Contoso\"}"));
        }
    }

    @Test
    void aModuleCanInsertBeforeTheBufferedBody() throws Exception {
        try (ModuleTestServer server = ModuleTestServer.with("Rewrite", ResponseBodyRewriteModule.class)
                .setting("find", "absent")
                .module("Banner", BannerModule.class)
                .servlet((request, response) -> {
                    response.setContentType("text/plain");
                    response.getWriter().print("body");
                }).start()) {
            ClientResult result = server.get("/");
            assertThat(result.body(), is("banner;body"));
            assertThat(result.header("Transfer-Encoding"), nullValue());
        }
    }
}
