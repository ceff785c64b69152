package io.iisport.e2e;

import static io.iisport.httpserv.GlobalNotification.GL_APPLICATION_START;
import static io.iisport.httpserv.GlobalNotification.GL_APPLICATION_STOP;
import static io.iisport.httpserv.GlobalNotification.GL_PRE_BEGIN_REQUEST;
import static io.iisport.httpserv.GlobalNotificationStatus.GL_NOTIFICATION_CONTINUE;
import static io.iisport.httpserv.RequestNotification.RQ_BEGIN_REQUEST;
import static io.iisport.httpserv.RequestNotification.RQ_SEND_RESPONSE;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import io.iisport.filter.IisModuleFilter;
import io.iisport.httpserv.CGlobalModule;
import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.GlobalNotificationStatus;
import io.iisport.httpserv.IHttpApplicationStartProvider;
import io.iisport.httpserv.IHttpApplicationStopProvider;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.IPreBeginRequestProvider;
import io.iisport.httpserv.ISendResponseProvider;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotificationStatus;
import io.iisport.test.http2.Http2FrameClient;
import io.iisport.test.http2.Http2FrameClient.Frame;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.http2.Http2Protocol;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.hpack.HpackDecoder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.junit.jupiter.api.Test;

/**
 * {@code IHttpResponse4::SetTrailer} and {@code CGlobalModule} on real containers: a gRPC-like module sets
 * {@code grpc-status: 0} in {@code OnSendResponse} of the final send, read on the wire as the HTTP/1.1 trailer section
 * after the last chunk (raw socket) and as the HTTP/2 HEADERS frame with END_STREAM after the DATA (raw frame
 * client), on Jetty 12 and Tomcat 10.1; and the application's global notifications, start and stop (on undeploy)
 * once each, {@code GL_PRE_BEGIN_REQUEST} before {@code RQ_BEGIN_REQUEST}.
 */
class TrailersAndGlobalModulesTest {
    /** What the modules of the running test saw, in order. */
    static final List<String> EVENTS = java.util.Collections.synchronizedList(new ArrayList<>());

    /** Sets {@code grpc-status: 0} at the final send, as the ASP.NET Core Module does for gRPC. */
    public static final class GrpcStatusModule implements RegisterModule {
        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer server) {
            moduleInfo.setRequestNotifications(() -> new CHttpModule() {
                @Override
                public RequestNotificationStatus onBeginRequest(IHttpContext context, IHttpEventProvider provider) {
                    EVENTS.add("RQ_BEGIN_REQUEST");
                    return RQ_NOTIFICATION_CONTINUE;
                }

                @Override
                public RequestNotificationStatus onSendResponse(IHttpContext context, ISendResponseProvider provider) {
                    if ((provider.getFlags() & ISendResponseProvider.HTTP_SEND_RESPONSE_FLAG_MORE_DATA) == 0) {
                        context.getResponse().setTrailer("grpc-status", "0", true);
                    }
                    return RQ_NOTIFICATION_CONTINUE;
                }
            }, RQ_BEGIN_REQUEST | RQ_SEND_RESPONSE, 0);
        }
    }

    /** Records the application's global notifications. */
    public static final class LifecycleModule implements RegisterModule {
        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer server) {
            moduleInfo.setGlobalNotifications(new CGlobalModule() {
                @Override
                public GlobalNotificationStatus onGlobalApplicationStart(IHttpApplicationStartProvider provider) {
                    EVENTS.add("GL_APPLICATION_START " + provider.getApplication().getApplicationId());
                    return GL_NOTIFICATION_CONTINUE;
                }

                @Override
                public GlobalNotificationStatus onGlobalApplicationStop(IHttpApplicationStopProvider provider) {
                    EVENTS.add("GL_APPLICATION_STOP");
                    return GL_NOTIFICATION_CONTINUE;
                }

                @Override
                public GlobalNotificationStatus onGlobalPreBeginRequest(IPreBeginRequestProvider provider) {
                    EVENTS.add("GL_PRE_BEGIN_REQUEST " + provider.getHttpContext().getServerVariable("URL"));
                    return GL_NOTIFICATION_CONTINUE;
                }

                @Override
                public void terminate() {
                    EVENTS.add("terminate");
                }
            }, GL_APPLICATION_START | GL_APPLICATION_STOP | GL_PRE_BEGIN_REQUEST);
        }
    }

    private static final String MODULES = "Lifecycle=" + LifecycleModule.class.getName() + "\nGrpc="
            + GrpcStatusModule.class.getName();

    /** The handler: a body written without a length, as a gRPC response is. */
    private static final class RpcServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("application/grpc");
            resp.getOutputStream().print("message");
        }
    }

    // ---------------------------------------------------------------- the wire

    private static String http1(int port) throws IOException {
        try (Socket socket = Wire.connect(port)) {
            Wire.send(socket, "GET /app/rpc HTTP/1.1\r\nHost: localhost\r\nTE: trailers\r\nConnection: close\r\n\r\n");
            return Wire.readToEof(socket.getInputStream());
        }
    }

    private static void assertHttp1Trailer(String wire) {
        assertThat(wire, containsString("\r\nTransfer-Encoding: chunked\r\n"));
        assertThat(wire, not(containsString("Content-Length")));
        assertThat(wire, endsWith("\r\n7\r\nmessage\r\n0\r\ngrpc-status: 0\r\n\r\n"));
    }

    /** The frames of stream 1 for a GET over h2c; the trailer section decoded from the last HEADERS frame. */
    private static Map.Entry<List<Frame>, HttpFields> h2c(int port) throws Exception {
        try (Http2FrameClient client = Http2FrameClient.connect(Http2FrameClient.Transport.PRIOR_KNOWLEDGE, port, null,
                Wire.TIMEOUT_SECONDS)) {
            client.get(1, "/app/rpc");
            List<Frame> stream = new ArrayList<>();
            for (Frame frame : client.readUntil("END_STREAM on stream 1", f -> f.stream() == 1 && f.isEndStream())) {
                if (frame.stream() == 1) {
                    stream.add(frame);
                }
            }
            HpackDecoder decoder = new HpackDecoder(64 * 1024, System::nanoTime);
            HttpFields trailers = null;
            for (Frame frame : stream) {
                if (frame.type() == Http2FrameClient.HEADERS) {
                    MetaData decoded = decoder.decode(headerBlock(frame));
                    trailers = decoded.getHttpFields();
                }
            }
            return Map.entry(stream, trailers);
        }
    }

    /** The header block fragment of a HEADERS frame (RFC 9113 §6.2), without padding and priority. */
    private static ByteBuffer headerBlock(Frame frame) {
        byte[] payload = frame.payload();
        int start = 0;
        int end = payload.length;
        if ((frame.flags() & Http2FrameClient.PADDED) != 0) {
            end -= payload[0] & 0xFF;
            start = 1;
        }
        if ((frame.flags() & Http2FrameClient.PRIORITY) != 0) {
            start += 5;
        }
        return ByteBuffer.wrap(payload, start, end - start);
    }

    private static void assertH2Trailer(Map.Entry<List<Frame>, HttpFields> exchange) {
        List<Frame> frames = exchange.getKey();
        // HEADERS (response), DATA without END_STREAM, then HEADERS with END_STREAM: the trailer section.
        assertThat(frames.get(0).type(), is(Http2FrameClient.HEADERS));
        assertThat(frames.get(0).isEndStream(), is(false));
        Frame last = frames.get(frames.size() - 1);
        assertThat(last.type(), is(Http2FrameClient.HEADERS));
        assertThat(last.isEndStream(), is(true));
        StringBuilder body = new StringBuilder();
        for (Frame frame : frames) {
            if (frame.type() == Http2FrameClient.DATA) {
                assertThat(frame.isEndStream(), is(false));
                body.append(new String(frame.payload(), java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        assertThat(body.toString(), is("message"));
        assertThat(exchange.getValue().get("grpc-status"), is("0"));
    }

    // ---------------------------------------------------------------- Jetty

    @Test
    void jetty() throws Exception {
        EVENTS.clear();
        Server server = new Server();
        ServerConnector connector = H2.cleartextConnector(server);
        ServletContextHandler context = new ServletContextHandler("/app");
        FilterHolder filter = new FilterHolder(new IisModuleFilter());
        filter.setInitParameter("modules", MODULES);
        context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new RpcServlet(), "/rpc");
        server.setHandler(context);
        try {
            server.start();
            assertThat(EVENTS, is(List.of("GL_APPLICATION_START /LM/W3SVC/1/ROOT/app")));
            EVENTS.clear();

            assertHttp1Trailer(http1(connector.getLocalPort()));
            assertThat(EVENTS, is(List.of("GL_PRE_BEGIN_REQUEST /app/rpc", "RQ_BEGIN_REQUEST")));
            assertH2Trailer(h2c(connector.getLocalPort()));

            EVENTS.clear();
            context.stop();
            assertThat(EVENTS, is(List.of("GL_APPLICATION_STOP", "terminate")));
        } finally {
            LifeCycle.stop(server);
        }
        assertThat(EVENTS, is(List.of("GL_APPLICATION_STOP", "terminate")));
    }

    // ---------------------------------------------------------------- Tomcat

    @Test
    void tomcat() throws Exception {
        EVENTS.clear();
        Path baseDir = Files.createTempDirectory("iisport-tomcat-trailers");
        Tomcat tomcat = TomcatTest.newTomcat(baseDir);
        tomcat.getConnector().addUpgradeProtocol(new Http2Protocol());
        Context context = tomcat.addContext("/app", Files.createDirectories(baseDir.resolve("app")).toString());
        FilterDef filter = new FilterDef();
        filter.setFilterName("iis-modules");
        filter.setFilterClass(IisModuleFilter.class.getName());
        filter.addInitParameter("modules", MODULES);
        context.addFilterDef(filter);
        FilterMap mapping = new FilterMap();
        mapping.setFilterName("iis-modules");
        mapping.addURLPattern("/*");
        context.addFilterMap(mapping);
        Tomcat.addServlet(context, "rpc", new RpcServlet());
        context.addServletMappingDecoded("/rpc", "rpc");
        try {
            tomcat.start();
            assertThat(EVENTS, is(List.of("GL_APPLICATION_START /LM/W3SVC/1/ROOT/app")));
            EVENTS.clear();
            int port = tomcat.getConnector().getLocalPort();

            assertHttp1Trailer(http1(port));
            assertThat(EVENTS, is(List.of("GL_PRE_BEGIN_REQUEST /app/rpc", "RQ_BEGIN_REQUEST")));
            assertH2Trailer(h2c(port));

            // Undeploy: the application stops once, then its modules terminate.
            EVENTS.clear();
            tomcat.getHost().removeChild(context);
            assertThat(EVENTS, is(List.of("GL_APPLICATION_STOP", "terminate")));
        } finally {
            tomcat.stop();
            tomcat.destroy();
            TomcatTest.deleteRecursively(baseDir);
        }
        assertThat(EVENTS, is(List.of("GL_APPLICATION_STOP", "terminate")));
    }
}
