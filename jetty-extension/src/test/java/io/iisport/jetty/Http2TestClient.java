package io.iisport.jetty;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
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
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * An {@link HTTP2Client} with one session, recording the session events (GOAWAY, close) and the completion of
 * each stream, in order, in {@link #events}.
 */
class Http2TestClient implements AutoCloseable
{
    static final int NO_RESET = -1;

    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    final Session session;
    private final HTTP2Client client;
    private final int port;

    record Response(int status, String body, int resetError)
    {
    }

    Http2TestClient(int port, boolean tls) throws Exception
    {
        this.port = port;
        client = new HTTP2Client();
        SslContextFactory.Client ssl = null;
        if (tls)
        {
            ssl = new SslContextFactory.Client(true);
            client.addBean(ssl);
        }
        client.start();
        Session.Listener listener = new Session.Listener()
        {
            @Override
            public void onGoAway(Session session, GoAwayFrame frame)
            {
                events.add("goaway:" + frame.getError());
            }

            @Override
            public void onClose(Session session, GoAwayFrame frame, Callback callback)
            {
                events.add("close");
                callback.succeeded();
            }
        };
        session = client.connect(ssl, new InetSocketAddress("127.0.0.1", port), listener).get(AbstractConnectionActionsTest.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    CompletableFuture<Response> get(String path)
    {
        return request(path, true);
    }

    /**
     * A GET with one request header.
     */
    CompletableFuture<Response> get(String path, String headerName, String headerValue)
    {
        return request(path, true, true, HttpFields.build().put(headerName, headerValue));
    }

    /**
     * @param endStream false to leave the request open, as if its content were coming
     */
    CompletableFuture<Response> request(String path, boolean endStream)
    {
        return request(path, endStream, true);
    }

    /**
     * @param endStream false to leave the request open, as if its content were coming
     * @param read false to never read the response content, so that the server's writes stall on flow control
     */
    CompletableFuture<Response> request(String path, boolean endStream, boolean read)
    {
        return request(path, endStream, read, HttpFields.EMPTY);
    }

    private CompletableFuture<Response> request(String path, boolean endStream, boolean read, HttpFields headers)
    {
        MetaData.Request metaData = new MetaData.Request(endStream ? "GET" : "POST", HttpURI.from("http://localhost:" + port + path), HttpVersion.HTTP_2, headers);
        CompletableFuture<Response> result = new CompletableFuture<>();
        session.newStream(new HeadersFrame(metaData, null, endStream), new Stream.Listener()
        {
            private int status;
            private final StringBuilder body = new StringBuilder();

            @Override
            public void onHeaders(Stream stream, HeadersFrame frame)
            {
                if (frame.getMetaData() instanceof MetaData.Response response)
                    status = response.getStatus();
                if (frame.isEndStream())
                    complete(NO_RESET);
                else if (read)
                    stream.demand();
            }

            @Override
            public void onDataAvailable(Stream stream)
            {
                while (true)
                {
                    Stream.Data data = stream.readData();
                    if (data == null)
                    {
                        stream.demand();
                        return;
                    }
                    body.append(BufferUtil.toString(data.frame().getByteBuffer(), StandardCharsets.UTF_8));
                    data.release();
                    if (data.frame().isEndStream())
                    {
                        complete(NO_RESET);
                        return;
                    }
                }
            }

            @Override
            public void onReset(Stream stream, ResetFrame frame, Callback callback)
            {
                complete(frame.getError());
                callback.succeeded();
            }

            @Override
            public void onFailure(Stream stream, int error, String reason, Throwable failure, Callback callback)
            {
                result.completeExceptionally(failure);
                callback.succeeded();
            }

            private void complete(int resetError)
            {
                events.add(path + (resetError == NO_RESET ? ":complete" : ":reset:" + resetError));
                result.complete(new Response(status, body.toString(), resetError));
            }
        }).whenComplete((stream, failure) ->
        {
            if (failure != null)
                result.completeExceptionally(failure);
        });
        return result;
    }

    String nextEvent() throws InterruptedException
    {
        return events.poll(AbstractConnectionActionsTest.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void close()
    {
        LifeCycle.stop(client);
    }
}
