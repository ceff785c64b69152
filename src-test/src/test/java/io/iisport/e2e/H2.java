package io.iisport.e2e;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.GoAwayFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * One HTTP/2 session (h2c with prior knowledge, or h2 over TLS through ALPN) recording, in order, the completion or
 * reset of each stream and the session's GOAWAY and close in {@link #events}.
 */
final class H2 implements AutoCloseable {
    /** {@link Response#resetError()} of a stream that completed without a reset. */
    static final int NO_RESET = -1;

    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    final Session session;
    private final HTTP2Client client = new HTTP2Client();
    private final int port;

    record Response(int status, String body, int resetError, HttpFields headers) {
    }

    H2(int port, boolean tls) throws Exception {
        this.port = port;
        SslContextFactory.Client ssl = null;
        if (tls) {
            ssl = new SslContextFactory.Client(true);
            client.addBean(ssl);
        }
        client.start();
        Session.Listener listener = new Session.Listener() {
            @Override
            public void onGoAway(Session session, GoAwayFrame frame) {
                events.add("goaway:" + frame.getError());
            }

            @Override
            public void onClose(Session session, GoAwayFrame frame, Callback callback) {
                events.add("close");
                callback.succeeded();
            }
        };
        session = client.connect(ssl, new InetSocketAddress("127.0.0.1", port), listener)
                .get(Wire.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Adds to {@code server} a connector for HTTP/1.1 and h2c (prior knowledge, as this client speaks it) on
     * 127.0.0.1, a free port.
     */
    static ServerConnector cleartextConnector(Server server) {
        HttpConfiguration config = new HttpConfiguration();
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(config),
                new HTTP2CServerConnectionFactory(config));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        return connector;
    }

    Response get(String path, String... headers) throws Exception {
        return send("GET", path, headers).get(Wire.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    CompletableFuture<Response> send(String method, String path, String... headers) {
        HttpFields.Mutable fields = HttpFields.build();
        for (int i = 0; i < headers.length; i += 2) {
            fields.add(headers[i], headers[i + 1]);
        }
        MetaData.Request metaData = new MetaData.Request(method, HttpURI.from("http://localhost:" + port + path),
                HttpVersion.HTTP_2, fields);
        CompletableFuture<Response> result = new CompletableFuture<>();
        session.newStream(new HeadersFrame(metaData, null, true), new Stream.Listener() {
            private int status;
            private HttpFields responseHeaders = HttpFields.EMPTY;
            private final StringBuilder body = new StringBuilder();

            @Override
            public void onHeaders(Stream stream, HeadersFrame frame) {
                if (frame.getMetaData() instanceof MetaData.Response response) {
                    status = response.getStatus();
                    responseHeaders = response.getHttpFields();
                }
                if (frame.isEndStream()) {
                    complete(NO_RESET);
                } else {
                    stream.demand();
                }
            }

            @Override
            public void onDataAvailable(Stream stream) {
                while (true) {
                    Stream.Data data = stream.readData();
                    if (data == null) {
                        stream.demand();
                        return;
                    }
                    body.append(BufferUtil.toString(data.frame().getByteBuffer(), StandardCharsets.UTF_8));
                    data.release();
                    if (data.frame().isEndStream()) {
                        complete(NO_RESET);
                        return;
                    }
                }
            }

            @Override
            public void onReset(Stream stream, ResetFrame frame, Callback callback) {
                complete(frame.getError());
                callback.succeeded();
            }

            @Override
            public void onFailure(Stream stream, int error, String reason, Throwable failure, Callback callback) {
                result.completeExceptionally(failure);
                callback.succeeded();
            }

            private void complete(int resetError) {
                events.add(path + (resetError == NO_RESET ? ":complete" : ":reset:" + resetError));
                result.complete(new Response(status, body.toString(), resetError, responseHeaders));
            }
        }).whenComplete((stream, failure) -> {
            if (failure != null) {
                result.completeExceptionally(failure);
            }
        });
        return result;
    }

    String nextEvent() throws InterruptedException {
        String event = events.poll(Wire.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (event == null) {
            throw new AssertionError("no HTTP/2 event within " + Wire.TIMEOUT_SECONDS + " s");
        }
        return event;
    }

    /** @return the events so far, without waiting */
    List<String> eventsSoFar() {
        return List.copyOf(events);
    }

    @Override
    public void close() {
        LifeCycle.stop(client);
    }
}
