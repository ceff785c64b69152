package io.iisport.e2e;

import static io.iisport.httpserv.RequestNotification.RQ_END_REQUEST;
import static io.iisport.httpserv.RequestNotification.RQ_SEND_RESPONSE;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import io.iisport.filter.Events;
import io.iisport.filter.IisModuleFilter;
import io.iisport.filter.Scripted;
import io.iisport.filter.TestServer;
import io.iisport.httpserv.IHttpResponse;
import io.iisport.jetty.IisportConnectionCustomizer;
import jakarta.servlet.AsyncContext;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Faults with the module filter and the Jetty extension together: a client gone mid-response, resets from other
 * threads while the servlet streams or runs async, a servlet that throws after a reset. Every time the modules are
 * disposed, nothing throws into the servlet where IIS says the call succeeds, and the server serves the next request.
 */
class FaultsTest {
    private TestServer server;
    private Events events;
    private Scripted.Script module;

    @BeforeEach
    void setUp() {
        server = new TestServer();
        events = server.events;
        module = server.scripted("M");
        // The module records RQ_END_REQUEST, which runs last before dispose(): the request's end through the pipeline.
        module.on(RQ_END_REQUEST, (c, p) -> {
            events.add("M:end " + c.getRequest().getRawUrl());
            return RQ_NOTIFICATION_CONTINUE;
        });
        // And RQ_SEND_RESPONSE, doing nothing: the servlets get the filter's objects, whose response they cast to
        // IHttpResponse for the IIS calls (the container's own, on the direct path, is no IHttpResponse).
        module.on(RQ_SEND_RESPONSE, (c, p) -> RQ_NOTIFICATION_CONTINUE);
        server.handle("/ok", (req, resp) -> resp.getWriter().print("ok"));
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private void start(String... params) throws Exception {
        server.scriptedFilter(new IisModuleFilter(), module, params);
        new IisportConnectionCustomizer().install(server.server);
        server.start();
    }

    private void assertServesTheNextRequest() throws Exception {
        try (Socket socket = server.socket()) {
            TestServer.send(socket, "GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(TestServer.readResponse(socket.getInputStream()).getContent(), is("ok"));
        }
        Wire.awaitUntil("the connections are closed", () -> server.connector.getConnectedEndPoints().isEmpty());
    }

    @Test
    void aClientThatLeavesMidResponseEndsTheRequestAndItsModules() throws Exception {
        server.handle("/big", (req, resp) -> {
            byte[] block = new byte[64 * 1024];
            try {
                for (int i = 0; i < 16 * 1024; i++) { // up to 1 GiB: the client leaves long before
                    resp.getOutputStream().write(block);
                }
                events.add("servlet wrote everything");
            } catch (java.io.IOException e) {
                events.add("servlet saw the client leave");
                throw e;
            }
        });
        start("responseBufferLimit", "65536");

        try (Socket socket = server.socket()) {
            TestServer.send(socket, "GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            for (int read = 0; read < 256 * 1024; ) {
                read += in.read(buffer);
            }
            socket.setSoLinger(true, 0); // leave abruptly
        }
        events.await("servlet saw the client leave");
        events.await("M:end /big");
        assertServesTheNextRequest();
    }

    @Test
    void aResetFromAnotherThreadWhileTheServletStreamsNeitherThrowsNorBlocks() throws Exception {
        CountDownLatch streaming = new CountDownLatch(1);
        server.handle("/stream", (req, resp) -> {
            IHttpResponse iis = (IHttpResponse) resp;
            Thread resetter = new Thread(() -> {
                try {
                    streaming.await(10, TimeUnit.SECONDS);
                    iis.resetConnection();
                    events.add("reset");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            resetter.start();
            byte[] block = new byte[16 * 1024];
            for (int i = 0; i < 4096; i++) { // 64 MiB, far more than the socket buffers hold
                resp.getOutputStream().write(block);
                resp.flushBuffer();
                if (i == 8) {
                    streaming.countDown();
                }
            }
            resetter.join();
            events.add("servlet finished normally");
        });
        start("responseBufferLimit", "0");

        try (Socket socket = server.socket()) {
            TestServer.send(socket, "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
            Wire.Reset reset = Wire.readToReset(socket.getInputStream());
            assertThat(reset.before(), startsWith("HTTP/1.1 200"));
            assertThat(reset.failure().getMessage(), containsString("reset"));
        }
        events.await("servlet finished normally");
        events.await("M:end /stream");
        assertThat(events.all().contains("reset"), is(true));
        assertServesTheNextRequest();
    }

    @Test
    void aResetDuringAsyncProcessingEndsThePipelineWhenTheServletCompletes() throws Exception {
        server.handle("/async", (req, resp) -> {
            AsyncContext async = req.startAsync();
            new Thread(() -> {
                try {
                    IHttpResponse iis = (IHttpResponse) async.getResponse();
                    async.getResponse().getWriter().print("before");
                    iis.resetConnection();
                    async.getResponse().getWriter().print("after");
                    async.getResponse().flushBuffer();
                    events.add("async wrote after the reset");
                } catch (Exception e) {
                    events.add("async failed: " + e);
                } finally {
                    async.complete();
                }
            }).start();
        });
        start();

        try (Socket socket = server.socket()) {
            TestServer.send(socket, "GET /async HTTP/1.1\r\nHost: x\r\n\r\n");
            Wire.Reset reset = Wire.readToReset(socket.getInputStream());
            assertThat(reset.before(), is(""));
        }
        events.await("async wrote after the reset");
        events.await("M:end /async");
        assertServesTheNextRequest();
    }

    @Test
    void aServletThatThrowsAfterAResetSendsNoErrorPage() throws Exception {
        server.handle("/throws", (req, resp) -> {
            ((IHttpResponse) resp).resetConnection();
            throw new IllegalStateException("failed after the reset");
        });
        start();

        try (Socket socket = server.socket()) {
            TestServer.send(socket, "GET /throws HTTP/1.1\r\nHost: x\r\n\r\nGET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
            Wire.Reset reset = Wire.readToReset(socket.getInputStream());
            assertThat(reset.before(), not(containsString("HTTP/1.1")));
        }
        events.await("M:end /throws");
        assertThat(events.all().contains("M:end /ok"), is(false));
        assertServesTheNextRequest();
    }

    @Test
    void aClientThatLeavesBeforeTheFinalSendIsNotAnErrorForTheModules() throws Exception {
        CountDownLatch clientGone = new CountDownLatch(1);
        server.handle("/slow", (req, resp) -> {
            resp.getWriter().print("late answer");
            clientGone.await(10, TimeUnit.SECONDS);
            Thread.sleep(50);
        });
        start();

        try (Socket socket = server.socket()) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            out.flush();
            socket.setSoLinger(true, 0);
        }
        clientGone.countDown();
        events.await("M:end /slow");
        assertServesTheNextRequest();
    }
}
