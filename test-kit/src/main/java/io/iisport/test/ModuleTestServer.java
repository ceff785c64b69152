package io.iisport.test;

import io.iisport.filter.IisModuleFilter;
import io.iisport.httpserv.RegisterModule;
import io.iisport.jetty.IisportConnectionCustomizer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * <p>Runs ported IIS modules, with their settings, around a servlet on an embedded Jetty 12 with the iisport Jetty
 * extension installed, on 127.0.0.1 and an ephemeral port; then sends requests over HTTP/1.1 or h2c and returns
 * what the client saw ({@link ClientResult}): status, headers, body, and how the connection ended
 * ({@link ConnectionEnd}), with the IIS sub-status read on the server. Each request uses a new connection.</p>
 * <pre>{@code
 * try (ModuleTestServer server = ModuleTestServer.with("Disconnect", DisconnectModule.class)
 *         .servlet((request, response) -> response.getWriter().print("hello"))
 *         .start()) {
 *     ClientResult result = server.get("/");
 *     assertEquals("hello", result.body());
 *     assertEquals(ConnectionEnd.FIN, result.connectionEnd());
 * }
 * }</pre>
 * <p>The modules run in an {@link IisModuleFilter} configured as web.xml would configure it (the {@code modules}
 * init-param in the order given, {@code <module>.<setting>} init-params), mapped to {@code /*} for the REQUEST and
 * ASYNC dispatches, so a wrong setting fails {@link Builder#start()} with the filter's message. One module of the
 * kit, {@link ResponseRecorder}, runs after them to read the sub-status.</p>
 */
public final class ModuleTestServer implements AutoCloseable {
    private static final ConcurrentMap<String, ModuleTestServer> STARTING = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString();
    private final Server server;
    private final FilterHolder filter;
    private final Duration settleTime;
    private final Duration timeout;
    private final ConcurrentMap<Integer, CompletableFuture<Integer>> subStatuses = new ConcurrentHashMap<>();
    /** Per client port, the exchange the server completed (its response written whole, or failed). */
    private final ConcurrentMap<Integer, CompletableFuture<Void>> exchangesEnded = new ConcurrentHashMap<>();
    private ServerConnector connector;

    private ModuleTestServer(Builder builder) {
        this.settleTime = builder.settleTime;
        this.timeout = builder.timeout;
        this.server = new Server();
        this.filter = new FilterHolder(IisModuleFilter.class);
        filter.setName("iis-modules");
        filter.setAsyncSupported(true);
        StringBuilder modules = new StringBuilder();
        builder.modules.forEach((name, type) -> modules.append(name).append('=').append(type.getName()).append('\n'));
        modules.append(ResponseRecorder.NAME).append('=').append(ResponseRecorder.class.getName());
        filter.setInitParameter("modules", modules.toString());
        builder.initParameters.forEach(filter::setInitParameter);
        filter.setInitParameter(ResponseRecorder.NAME + "." + ResponseRecorder.SERVER_SETTING, id);
    }

    /**
     * Begins a server with one module; add more with {@link Builder#module(String, Class)}.
     *
     * @param name the module's name, as in the {@code modules} init-param (IIS's {@code <add name=...>})
     * @param moduleClass the module's {@link RegisterModule}, with a public no-argument constructor
     * @return the builder
     * @throws IllegalArgumentException if the name is empty or holds {@code =}, {@code .} or a line break
     */
    public static Builder with(String name, Class<? extends RegisterModule> moduleClass) {
        return new Builder().module(name, moduleClass);
    }

    static ModuleTestServer starting(String id) {
        ModuleTestServer server = STARTING.get(id);
        if (server == null) {
            throw new IllegalArgumentException("no ModuleTestServer is starting with the id '" + id + "'");
        }
        return server;
    }

    /** @return the port the server listens on, on 127.0.0.1 */
    public int port() {
        return connector.getLocalPort();
    }

    /**
     * @return the module filter, for example to check {@link IisModuleFilter#getDegradedCallCount()}: with the
     * extension installed, no connection action degrades
     */
    public IisModuleFilter filter() {
        return (IisModuleFilter) filter.getFilter();
    }

    /**
     * Sends {@code GET path} over HTTP/1.1 on a new connection.
     *
     * @param path the request target, beginning with {@code /}, with its query if any
     * @return what the client saw
     * @throws IOException if the connection cannot be made, or nothing ends the exchange within the timeout
     */
    public ClientResult get(String path) throws IOException {
        return get(Protocol.HTTP_1_1, path);
    }

    /**
     * Sends {@code GET path} with the protocol on a new connection.
     *
     * @param protocol the protocol
     * @param path the request target, beginning with {@code /}, with its query if any; for h2c, at most 126 bytes
     * @return what the client saw
     * @throws IOException if the connection cannot be made, or nothing ends the exchange within the timeout
     */
    public ClientResult get(Protocol protocol, String path) throws IOException {
        Objects.requireNonNull(protocol, "protocol");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("The path must begin with '/': " + path);
        }
        return switch (protocol) {
            case HTTP_1_1 -> send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port() + "\r\n\r\n");
            case H2C -> WireClient.h2cGet(port(), path, timeout, settleTime, this::awaitExchangeEnd,
                    this::subStatus);
        };
    }

    /**
     * Sends raw HTTP/1.1 request bytes, as written, on a new connection: for other methods, headers or a body.
     * The result is that of the first response.
     *
     * @param request the request: its head lines end with CRLF, and a blank line ends the head
     * @return what the client saw
     * @throws IOException if the connection cannot be made, or nothing ends the exchange within the timeout
     */
    public ClientResult send(String request) throws IOException {
        return WireClient.http1(port(), request.getBytes(StandardCharsets.ISO_8859_1), timeout, settleTime,
                this::awaitExchangeEnd, this::subStatus);
    }

    private void exchangeEnded(int clientPort) {
        exchangesEnded.computeIfAbsent(clientPort, port -> new CompletableFuture<>()).complete(null);
    }

    /**
     * Waits, up to the timeout, until the server has completed the exchange of the connection from
     * {@code clientPort}: what a module asked of the connection (a disconnect, a close) is carried out after that,
     * so the settle time starts then, however long the server took to get there. A request the server never
     * handled (the container refused it) is waited for no longer than the timeout.
     */
    private void awaitExchangeEnd(int clientPort) {
        CompletableFuture<Void> ended = exchangesEnded.computeIfAbsent(clientPort, port -> new CompletableFuture<>());
        try {
            ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException x) {
            // Not handled by the server: the settle time starts now.
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
        } finally {
            // A later connection may get the same client port.
            exchangesEnded.remove(clientPort, ended);
        }
    }

    void recordSubStatus(int clientPort, int subStatus) {
        subStatuses.computeIfAbsent(clientPort, port -> new CompletableFuture<>()).complete(subStatus);
    }

    private int subStatus(int clientPort) {
        try {
            return subStatuses.computeIfAbsent(clientPort, port -> new CompletableFuture<>())
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException x) {
            throw new IllegalStateException("the request from port " + clientPort + " did not end in the module "
                    + "pipeline within " + timeout.toMillis() + " ms: did the container reject it before the filter?");
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(x);
        } catch (ExecutionException x) {
            throw new IllegalStateException(x.getCause());
        }
    }

    /** Stops the server; the connections still open are closed. */
    @Override
    public void close() throws Exception {
        server.stop();
    }

    /**
     * What a {@link ModuleTestServer} runs: the modules in IIS {@code <modules>} order, their settings, the
     * filter's init-params and the servlet.
     */
    public static final class Builder {
        private final Map<String, Class<? extends RegisterModule>> modules = new LinkedHashMap<>();
        private final Map<String, String> initParameters = new LinkedHashMap<>();
        private String lastModule;
        private Servlet servlet;
        private Duration settleTime = Duration.ofMillis(300);
        private Duration timeout = Duration.ofSeconds(10);

        private Builder() {
        }

        /**
         * Adds a module after those added before, as a later line of the {@code modules} init-param.
         *
         * @param name the module's name
         * @param moduleClass the module's {@link RegisterModule}, with a public no-argument constructor
         * @return this builder
         * @throws IllegalArgumentException if the name is empty, holds {@code =}, {@code .} or a line break, or is
         * already used
         */
        public Builder module(String name, Class<? extends RegisterModule> moduleClass) {
            Objects.requireNonNull(moduleClass, "moduleClass");
            if (name == null || name.isEmpty() || name.matches(".*[=.\\r\\n].*")) {
                throw new IllegalArgumentException("Invalid module name '" + name
                        + "': it must be non-empty, without '=', '.' or a line break");
            }
            if (name.equals(ResponseRecorder.NAME) || modules.putIfAbsent(name, moduleClass) != null) {
                throw new IllegalArgumentException("The module name '" + name + "' is already used");
            }
            lastModule = name;
            return this;
        }

        /**
         * Sets a setting of the module added last: the init-param {@code <module>.<name>}, which the module reads
         * in {@code registerModule} with {@code moduleInfo.getSettings()}.
         *
         * @param name the setting's name, for example {@code denyByConcurrentRequests.enabled}
         * @param value its value
         * @return this builder
         */
        public Builder setting(String name, String value) {
            return initParameter(lastModule + "." + name, value);
        }

        /**
         * Sets an init-param of the module filter, for example {@code responseBufferLimit}; see the README's
         * init-param table.
         *
         * @param name the init-param's name
         * @param value its value
         * @return this builder
         * @throws IllegalArgumentException if the name is {@code modules}, which the builder writes
         */
        public Builder initParameter(String name, String value) {
            if ("modules".equals(name)) {
                throw new IllegalArgumentException("The modules init-param is made from module(name, class)");
            }
            initParameters.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Sets the request handler: the servlet behind the modules, mapped to {@code /*}, with async support.
         *
         * @param handler what the servlet does
         * @return this builder
         */
        public Builder servlet(RequestHandler handler) {
            Objects.requireNonNull(handler, "handler");
            return servlet(new HttpServlet() {
                private static final long serialVersionUID = 1L;

                @Override
                protected void service(HttpServletRequest request, HttpServletResponse response)
                        throws ServletException, IOException {
                    handler.handle(request, response);
                }
            });
        }

        /**
         * Sets the servlet behind the modules, mapped to {@code /*}, with async support.
         *
         * @param servlet the servlet
         * @return this builder
         */
        public Builder servlet(Servlet servlet) {
            this.servlet = Objects.requireNonNull(servlet, "servlet");
            return this;
        }

        /**
         * Sets a canned handler: every request that reaches it gets this status and a {@code text/plain} UTF-8
         * body. Without a servlet or a canned handler, requests get 200 and the body {@code OK}.
         *
         * @param status the status code
         * @param body the body
         * @return this builder
         */
        public Builder respond(int status, String body) {
            Objects.requireNonNull(body, "body");
            return servlet((request, response) -> {
                response.setStatus(status);
                response.setContentType("text/plain;charset=utf-8");
                response.getWriter().print(body);
            });
        }

        /**
         * Sets how long the client waits, after a complete response that did not say {@code Connection: close}
         * and once the server has completed the exchange, for the server to close or reset the connection (or on
         * HTTP/2 to send GOAWAY) before it reports {@link ConnectionEnd#OPEN}; by default 300 ms. A close announced
         * by {@code Connection: close} is awaited up to the {@linkplain #timeout(Duration) timeout}.
         *
         * @param settleTime the time, more than 0
         * @return this builder
         */
        public Builder settleTime(Duration settleTime) {
            if (settleTime.isNegative() || settleTime.isZero()) {
                throw new IllegalArgumentException("Invalid settle time: " + settleTime + ", it must be more than 0");
            }
            this.settleTime = settleTime;
            return this;
        }

        /**
         * Sets how long the client waits for each read, and a {@link ClientResult#subStatus()} for the request to
         * end on the server; by default 10 s.
         *
         * @param timeout the time, more than 0
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("Invalid timeout: " + timeout + ", it must be more than 0");
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Starts the server: a connector for HTTP/1.1 and h2c on 127.0.0.1 and an ephemeral port, the iisport
         * connection customizer installed on it, and a servlet context at {@code /} with the module filter and the
         * servlet.
         *
         * @return the started server; close it when done
         * @throws Exception if the server cannot start, among others when the module filter rejects its
         * configuration (an unknown class, a failing {@code registerModule}, a setting no module reads)
         */
        public ModuleTestServer start() throws Exception {
            ModuleTestServer test = new ModuleTestServer(this);
            HttpConfiguration configuration = new HttpConfiguration();
            test.connector = new ServerConnector(test.server, new HttpConnectionFactory(configuration),
                    new HTTP2CServerConnectionFactory(configuration));
            test.connector.setHost("127.0.0.1");
            test.connector.setPort(0);
            test.server.addConnector(test.connector);
            ServletContextHandler context = new ServletContextHandler("/");
            context.addFilter(test.filter, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
            Servlet chosen = servlet != null ? servlet : new Builder().respond(200, "OK").servlet;
            ServletHolder holder = new ServletHolder(chosen);
            holder.setAsyncSupported(true);
            context.addServlet(holder, "/*");
            test.server.setHandler(new Handler.Wrapper(context) {
                @Override
                public boolean handle(Request request, Response response, Callback callback) throws Exception {
                    int clientPort = Request.getRemotePort(request);
                    Request.addCompletionListener(request, failure -> test.exchangeEnded(clientPort));
                    return super.handle(request, response, callback);
                }
            });
            new IisportConnectionCustomizer().install(test.server);
            STARTING.put(test.id, test);
            try {
                test.server.start();
                // A filter that failed to initialize leaves the context unavailable rather than failing start.
                if (!context.isAvailable()) {
                    throw new IllegalStateException("the servlet context with the module filter is unavailable: see the log");
                }
                test.filter.getFilter();
                return test;
            } catch (Exception | Error x) {
                test.server.stop();
                throw x;
            } finally {
                STARTING.remove(test.id);
            }
        }
    }
}
