package io.iisport.jetty;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.IntConsumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import io.iisport.spi.ConnectionBridge;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A server with one connector on 127.0.0.1, the customizer installed, and one servlet whose behaviour each
 * test gives as a lambda; the servlet counts its calls and records what it threw.
 */
abstract class AbstractConnectionActionsTest
{
    static final int TIMEOUT_SECONDS = 10;
    static final String KEYSTORE_PASSWORD = "storepwd";

    protected Server server;
    protected ServerConnector connector;
    protected IisportConnectionCustomizer customizer;
    protected final AtomicInteger calls = new AtomicInteger();
    protected final BlockingQueue<Throwable> servletFailures = new LinkedBlockingQueue<>();
    protected final BlockingQueue<String> servletCompletions = new LinkedBlockingQueue<>();
    protected final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    /**
     * Creates the clear-text HTTP/2 connection factory; tests may replace it before starting.
     */
    protected Function<HttpConfiguration, ConnectionFactory> h2cFactory = HTTP2CServerConnectionFactory::new;
    /**
     * Installs the customizer on the configured, not yet started server; by default with
     * {@link IisportConnectionCustomizer#install(Server)}.
     */
    protected Installer installer = (server, config) ->
    {
        IisportConnectionCustomizer customizer = new IisportConnectionCustomizer();
        customizer.install(server);
        return customizer;
    };
    private static Path keyStore;

    @FunctionalInterface
    interface Installer
    {
        IisportConnectionCustomizer install(Server server, HttpConfiguration config) throws Exception;
    }

    @FunctionalInterface
    interface Body
    {
        void handle(HttpServletRequest request, HttpServletResponse response) throws Exception;
    }

    /**
     * Calls the body, counts the calls, records a throwable, and records the URI once the body has returned.
     */
    class TestServlet extends HttpServlet
    {
        private final Body body;

        TestServlet(Body body)
        {
            this.body = body;
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response)
        {
            calls.incrementAndGet();
            try
            {
                body.handle(request, response);
                servletCompletions.add(request.getRequestURI());
            }
            catch (Throwable x)
            {
                servletFailures.add(x);
            }
        }
    }

    private PrintStream originalErr;
    private final ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();

    /**
     * Captures what is logged (slf4j-simple writes to the current {@code System.err}), to fail a test whose
     * server logged a warning or an error, such as an exception thrown by Jetty because of a wrong stream state.
     */
    @BeforeEach
    public void captureLog()
    {
        originalErr = System.err;
        System.setErr(new PrintStream(new OutputStream()
        {
            @Override
            public void write(int b)
            {
                originalErr.write(b);
                synchronized (capturedErr)
                {
                    capturedErr.write(b);
                }
            }

            @Override
            public void write(byte[] bytes, int offset, int length)
            {
                originalErr.write(bytes, offset, length);
                synchronized (capturedErr)
                {
                    capturedErr.write(bytes, offset, length);
                }
            }
        }, true, StandardCharsets.UTF_8));
    }

    /** @return what was logged since the test started */
    protected String capturedLog()
    {
        synchronized (capturedErr)
        {
            return capturedErr.toString(StandardCharsets.UTF_8);
        }
    }

    @AfterEach
    public void stopServer()
    {
        timer.shutdownNow();
        LifeCycle.stop(server);
        System.setErr(originalErr);
        String log = capturedLog();
        List<String> problems = log.lines().filter(line -> line.contains(" WARN ") || line.contains(" ERROR ")).toList();
        assertTrue(problems.isEmpty(), () -> "logged:\n" + log);
    }

    /**
     * Starts a server whose plain connector speaks HTTP/1.1 and h2c (prior knowledge), with an ee10 context.
     */
    protected void startPlain(Body body) throws Exception
    {
        start(new ServletContextHandler(), body, false);
    }

    protected void start(Handler context, Body body, boolean tls) throws Exception
    {
        QueuedThreadPool threadPool = new QueuedThreadPool();
        threadPool.setName("server");
        server = new Server(threadPool);
        HttpConfiguration config = new HttpConfiguration();
        if (tls)
        {
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            secure.setSniHostCheck(false);
            config.addCustomizer(secure);
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStorePath(keyStore().toString());
            ssl.setKeyStorePassword(KEYSTORE_PASSWORD);
            HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(config);
            HttpConnectionFactory http1 = new HttpConnectionFactory(config);
            ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
            alpn.setDefaultProtocol(http1.getProtocol());
            connector = new ServerConnector(server, 1, 1, new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, h2, http1);
        }
        else
        {
            connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(config), h2cFactory.apply(config));
        }
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);

        if (body == null)
        {
            // The context brings its own servlets.
        }
        else if (context instanceof ServletContextHandler ee10)
            ee10.addServlet(new ServletHolder(new TestServlet(body)), "/*");
        else if (context instanceof org.eclipse.jetty.ee11.servlet.ServletContextHandler ee11)
            ee11.addServlet(new org.eclipse.jetty.ee11.servlet.ServletHolder(new TestServlet(body)), "/*");
        server.setHandler(context);

        customizer = installer.install(server, config);
        server.start();
    }

    protected int port()
    {
        return connector.getLocalPort();
    }

    protected Socket connect() throws IOException
    {
        Socket socket = new Socket("127.0.0.1", port());
        socket.setSoTimeout(TIMEOUT_SECONDS * 1000);
        return socket;
    }

    static void send(Socket socket, String request) throws IOException
    {
        OutputStream output = socket.getOutputStream();
        output.write(request.getBytes(StandardCharsets.ISO_8859_1));
        output.flush();
    }

    /**
     * Reads until EOF; a wrong behaviour (no close) fails with a SocketTimeoutException.
     */
    static String readToEof(InputStream input) throws IOException
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int read;
        while ((read = input.read(buffer)) >= 0)
        {
            bytes.write(buffer, 0, read);
        }
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * Reads until the connection fails, and returns what was read before the failure.
     */
    static Reset readToReset(InputStream input) throws IOException
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try
        {
            int read;
            while ((read = input.read(buffer)) >= 0)
            {
                bytes.write(buffer, 0, read);
            }
        }
        catch (SocketException x)
        {
            return new Reset(bytes.toString(StandardCharsets.ISO_8859_1), x);
        }
        throw new AssertionError("EOF instead of reset after: " + bytes.toString(StandardCharsets.ISO_8859_1));
    }

    record Reset(String before, SocketException failure)
    {
    }

    static Runnable disconnect(HttpServletRequest request)
    {
        return (Runnable)request.getAttribute(ConnectionBridge.DISCONNECT_ATTRIBUTE);
    }

    static IntConsumer reset(HttpServletRequest request)
    {
        return (IntConsumer)request.getAttribute(ConnectionBridge.RESET_ATTRIBUTE);
    }

    static Runnable close(HttpServletRequest request)
    {
        return (Runnable)request.getAttribute(ConnectionBridge.CLOSE_ATTRIBUTE);
    }

    static int count(String text, String token)
    {
        int count = 0;
        for (int i = text.indexOf(token); i >= 0; i = text.indexOf(token, i + token.length()))
        {
            count++;
        }
        return count;
    }

    static void awaitUntil(String what, BooleanSupplier condition) throws InterruptedException
    {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
                fail("timed out waiting until " + what);
            Thread.sleep(10);
        }
    }

    /**
     * From the timer, 50 ms later: resets with CANCEL, then writes and flushes more and completes the async
     * request, as an app would after a reset; records what threw, and counts down {@code completed} at the end.
     */
    protected void resetLaterThenWrite(IntConsumer reset, AsyncContext async, AtomicReference<Throwable> failure,
        CountDownLatch completed)
    {
        timer.schedule(() ->
        {
            try
            {
                reset.accept(ConnectionBridge.CANCEL);
                ServletOutputStream output = async.getResponse().getOutputStream();
                output.print("never sent");
                output.flush();
                async.complete();
            }
            catch (Throwable x)
            {
                failure.set(x);
            }
            finally
            {
                completed.countDown();
            }
        }, 50, TimeUnit.MILLISECONDS);
    }

    /**
     * Writes 256 MiB, far more than socket buffers and HTTP/2 flow control windows hold while the client does not
     * read, and runs the action on the timer once the servlet is blocked in a write.
     */
    protected void writeBlockedThen(Runnable action, HttpServletResponse response) throws IOException
    {
        CountDownLatch writing = new CountDownLatch(1);
        timer.schedule(() ->
        {
            try
            {
                assertTrue(writing.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
                Thread.sleep(300);
            }
            catch (InterruptedException x)
            {
                throw new RuntimeException(x);
            }
            action.run();
        }, 0, TimeUnit.MILLISECONDS);
        ServletOutputStream output = response.getOutputStream();
        byte[] chunk = new byte[64 * 1024];
        writing.countDown();
        for (int i = 0; i < 4096; i++)
        {
            output.write(chunk);
        }
    }

    protected String awaitCompletion() throws InterruptedException
    {
        String uri = servletCompletions.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (uri == null)
            fail("servlet did not complete; failures: " + List.copyOf(servletFailures));
        return uri;
    }

    protected void assertNoServletFailure()
    {
        Throwable failure = servletFailures.peek();
        if (failure != null)
            throw new AssertionError("servlet failed", failure);
    }

    /**
     * A self-signed key store generated once with the JDK's keytool.
     */
    static synchronized Path keyStore() throws Exception
    {
        if (keyStore == null)
        {
            Path dir = Files.createTempDirectory("iisport-keystore");
            Path file = dir.resolve("keystore.p12");
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Process process = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=localhost", "-validity", "30", "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", KEYSTORE_PASSWORD, "-keypass", KEYSTORE_PASSWORD,
                "-ext", "SAN=dns:localhost,ip:127.0.0.1")
                .redirectErrorStream(true)
                .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "keytool timed out");
            if (process.exitValue() != 0)
                fail("keytool failed: " + output);
            KeyStore.getInstance(file.toFile(), KEYSTORE_PASSWORD.toCharArray());
            file.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            keyStore = file;
        }
        return keyStore;
    }

    static SSLContext trustAllSslContext() throws Exception
    {
        SSLContext context = SSLContext.getInstance("TLS");
        TrustManager trustAll = new X509TrustManager()
        {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType)
            {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType)
            {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers()
            {
                return new X509Certificate[0];
            }
        };
        context.init(null, new TrustManager[]{trustAll}, null);
        return context;
    }
}
