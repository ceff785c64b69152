package io.iisport.e2e;

import static io.iisport.httpserv.RequestNotification.RQ_BEGIN_REQUEST;
import static io.iisport.httpserv.RequestNotification.RQ_END_REQUEST;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_FINISH_REQUEST;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

import io.iisport.filter.Scripted;
import io.iisport.filter.TestServer;
import io.iisport.jetty.IisportConnectionCustomizer;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Resets and graceful disconnects interleaved with keep-alive traffic from several threads: no normal request
 * fails, and afterwards the connector's open endpoints, the thread count and the heap are back where they were, and
 * no request's state is still reachable. {@code -Diisport.soak.count=10000} runs the full size (default 1000 each).
 */
class SoakTest {
    private static final int COUNT = Integer.getInteger("iisport.soak.count", 1000);
    private static final ConcurrentLinkedQueue<WeakReference<Object>> REQUEST_STATE = new ConcurrentLinkedQueue<>();
    private TestServer server;

    @AfterEach
    void tearDown() {
        server.close();
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    void resetsAndDisconnectsAmongKeepAliveTrafficLeaveNothingBehind() throws Exception {
        REQUEST_STATE.clear();
        server = new TestServer();
        Scripted.Script module = server.scripted("M");
        QueuedThreadPool pool = (QueuedThreadPool) server.server.getThreadPool();
        pool.setMinThreads(16);
        pool.setMaxThreads(16);
        server.handle("/*", (req, resp) -> resp.getWriter().print("ok"));
        module.on(RQ_BEGIN_REQUEST, (c, p) -> {
            String url = c.getRequest().getRawUrl();
            if (url.equals("/reset")) {
                c.getResponse().resetConnection();
                return RQ_NOTIFICATION_FINISH_REQUEST;
            }
            if (url.equals("/disconnect")) {
                c.getResponse().setNeedDisconnect();
            }
            return RQ_NOTIFICATION_CONTINUE;
        });
        module.on(RQ_END_REQUEST, (c, p) -> {
            REQUEST_STATE.add(new WeakReference<>(c));
            REQUEST_STATE.add(new WeakReference<>(c.getResponse()));
            return RQ_NOTIFICATION_CONTINUE;
        });
        server.moduleFilter("modules", module.declaration());
        new IisportConnectionCustomizer().install(server.server);
        server.start();

        // Warm up, then take the baseline.
        run(Math.min(100, COUNT));
        Wire.awaitUntil("warm-up connections closed", () -> server.connector.getConnectedEndPoints().isEmpty());
        int threadsBefore = Thread.activeCount();
        long heapBefore = usedHeapAfterGc();
        REQUEST_STATE.clear();

        Outcome outcome = run(COUNT);

        assertThat("failed keep-alive requests", outcome.failedNormal.get(), is(0L));
        assertThat("keep-alive requests served", outcome.servedNormal.get(), greaterThan(0L));
        assertThat("resets that were no reset", outcome.unexpectedReset.get(), is(0L));
        assertThat("disconnects that were no graceful close", outcome.unexpectedDisconnect.get(), is(0L));
        Wire.awaitUntil("open endpoints back to the baseline", () -> server.connector.getConnectedEndPoints().isEmpty());
        Wire.awaitUntil("threads back to the baseline", () -> Thread.activeCount() <= threadsBefore);
        // A request thread can still be in the filter's end of the last requests (END_REQUEST runs after a reset has
        // closed the connection): collected once it has returned, unless something keeps the request's state.
        Wire.awaitUntil("no request context or response is reachable any more", () -> {
            System.gc();
            return REQUEST_STATE.stream().allMatch(reference -> reference.get() == null);
        });
        long heapAfter = usedHeapAfterGc();
        assertThat("retained heap growth in bytes", heapAfter - heapBefore, lessThan(32L * 1024 * 1024));
    }

    /** What the client threads saw. */
    private static final class Outcome {
        final AtomicLong servedNormal = new AtomicLong();
        final AtomicLong failedNormal = new AtomicLong();
        final AtomicLong unexpectedReset = new AtomicLong();
        final AtomicLong unexpectedDisconnect = new AtomicLong();
    }

    private Outcome run(int count) throws Exception {
        Outcome outcome = new Outcome();
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger running = new AtomicInteger(2);
        List<Thread> threads = new ArrayList<>();
        threads.add(new Thread(() -> {
            try {
                for (int i = 0; i < count; i++) {
                    try (Socket socket = Wire.connect(server.port())) {
                        Wire.send(socket, "GET /reset HTTP/1.1\r\nHost: x\r\n\r\n");
                        Wire.Reset reset = Wire.readToReset(socket.getInputStream());
                        if (!reset.before().isEmpty()) {
                            outcome.unexpectedReset.incrementAndGet();
                        }
                    } catch (Exception | AssertionError e) {
                        outcome.unexpectedReset.incrementAndGet();
                    }
                }
            } finally {
                if (running.decrementAndGet() == 0) {
                    done.set(true);
                }
            }
        }));
        threads.add(new Thread(() -> {
            try {
                for (int i = 0; i < count; i++) {
                    try (Socket socket = Wire.connect(server.port())) {
                        Wire.send(socket, "GET /disconnect HTTP/1.1\r\nHost: x\r\n\r\n");
                        InputStream in = socket.getInputStream();
                        HttpTester.Response response = Wire.readResponse(in);
                        if (!"ok".equals(response.getContent()) || in.read() != -1) {
                            outcome.unexpectedDisconnect.incrementAndGet();
                        }
                    } catch (Exception | AssertionError e) {
                        outcome.unexpectedDisconnect.incrementAndGet();
                    }
                }
            } finally {
                if (running.decrementAndGet() == 0) {
                    done.set(true);
                }
            }
        }));
        for (int k = 0; k < 2; k++) {
            threads.add(new Thread(() -> {
                try (Socket socket = Wire.connect(server.port())) {
                    InputStream in = socket.getInputStream();
                    while (!done.get()) {
                        Wire.send(socket, "GET /normal HTTP/1.1\r\nHost: x\r\n\r\n");
                        HttpTester.Response response = Wire.readResponse(in);
                        if (response.getStatus() == 200 && "ok".equals(response.getContent())) {
                            outcome.servedNormal.incrementAndGet();
                        } else {
                            outcome.failedNormal.incrementAndGet();
                        }
                    }
                } catch (Exception | AssertionError e) {
                    outcome.failedNormal.incrementAndGet();
                }
            }));
        }
        for (Thread thread : threads) {
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return outcome;
    }
}
