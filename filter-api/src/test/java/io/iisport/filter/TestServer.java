package io.iisport.filter;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * A real Jetty 12 (ee10) for tests: a {@link ServerConnector} on 127.0.0.1, port 0, for the wire, and a
 * {@link LocalConnector} for HTTP semantics, with the module filter in front of the test's servlets. It owns the
 * state its test's modules share with the test, in its servlet context: an {@link Events} log and the
 * {@link Scripted} modules' scripts, so no two tests share anything.
 */
public final class TestServer implements AutoCloseable {
    public final Server server = new Server();
    public final ServerConnector connector = new ServerConnector(server);
    public final LocalConnector local = new LocalConnector(server);
    public final ServletContextHandler context = new ServletContextHandler("/");
    /** What this server's modules and servlets did. */
    public final Events events = new Events();
    private final Map<String, Scripted.Script> scripts = new ConcurrentHashMap<>();

    public TestServer() {
        context.setAttribute(Events.ATTRIBUTE, events);
        context.setAttribute(Scripted.ATTRIBUTE, scripts);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.addConnector(local);
        server.setHandler(context);
    }

    /** Maps the module filter on /* for REQUEST and ASYNC dispatches with these init-params. */
    public FilterHolder moduleFilter(String... params) {
        return filter(new IisModuleFilter(), params);
    }

    /**
     * @return the script of the {@link Scripted} module named {@code name} on this server, created on first use; set
     *     its steps before {@link #start()}
     */
    public Scripted.Script scripted(String name) {
        return scripts.computeIfAbsent(name, Scripted.Script::new);
    }

    /** Maps {@code filter} with one module, the {@link Scripted} module of {@code script}, and these init-params. */
    public FilterHolder scriptedFilter(Filter filter, Scripted.Script script, String... params) {
        String[] all = new String[params.length + 2];
        all[0] = "modules";
        all[1] = script.declaration();
        System.arraycopy(params, 0, all, 2, params.length);
        return filter(filter, all);
    }

    public FilterHolder filter(Filter filter, String... params) {
        return filterOn("/*", filter, params);
    }

    /** Maps {@code filter} on {@code urlPattern} for REQUEST and ASYNC dispatches with these init-params. */
    public FilterHolder filterOn(String urlPattern, Filter filter, String... params) {
        FilterHolder holder = new FilterHolder(filter);
        holder.setName("iis-modules-" + context.getServletHandler().getFilters().length);
        Map<String, String> init = new LinkedHashMap<>();
        for (int i = 0; i < params.length; i += 2) {
            init.put(params[i], params[i + 1]);
        }
        holder.setInitParameters(init);
        holder.setAsyncSupported(true);
        context.addFilter(holder, urlPattern, EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
        return holder;
    }

    public TestServer servlet(String path, HttpServlet servlet) {
        ServletHolder holder = new ServletHolder(servlet);
        holder.setAsyncSupported(true);
        context.addServlet(holder, path);
        return this;
    }

    /** A servlet body as a lambda. */
    public interface Body {
        void handle(jakarta.servlet.http.HttpServletRequest request, jakarta.servlet.http.HttpServletResponse response)
                throws Exception;
    }

    /** Serves {@code path} with a servlet running {@code body} for every method. */
    public TestServer handle(String path, Body body) {
        return servlet(path, new HttpServlet() {
            @Override
            protected void service(jakarta.servlet.http.HttpServletRequest req,
                    jakarta.servlet.http.HttpServletResponse resp) throws jakarta.servlet.ServletException, IOException {
                try {
                    body.handle(req, resp);
                } catch (IOException | jakarta.servlet.ServletException | RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new jakarta.servlet.ServletException(e);
                }
            }
        });
    }

    public TestServer start() throws Exception {
        server.start();
        return this;
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** Sends a raw request through the local connector and parses the response. */
    public HttpTester.Response request(String rawRequest) throws Exception {
        String raw = local.getResponse(rawRequest);
        if (raw == null) {
            throw new AssertionError("no response to " + rawRequest);
        }
        return HttpTester.parseResponse(raw);
    }

    public HttpTester.Response get(String path) throws Exception {
        return request("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    }

    /** Opens a socket to the server connector with a read timeout, so a wrong behaviour fails instead of hanging. */
    public Socket socket() throws IOException {
        Socket socket = new Socket("127.0.0.1", port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    public static void send(Socket socket, String request) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    public static HttpTester.Response readResponse(InputStream in) throws IOException {
        HttpTester.Response response = HttpTester.parseResponse(HttpTester.from(in));
        if (response == null) {
            throw new AssertionError("connection ended without a complete response");
        }
        return response;
    }

    @Override
    public void close() {
        LifeCycle.stop(server);
    }
}
