package io.iisport.bench;

import io.iisport.filter.IisModuleFilter;
import io.iisport.jetty.IisportConnectionCustomizer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * One Jetty 12 server, one servlet, side by side: a connector of bare Jetty, and a connector with the iisport
 * extension installed, both HTTP/1.1 and h2c. Paths: {@code /bare/*} (no filter), {@code /empty-filter/*} (a servlet
 * filter that only calls the chain: what any filter costs in Jetty), {@code /noop/*} (the module filter
 * with a no-op module, default buffering), {@code /streaming/*} (the same with {@code responseBufferLimit=0}),
 * {@code /reset/*} and {@code /disconnect/*} (modules that reset or disconnect). The servlet answers
 * {@code .../small} with 13 bytes and {@code .../1m} with 1 MiB; {@code /bare/events} and {@code /noop/events} are a
 * server-sent event stream (see {@link EventStream}).
 */
public final class BenchServer {
    static final byte[] SMALL = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
    static final byte[] ONE_MIB = new byte[1024 * 1024];

    final Server server;
    final ServerConnector bare;
    final ServerConnector iisport;
    final LocalConnector local;

    BenchServer(String host, int barePort, int iisportPort) {
        QueuedThreadPool threads = new QueuedThreadPool(200);
        threads.setName("bench");
        server = new Server(threads);

        HttpConfiguration plain = new HttpConfiguration();
        bare = new ServerConnector(server, new HttpConnectionFactory(plain), new HTTP2CServerConnectionFactory(plain));
        bare.setHost(host);
        bare.setPort(barePort);

        HttpConfiguration extended = new HttpConfiguration();
        extended.addCustomizer(new IisportConnectionCustomizer());
        iisport = new ServerConnector(server, new HttpConnectionFactory(extended),
                new HTTP2CServerConnectionFactory(extended));
        iisport.setHost(host);
        iisport.setPort(iisportPort);

        local = new LocalConnector(server, new HttpConnectionFactory(extended));
        server.addConnector(bare);
        server.addConnector(iisport);
        server.addConnector(local);

        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new Payload()), "/*");
        ServletHolder events = new ServletHolder(new EventStream());
        context.addServlet(events, "/bare/events");
        context.addServlet(events, "/noop/events");
        FilterHolder empty = new FilterHolder((Filter) (request, response, chain) -> chain.doFilter(request, response));
        empty.setName("empty");
        context.addFilter(empty, "/empty-filter/*", EnumSet.of(DispatcherType.REQUEST));
        filter(context, "/noop/*", Map.of("modules", "NoOp=" + BenchModules.NoOp.class.getName()));
        filter(context, "/streaming/*", Map.of("modules", "NoOp=" + BenchModules.NoOp.class.getName(),
                "responseBufferLimit", "0"));
        filter(context, "/reset/*", Map.of("modules", "Reset=" + BenchModules.Reset.class.getName()));
        filter(context, "/disconnect/*", Map.of("modules", "Disconnect=" + BenchModules.Disconnect.class.getName()));
        server.setHandler(context);
    }

    private static void filter(ServletContextHandler context, String path, Map<String, String> params) {
        FilterHolder holder = new FilterHolder(new IisModuleFilter());
        holder.setName(path);
        holder.setInitParameters(params);
        context.addFilter(holder, path, EnumSet.of(DispatcherType.REQUEST));
    }

    BenchServer start() throws Exception {
        server.start();
        return this;
    }

    void stop() throws Exception {
        server.stop();
    }

    /** Writes 13 bytes for {@code .../small}, 1 MiB for {@code .../1m}, in one write. */
    static final class Payload extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            byte[] body = request.getRequestURI().endsWith("/1m") ? ONE_MIB : SMALL;
            response.setContentType("text/plain");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
    }

    /**
     * A server-sent event stream: {@code events} events (query parameter, default 100), one every {@code interval}
     * milliseconds (default 5), each {@code data: <System.nanoTime() just before the write>} written through
     * {@code getWriter()} and flushed at once, so that a client in the same JVM can tell each event's flush-to-client
     * latency.
     */
    static final class EventStream extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            int events = intParameter(request, "events", 100);
            int interval = intParameter(request, "interval", 5);
            response.setContentType("text/event-stream;charset=utf-8");
            response.setHeader("Cache-Control", "no-cache");
            java.io.PrintWriter writer = response.getWriter();
            for (int i = 0; i < events; i++) {
                writer.print("data: " + System.nanoTime() + "\n\n");
                writer.flush();
                try {
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        private static int intParameter(HttpServletRequest request, String name, int defaultValue) {
            String value = request.getParameter(name);
            return value == null ? defaultValue : Integer.parseInt(value);
        }
    }

    /**
     * Runs the server until killed; prints {@code READY bare=<port> iisport=<port>} when it serves.
     *
     * @param args host, bare port, iisport port (defaults 127.0.0.1, 0, 0)
     */
    public static void main(String[] args) throws Exception {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int barePort = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        int iisportPort = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        BenchServer bench = new BenchServer(host, barePort, iisportPort).start();
        System.out.println("READY bare=" + bench.bare.getLocalPort() + " iisport=" + bench.iisport.getLocalPort());
        System.out.flush();
        bench.server.join();
    }
}
