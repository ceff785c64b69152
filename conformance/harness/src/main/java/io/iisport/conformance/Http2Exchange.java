package io.iisport.conformance;

import io.iisport.conformance.Observation.Arrival;
import io.iisport.conformance.Observation.Field;
import io.iisport.conformance.Observation.Framing;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * One GET over h2c with prior knowledge (RFC 9113 section 3.3) on a new session, through Jetty's low-level
 * HTTP/2 frame API: each DATA frame's arrival is timed, and the stream's end (END_STREAM or RST_STREAM) recorded.
 *
 * @param target the request target; {@code {p}} stands for the path prefix
 */
public record Http2Exchange(String target) implements Probe {
    @Override
    public Observation observe(int port, String prefix) throws Exception {
        HTTP2Client client = new HTTP2Client();
        client.start();
        try {
            Session session = client.connect(new InetSocketAddress("127.0.0.1", port), new Session.Listener() {
            }).get(Http1Exchange.READ_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            MetaData.Request request = new MetaData.Request("GET",
                    HttpURI.from("http://127.0.0.1:" + port + target.replace("{p}", prefix)), HttpVersion.HTTP_2,
                    HttpFields.EMPTY);
            Recorder recorder = new Recorder(System.nanoTime());
            session.newStream(new HeadersFrame(request, null, true), recorder)
                    .whenComplete((stream, failure) -> {
                        if (failure != null) {
                            recorder.result.completeExceptionally(failure);
                        }
                    });
            try {
                return recorder.result.get(Http1Exchange.READ_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                return recorder.observation("timeout");
            }
        } finally {
            LifeCycle.stop(client);
        }
    }

    private static final class Recorder implements Stream.Listener {
        final CompletableFuture<Observation> result = new CompletableFuture<>();
        private final long start;
        private final List<Field> headers = new ArrayList<>();
        private final List<Field> trailers = new ArrayList<>();
        private final List<Arrival> arrivals = new ArrayList<>();
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private int status;

        Recorder(long start) {
            this.start = start;
        }

        @Override
        public void onHeaders(Stream stream, HeadersFrame frame) {
            synchronized (this) {
                if (frame.getMetaData() instanceof MetaData.Response response) {
                    status = response.getStatus();
                    copy(response.getHttpFields(), headers);
                } else {
                    copy(frame.getMetaData().getHttpFields(), trailers);
                }
            }
            if (frame.isEndStream()) {
                result.complete(observation("end of stream"));
            } else {
                stream.demand();
            }
        }

        private static void copy(HttpFields from, List<Field> to) {
            for (HttpField field : from) {
                to.add(new Field(field.getName(), field.getValue()));
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
                ByteBuffer buffer = data.frame().getByteBuffer();
                synchronized (this) {
                    byte[] bytes = new byte[buffer.remaining()];
                    buffer.get(bytes);
                    body.write(bytes, 0, bytes.length);
                    arrivals.add(new Arrival(body.size(), (System.nanoTime() - start) / 1e6));
                }
                data.release();
                if (data.frame().isEndStream()) {
                    result.complete(observation("end of stream"));
                    return;
                }
            }
        }

        @Override
        public void onReset(Stream stream, ResetFrame frame, Callback callback) {
            result.complete(observation("RST_STREAM " + frame.getError()));
            callback.succeeded();
        }

        synchronized Observation observation(String end) {
            boolean noBody = status < 200 || status == 204 || status == 304;
            boolean length = headers.stream().anyMatch(f -> f.name().equalsIgnoreCase("content-length"));
            Framing framing = noBody ? Framing.NO_BODY : length ? Framing.CONTENT_LENGTH : Framing.STREAM;
            return new Observation(status, "", List.copyOf(headers), body.toByteArray(), framing,
                    List.copyOf(trailers), end, List.copyOf(arrivals));
        }
    }
}
