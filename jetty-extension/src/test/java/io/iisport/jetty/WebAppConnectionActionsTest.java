package io.iisport.jetty;

import java.io.File;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import jakarta.servlet.Servlet;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * An exploded web application whose servlet is compiled at test time into WEB-INF/classes, so that only the
 * web application's class loader, which hides Jetty's classes, can load it.
 */
public class WebAppConnectionActionsTest extends AbstractConnectionActionsTest
{
    private static final String SERVLET = """
        package sample;

        import java.io.IOException;
        import java.util.function.IntConsumer;
        import jakarta.servlet.http.HttpServlet;
        import jakarta.servlet.http.HttpServletRequest;
        import jakarta.servlet.http.HttpServletResponse;

        public class ActionServlet extends HttpServlet
        {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException
            {
                Object disconnect = request.getAttribute("io.iisport.connection.disconnect");
                Object reset = request.getAttribute("io.iisport.connection.reset");
                Object close = request.getAttribute("io.iisport.connection.close");
                switch (request.getPathInfo())
                {
                    case "/info" ->
                    {
                        boolean jettyVisible;
                        try
                        {
                            Class.forName("org.eclipse.jetty.server.Request", false, getClass().getClassLoader());
                            jettyVisible = true;
                        }
                        catch (ClassNotFoundException x)
                        {
                            jettyVisible = false;
                        }
                        response.getWriter().print("jettyVisible=" + jettyVisible +
                            ";loader=" + getClass().getClassLoader().getClass().getSimpleName() +
                            ";disconnect=" + (disconnect instanceof Runnable) +
                            ";reset=" + (reset instanceof IntConsumer) +
                            ";close=" + (close instanceof Runnable));
                    }
                    case "/disconnect" ->
                    {
                        ((Runnable)disconnect).run();
                        response.getWriter().print("bye");
                    }
                    case "/reset" ->
                    {
                        ((IntConsumer)reset).accept(8);
                        response.getWriter().print("never sent");
                    }
                    default -> response.sendError(404);
                }
            }
        }
        """;

    private static final String WEB_XML = """
        <?xml version="1.0" encoding="UTF-8"?>
        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
          <servlet>
            <servlet-name>action</servlet-name>
            <servlet-class>sample.ActionServlet</servlet-class>
          </servlet>
          <servlet-mapping>
            <servlet-name>action</servlet-name>
            <url-pattern>/action/*</url-pattern>
          </servlet-mapping>
        </web-app>
        """;

    @TempDir
    Path webapp;
    @TempDir
    Path sources;

    @BeforeEach
    public void deploy() throws Exception
    {
        Path source = Files.createDirectories(sources.resolve("sample")).resolve("ActionServlet.java");
        Files.writeString(source, SERVLET, StandardCharsets.UTF_8);
        Path classes = Files.createDirectories(webapp.resolve("WEB-INF/classes"));
        Files.writeString(webapp.resolve("WEB-INF/web.xml"), WEB_XML, StandardCharsets.UTF_8);
        String servletApi = new File(Servlet.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        int result = compiler.run(null, null, null, "--release", "17", "-classpath", servletApi, "-d", classes.toString(), source.toString());
        assertEquals(0, result, "compilation failed");
        assertThrows(ClassNotFoundException.class, () -> Class.forName("sample.ActionServlet"));

        WebAppContext context = new WebAppContext();
        context.setContextPath("/war");
        context.setWar(webapp.toString());
        start(context, null, false);
    }

    private static String get(String path)
    {
        return "GET /war/action" + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
    }

    @Test
    public void attributesAreVisibleFromTheIsolatedClassLoader() throws Exception
    {
        try (Socket socket = connect())
        {
            send(socket, get("/info").replace("Host", "Connection: close\r\nHost"));
            String response = readToEof(socket.getInputStream());
            assertThat(response, endsWith("jettyVisible=false;loader=WebAppClassLoader;disconnect=true;reset=true;close=true"));
        }
    }

    @Test
    public void disconnectFromTheWebApp() throws Exception
    {
        try (Socket socket = connect())
        {
            send(socket, get("/disconnect") + get("/info"));
            String response = readToEof(socket.getInputStream());
            assertThat(response, containsString("Connection: close"));
            assertThat(response, endsWith("bye"));
            assertEquals(1, count(response, "HTTP/1.1 "), response);
        }
        assertEquals(1, customizer.getDisconnects());
    }

    @Test
    public void resetFromTheWebApp() throws Exception
    {
        try (Socket socket = connect())
        {
            send(socket, get("/reset"));
            SocketException failure = assertThrows(SocketException.class, () -> readToEof(socket.getInputStream()));
            assertThat(failure.getMessage(), containsString("reset"));
        }
        awaitUntil("the reset is counted", () -> customizer.getResets() == 1);
    }

    @Test
    public void h2ResetFromTheWebApp() throws Exception
    {
        try (Http2TestClient client = new Http2TestClient(port(), false))
        {
            Http2TestClient.Response response = client.get("/war/action/reset").get(TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(8, response.resetError());
            assertEquals(200, client.get("/war/action/info").get(TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS).status());
        }
        assertEquals(1, customizer.getStreamResets());
    }
}
