package io.iisport.filter;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotification;
import io.iisport.httpserv.RequestNotificationStatus;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The IIS pipeline around the servlet chain, on a real Jetty: order, statuses, priorities, failures, async. */
class PipelineTest {
    /** Every deterministic notification with its post-notification, in IIS order, around "servlet". */
    private static final List<String> FULL_ORDER;

    static {
        List<String> order = new ArrayList<>();
        for (String n : Recorder.ALL) {
            if (n.equals("RQ_LOG_REQUEST")) {
                order.add("RQ_SEND_RESPONSE");
            }
            order.add(n);
            if (n.equals("RQ_EXECUTE_REQUEST_HANDLER")) {
                order.add("servlet");
            }
            order.add(n + "/post");
        }
        FULL_ORDER = List.copyOf(order);
    }

    private final AtomicInteger servletCalls = new AtomicInteger();
    private TestServer server;
    private Events events;

    @BeforeEach
    void setUp() {
        server = new TestServer();
        events = server.events;
        server.servlet("/*", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                servletCalls.incrementAndGet();
                events.add("servlet");
                resp.setContentType("text/plain");
                resp.getWriter().print("from servlet");
            }
        });
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private static List<String> of(String module, List<String> notifications) {
        return notifications.stream().map(n -> n.equals("servlet") ? n : module + ":" + n).collect(Collectors.toList());
    }

    @Test
    void everyStageRunsInIisOrderAroundTheServletThenDispose() throws Exception {
        server.moduleFilter("modules", "A=" + Recorder.class.getName());
        server.start();

        HttpTester.Response response = server.get("/page");
        events.await("A:dispose");

        assertThat(response.getStatus(), is(200));
        assertThat(response.getContent(), is("from servlet"));
        List<String> expected = new ArrayList<>(of("A", FULL_ORDER));
        expected.add("A:dispose");
        assertEquals(expected, events.all());
    }

    static Stream<String> finishPoints() {
        return FULL_ORDER.stream().filter(n -> !n.equals("servlet")).filter(n -> FULL_ORDER.indexOf(n) < FULL_ORDER.indexOf("servlet"));
    }

    @ParameterizedTest
    @MethodSource("finishPoints")
    void finishRequestBeforeTheHandlerSkipsTheRestAndTheServletButNotSendLogEnd(String finishAt) throws Exception {
        server.moduleFilter("modules", "A=" + Recorder.class.getName() + "\nB=" + Recorder.class.getName(),
                "A.finishAt", finishAt);
        server.start();

        server.get("/page");
        events.await("B:dispose");

        assertThat(servletCalls.get(), is(0));
        List<String> expected = new ArrayList<>();
        for (String n : FULL_ORDER.subList(0, FULL_ORDER.indexOf(finishAt))) {
            expected.add("A:" + n);
            expected.add("B:" + n);
        }
        expected.add("A:" + finishAt);
        // SEND_RESPONSE runs in inverted order; LOG and END run for all.
        expected.addAll(List.of("B:RQ_SEND_RESPONSE", "A:RQ_SEND_RESPONSE",
                "A:RQ_LOG_REQUEST", "B:RQ_LOG_REQUEST", "A:RQ_LOG_REQUEST/post", "B:RQ_LOG_REQUEST/post",
                "A:RQ_END_REQUEST", "B:RQ_END_REQUEST", "A:RQ_END_REQUEST/post", "B:RQ_END_REQUEST/post",
                "A:dispose", "B:dispose"));
        assertEquals(expected, events.all());
    }

    @Test
    void finishRequestAfterTheHandlerSkipsTheRemainingStagesOnly() throws Exception {
        server.moduleFilter("modules", "A=" + Recorder.class.getName(), "A.finishAt", "RQ_RELEASE_REQUEST_STATE");
        server.start();

        HttpTester.Response response = server.get("/page");
        events.await("A:dispose");

        assertThat(response.getContent(), is("from servlet"));
        List<String> recorded = events.all();
        assertThat(recorded, hasItem("A:RQ_RELEASE_REQUEST_STATE"));
        assertThat(recorded, not(hasItem("A:RQ_RELEASE_REQUEST_STATE/post")));
        assertThat(recorded, not(hasItem("A:RQ_UPDATE_REQUEST_CACHE")));
        assertThat(recorded.subList(recorded.indexOf("A:RQ_RELEASE_REQUEST_STATE"), recorded.size()), contains(
                "A:RQ_RELEASE_REQUEST_STATE", "A:RQ_SEND_RESPONSE", "A:RQ_LOG_REQUEST", "A:RQ_LOG_REQUEST/post",
                "A:RQ_END_REQUEST", "A:RQ_END_REQUEST/post", "A:dispose"));
    }

    @Test
    void finishRequestInSendResponseSkipsTheOtherSendModulesButLogAndEndRun() throws Exception {
        server.moduleFilter("modules", "A=" + Recorder.class.getName() + "\nB=" + Recorder.class.getName(),
                "A.notifications", "RQ_SEND_RESPONSE,RQ_END_REQUEST", "A.post", "",
                "B.notifications", "RQ_SEND_RESPONSE,RQ_LOG_REQUEST", "B.post", "", "B.finishAt", "RQ_SEND_RESPONSE");
        server.start();

        server.get("/page");
        events.await("B:dispose");

        assertEquals(List.of("servlet", "B:RQ_SEND_RESPONSE", "B:RQ_LOG_REQUEST", "A:RQ_END_REQUEST", "A:dispose",
                "B:dispose"), events.all());
    }

    @Test
    void finishRequestInLogRequestSkipsItsPostNotificationButEndRequestRuns() throws Exception {
        server.moduleFilter("modules", "A=" + Recorder.class.getName(),
                "A.notifications", "RQ_LOG_REQUEST,RQ_END_REQUEST", "A.post", "RQ_LOG_REQUEST,RQ_END_REQUEST",
                "A.finishAt", "RQ_LOG_REQUEST");
        server.start();

        server.get("/page");
        events.await("A:dispose");

        assertEquals(List.of("servlet", "A:RQ_LOG_REQUEST", "A:RQ_END_REQUEST", "A:RQ_END_REQUEST/post", "A:dispose"),
                events.all());
    }

    @Test
    void prioritiesOrderModulesAndSendResponseRunsInverted() throws Exception {
        String cls = Recorder.class.getName();
        server.moduleFilter("modules", "Medium1=" + cls + "\nLast=" + cls + "\nFirst=" + cls + "\nMedium2=" + cls
                        + "\nHigh=" + cls + "\nLow=" + cls,
                "Medium1.notifications", "RQ_BEGIN_REQUEST,RQ_SEND_RESPONSE", "Medium1.post", "",
                "Last.notifications", "RQ_BEGIN_REQUEST,RQ_SEND_RESPONSE", "Last.post", "", "Last.priority", "LAST",
                "First.notifications", "RQ_BEGIN_REQUEST,RQ_SEND_RESPONSE", "First.post", "", "First.priority", "first",
                "Medium2.notifications", "RQ_BEGIN_REQUEST,RQ_SEND_RESPONSE", "Medium2.post", "", "Medium2.priority", "MEDIUM",
                "High.notifications", "RQ_BEGIN_REQUEST,RQ_SEND_RESPONSE", "High.post", "", "High.priority", "HIGH",
                "Low.notifications", "RQ_BEGIN_REQUEST,RQ_SEND_RESPONSE", "Low.post", "", "Low.priority", "LOW");
        server.start();

        server.get("/page");
        events.await("Low:dispose");

        List<String> recorded = events.all();
        assertEquals(List.of("First:RQ_BEGIN_REQUEST", "High:RQ_BEGIN_REQUEST", "Medium1:RQ_BEGIN_REQUEST",
                "Medium2:RQ_BEGIN_REQUEST", "Low:RQ_BEGIN_REQUEST", "Last:RQ_BEGIN_REQUEST", "servlet",
                "Last:RQ_SEND_RESPONSE", "Low:RQ_SEND_RESPONSE", "Medium2:RQ_SEND_RESPONSE", "Medium1:RQ_SEND_RESPONSE",
                "High:RQ_SEND_RESPONSE", "First:RQ_SEND_RESPONSE"), recorded.subList(0, 13));
    }

    @Test
    void aModuleThatThrowsGives500IsDisposedAndTheNextRequestIsFine() throws Exception {
        server.moduleFilter("modules", "A=" + Recorder.class.getName(), "A.throwAt", "RQ_AUTHORIZE_REQUEST");
        server.start();

        HttpTester.Response failed = server.get("/page");
        events.await("A:dispose");

        assertThat(failed.getStatus(), is(500));
        assertThat(servletCalls.get(), is(0));
        List<String> recorded = events.all();
        assertThat(recorded.subList(recorded.indexOf("A:RQ_AUTHORIZE_REQUEST"), recorded.size()), contains(
                "A:RQ_AUTHORIZE_REQUEST", "A:RQ_SEND_RESPONSE", "A:RQ_LOG_REQUEST", "A:RQ_LOG_REQUEST/post",
                "A:RQ_END_REQUEST", "A:RQ_END_REQUEST/post", "A:dispose"));

        events.clear();
        HttpTester.Response next = server.get("/page");
        events.await("A:dispose");
        assertThat(next.getStatus(), is(500)); // throws again at the same stage: every request gets a fresh module
        assertThat(events.all(), hasItem("A:RQ_BEGIN_REQUEST"));
    }

    static Stream<String> everyNotification() {
        return FULL_ORDER.stream().filter(n -> !n.equals("servlet"));
    }

    @ParameterizedTest
    @MethodSource("everyNotification")
    void aModuleThatThrowsInAnyStageIsDisposedAndTheServerCarriesOn(String throwAt) throws Exception {
        server.moduleFilter("modules", "A=" + Recorder.class.getName(), "A.throwAt", throwAt);
        server.start();

        HttpTester.Response failed = server.get("/page");
        events.await("A:dispose");

        boolean afterTheSend = FULL_ORDER.indexOf(throwAt) > FULL_ORDER.indexOf("RQ_SEND_RESPONSE");
        assertThat(failed.getStatus(), is(afterTheSend ? 200 : 500));
        assertThat(events.all(), hasItem("A:RQ_END_REQUEST"));
        assertThat(events.all().indexOf("A:dispose"), is(events.all().size() - 1));
        boolean beforeTheHandler = FULL_ORDER.indexOf(throwAt) < FULL_ORDER.indexOf("servlet");
        assertThat(servletCalls.get(), is(beforeTheHandler ? 0 : 1));
    }

    @Test
    void aModuleThatFailsInEndRequestDoesNotStopTheOthers() throws Exception {
        server.moduleFilter("modules", "A=" + Recorder.class.getName() + "\nB=" + Recorder.class.getName(),
                "A.notifications", "RQ_END_REQUEST", "A.post", "", "A.throwAt", "RQ_END_REQUEST",
                "B.notifications", "RQ_END_REQUEST", "B.post", "");
        server.start();

        HttpTester.Response response = server.get("/page");
        events.await("B:dispose");

        assertThat(response.getStatus(), is(200));
        assertThat(response.getContent(), is("from servlet"));
        assertEquals(List.of("servlet", "A:RQ_END_REQUEST", "B:RQ_END_REQUEST", "A:dispose", "B:dispose"), events.all());
    }

    @Test
    void setErrorStatusFailsTheRequestLikeAThrow() throws Exception {
        server.moduleFilter("modules", "A=" + Recorder.class.getName(), "A.errorAt", "RQ_BEGIN_REQUEST/post");
        server.start();

        HttpTester.Response response = server.get("/page");
        events.await("A:dispose");

        assertThat(response.getStatus(), is(500));
        assertThat(servletCalls.get(), is(0));
        assertThat(events.all(), not(hasItem("A:RQ_AUTHENTICATE_REQUEST")));
    }

    @Test
    void aFactoryThatFailsGives500AndTheOtherModulesAreDisposed() throws Exception {
        server.moduleFilter("modules", "A=" + Recorder.class.getName() + "\nBroken=" + BrokenFactory.class.getName());
        server.start();

        HttpTester.Response response = server.get("/page");
        events.await("A:dispose");

        assertThat(response.getStatus(), is(500));
        assertThat(servletCalls.get(), is(0));
        assertThat(events.all(), hasItem("A:RQ_END_REQUEST"));
    }

    /**
     * The container answers a servlet's exception with its error page, after RQ_SEND_RESPONSE saw that error response
     * (IIS's custom error response goes through it too), LOG_REQUEST and END_REQUEST; the stages after the handler do
     * not run.
     */
    @Test
    void aServletThatThrowsGoesToTheContainerAfterSendLogAndEndRequest() throws Exception {
        server.servlet("/boom", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
                resp.getWriter().print("partial");
                throw new ServletException("servlet failed");
            }
        });
        server.moduleFilter("modules", "A=" + Recorder.class.getName() + "\nS=" + StatusLogger.class.getName());
        server.start();

        HttpTester.Response response = server.get("/boom");
        events.await("A:dispose");

        assertThat(response.getStatus(), is(500));
        assertThat(response.getContent(), not(org.hamcrest.Matchers.containsString("partial")));
        List<String> recorded = events.all();
        assertThat(recorded, not(hasItem("A:RQ_RELEASE_REQUEST_STATE")));
        assertThat(recorded.indexOf("A:RQ_SEND_RESPONSE"), is(recorded.indexOf("A:RQ_EXECUTE_REQUEST_HANDLER") + 1));
        assertThat(recorded.indexOf("A:RQ_LOG_REQUEST"), is(recorded.indexOf("A:RQ_SEND_RESPONSE") + 1));
        assertThat(recorded, hasItem("S:status=500"));
        assertThat(recorded, hasItem("A:RQ_END_REQUEST/post"));
    }

    @Test
    void pendingWaitsForIndicateCompletionFromAnotherThread() throws Exception {
        server.moduleFilter("modules", "P=" + PendingModule.class.getName());
        server.start();

        HttpTester.Response response = server.get("/page?status=continue");
        assertThat(response.getStatus(), is(200));
        assertThat(response.getContent(), is("from servlet"));
        assertThat(servletCalls.get(), is(1));

        HttpTester.Response finished = server.get("/page?status=finish");
        assertThat(finished.getStatus(), is(200));
        assertThat(finished.getContent(), is(""));
        assertThat(servletCalls.get(), is(1));
    }

    @Test
    void completionIndicatedBeforeReturningPendingDoesNotBlockAndMisuseIsRefused() throws Exception {
        server.scripted("P").on(RequestNotification.RQ_BEGIN_REQUEST, (c, p) -> {
            try {
                c.indicateCompletion(RequestNotificationStatus.RQ_NOTIFICATION_PENDING);
            } catch (IllegalArgumentException e) {
                events.add("PENDING refused");
            }
            c.indicateCompletion(RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE);
            try {
                c.indicateCompletion(RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE);
            } catch (IllegalStateException e) {
                events.add("second refused");
            }
            Thread late = new Thread(() -> {
                try {
                    events.await("servlet");
                    c.indicateCompletion(RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE);
                } catch (IllegalStateException e) {
                    events.add("late refused");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            late.start();
            return RequestNotificationStatus.RQ_NOTIFICATION_PENDING;
        });
        server.moduleFilter("modules", "P=" + Scripted.class.getName());
        server.start();

        HttpTester.Response response = server.get("/page");
        assertThat(response.getContent(), is("from servlet"));
        events.await("late refused");
        assertEquals(List.of("PENDING refused", "second refused", "servlet", "late refused"), events.all());
    }

    @Test
    void postCompletionMisuseIsRefusedNamingWhatWasWrong() throws Exception {
        server.scripted("P").on(RequestNotification.RQ_BEGIN_REQUEST, (c, p) -> {
            try {
                c.postCompletion(-1);
            } catch (IllegalArgumentException e) {
                events.add("negative refused: " + e.getMessage());
            }
            c.postCompletion(3);
            try {
                c.postCompletion(3);
            } catch (IllegalStateException e) {
                events.add("second refused: " + e.getMessage());
            }
            return RequestNotificationStatus.RQ_NOTIFICATION_PENDING;
        });
        server.moduleFilter("modules", "P=" + Scripted.class.getName());
        server.start();

        HttpTester.Response response = server.get("/page");
        assertThat(response.getContent(), is("from servlet"));
        assertEquals(List.of("negative refused: postCompletion takes a byte count from 0 to 2147483647 (IIS's DWORD), "
                + "not -1", "second refused: postCompletion: no notification of this request is pending (its "
                + "completion came already)", "servlet"), events.all());
    }

    @Test
    void withoutAsyncSupportTheRequestsThreadWaitsForTheCompletion() throws Exception {
        AtomicReference<Thread> pendingOn = new AtomicReference<>();
        server.scripted("P").on(RequestNotification.RQ_BEGIN_REQUEST, (c, p) -> {
            pendingOn.set(Thread.currentThread());
            new Thread(() -> c.indicateCompletion(RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE)).start();
            return RequestNotificationStatus.RQ_NOTIFICATION_PENDING;
        }).on(RequestNotification.RQ_AUTHENTICATE_REQUEST, (c, p) -> {
            events.add(Thread.currentThread() == pendingOn.get() ? "same thread" : "another thread");
            return RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
        });
        server.moduleFilter("modules", "P=" + Scripted.class.getName()).setAsyncSupported(false);
        server.start();

        HttpTester.Response response = server.get("/page");
        assertThat(response.getContent(), is("from servlet"));
        assertEquals(List.of("same thread", "servlet"), events.all());
    }

    /**
     * A PENDING never completed, with {@code pendingTimeout}: the module failed once it passed, whether the request
     * was suspended (async) or its thread waits (not async-supported); a completion after it is refused.
     */
    @ParameterizedTest(name = "async-supported: {0}")
    @ValueSource(booleans = {true, false})
    void aPendingNotCompletedWithinThePendingTimeoutFailsTheModule(boolean asyncSupported) throws Exception {
        CountDownLatch responded = new CountDownLatch(1);
        server.scripted("P").on(RequestNotification.RQ_BEGIN_REQUEST, (c, p) -> {
            new Thread(() -> {
                try {
                    responded.await();
                    c.indicateCompletion(RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE);
                    events.add("late accepted");
                } catch (IllegalStateException e) {
                    events.add("late refused");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }).start();
            return RequestNotificationStatus.RQ_NOTIFICATION_PENDING;
        });
        server.moduleFilter("modules", "P=" + Scripted.class.getName() + "\nA=" + Recorder.class.getName(),
                "A.notifications", "RQ_LOG_REQUEST,RQ_END_REQUEST", "A.post", "", "pendingTimeout", "300")
                .setAsyncSupported(asyncSupported);
        server.start();

        long start = System.nanoTime();
        HttpTester.Response response = server.get("/page");
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        responded.countDown();
        events.await("late refused");
        events.await("A:dispose");

        assertThat(response.getStatus(), is(500));
        assertThat("not before the timeout", tookMillis, greaterThanOrEqualTo(300L));
        // The containers' own async timeout is 30 s: the init-param, not it, ended the wait.
        assertThat("well before 30 s", tookMillis, lessThan(20_000L));
        assertThat(servletCalls.get(), is(0));
        List<String> recorded = new ArrayList<>(events.all());
        assertThat(recorded.remove("late refused"), is(true));
        assertEquals(List.of("A:RQ_LOG_REQUEST", "A:RQ_END_REQUEST", "A:dispose"), recorded);
    }

    /**
     * Completions racing the {@code pendingTimeout}: whichever comes first decides, and the module learns which — an
     * {@code indicateCompletion} that returned normally means the servlet runs and the client gets its 200; one
     * refused with {@code IllegalStateException} means the module failed and the client gets the 500. The container
     * times out while a completion's continuation is on its way in some of them (Jetty refuses the continuation's
     * dispatch then unless the timeout's own thread makes it).
     */
    @Test
    void aCompletionRacingThePendingTimeoutEitherRunsTheServletOrIsRefused() throws Exception {
        int requests = 160;
        long timeout = 40;
        Map<String, String> outcomes = new ConcurrentHashMap<>();
        Map<String, Integer> servletRuns = new ConcurrentHashMap<>();
        ScheduledExecutorService completions = Executors.newScheduledThreadPool(2);
        server.servlet("/race", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                servletRuns.merge(req.getParameter("id"), 1, Integer::sum);
                resp.getWriter().print("from servlet " + req.getParameter("id"));
            }
        });
        server.scripted("P").on(RequestNotification.RQ_BEGIN_REQUEST, (c, p) -> {
            String id = c.getServletRequest().getParameter("id");
            // Around the timeout, on either side of it (wider after it: a loaded machine times out late).
            long delayMicros = ThreadLocalRandom.current().nextLong((timeout - 20) * 1000, (timeout + 60) * 1000);
            completions.schedule(() -> {
                try {
                    c.indicateCompletion(RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE);
                    outcomes.put(id, "accepted");
                } catch (IllegalStateException e) {
                    outcomes.put(id, "refused");
                } catch (RuntimeException e) {
                    outcomes.put(id, "threw " + e);
                }
            }, delayMicros, TimeUnit.MICROSECONDS);
            return RequestNotificationStatus.RQ_NOTIFICATION_PENDING;
        });
        server.moduleFilter("modules", "P=" + Scripted.class.getName(), "pendingTimeout", Long.toString(timeout));
        server.start();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<HttpTester.Response>> responses = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                String target = "/race?id=" + i;
                responses.add(clients.submit(() -> server.get(target)));
            }
            Map<String, Integer> statuses = new java.util.TreeMap<>();
            for (int i = 0; i < requests; i++) {
                String id = Integer.toString(i);
                HttpTester.Response response = responses.get(i).get(30, TimeUnit.SECONDS);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!outcomes.containsKey(id) && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                String outcome = outcomes.get(id);
                String seen = "request " + id + ": " + response.getStatus() + " " + response.getContent() + ", completion "
                        + outcome + ", servlet runs " + servletRuns.get(id);
                if ("accepted".equals(outcome)) {
                    assertThat(seen, response.getStatus(), is(200));
                    assertThat(seen, response.getContent(), is("from servlet " + id));
                    assertThat(seen, servletRuns.get(id), is(1));
                } else {
                    assertThat(seen, outcome, is("refused"));
                    assertThat(seen, response.getStatus(), is(500));
                    assertThat(seen, servletRuns.get(id), is(nullValue()));
                }
                statuses.merge(outcome, 1, Integer::sum);
            }
            // Both sides of the race happened, or the test proved nothing.
            assertThat(statuses.toString(), statuses.keySet(), contains("accepted", "refused"));
        } finally {
            clients.shutdownNow();
            completions.shutdownNow();
        }
    }

    @Test
    void anAsyncServletRunsThePostHandlerStagesWhenItCompletes() throws Exception {
        server.servlet("/async", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                AsyncContext async = req.startAsync();
                events.add("servlet returned");
                new Thread(() -> {
                    try {
                        Thread.sleep(50);
                        async.getResponse().getWriter().print("written later");
                        events.add("async wrote");
                    } catch (Exception e) {
                        events.add("async failed " + e);
                    }
                    async.complete();
                }).start();
            }
        });
        server.moduleFilter("modules", "A=" + Recorder.class.getName(),
                "A.notifications", "RQ_EXECUTE_REQUEST_HANDLER,RQ_SEND_RESPONSE,RQ_END_REQUEST", "A.post", "");
        server.start();

        HttpTester.Response response = server.get("/async");
        events.await("A:dispose");

        assertThat(response.getContent(), is("written later"));
        assertEquals(List.of("A:RQ_EXECUTE_REQUEST_HANDLER", "servlet returned", "async wrote", "A:RQ_SEND_RESPONSE",
                "A:RQ_END_REQUEST", "A:dispose"), events.all());
    }

    @Test
    void anAsyncDispatchBackThroughTheFilterEndsThePipelineAfterTheSecondPass() throws Exception {
        server.servlet("/dispatch", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                if (req.getAttribute("second") == null) {
                    req.setAttribute("second", true);
                    resp.getWriter().print("first,");
                    AsyncContext async = req.startAsync();
                    new Thread(async::dispatch).start();
                    events.add("first pass");
                } else {
                    resp.getWriter().print("second");
                    events.add("second pass");
                }
            }
        });
        server.moduleFilter("modules", "A=" + Recorder.class.getName(),
                "A.notifications", "RQ_BEGIN_REQUEST,RQ_SEND_RESPONSE,RQ_END_REQUEST", "A.post", "");
        server.start();

        HttpTester.Response response = server.get("/dispatch");
        events.await("A:dispose");

        assertThat(response.getContent(), is("first,second"));
        assertEquals(List.of("A:RQ_BEGIN_REQUEST", "first pass", "second pass", "A:RQ_SEND_RESPONSE",
                "A:RQ_END_REQUEST", "A:dispose"), events.all());
    }

    /**
     * Servlet 6.0, {@code AsyncContext.complete()}: a complete() before the container-initiated dispatch that called
     * startAsync returned takes effect once it returned, for an ASYNC dispatch too; so what the dispatch writes after
     * it is sent, and the stages after the handler follow the dispatch. With a module on RQ_SEND_RESPONSE the servlet
     * gets the filter's objects; with one on BEGIN_REQUEST only, the container's (the direct path).
     */
    @ParameterizedTest(name = "complete() {0}, servlet gets the {1} objects")
    @CsvSource({"in the dispatch, filter's", "from another thread, filter's", "in the dispatch, container's",
        "from another thread, container's"})
    void aCompleteDuringAnAsyncDispatchTakesEffectOnceThatDispatchReturned(String completer, String objects)
            throws Exception {
        boolean direct = objects.equals("container's");
        server.servlet("/redispatch", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                if (req.getDispatcherType() != DispatcherType.ASYNC) {
                    resp.getWriter().print("first,");
                    events.add("first dispatch, with the container's objects: "
                            + !(resp instanceof IisResponse || resp instanceof HttpServletResponseWrapper));
                    req.startAsync().dispatch();
                    return;
                }
                AsyncContext async = req.startAsync();
                if (completer.equals("in the dispatch")) {
                    resp.getWriter().print("before,");
                    async.complete();
                } else {
                    CountDownLatch completed = new CountDownLatch(1);
                    async.start(() -> {
                        try {
                            async.getResponse().getWriter().print("other,");
                        } catch (IOException e) {
                            events.add("other thread failed " + e);
                        } finally {
                            async.complete();
                            completed.countDown();
                        }
                    });
                    try {
                        events.add("completed=" + completed.await(5, TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                resp.getWriter().print("after");
                events.add("async dispatch returns");
            }
        });
        if (direct) {
            server.moduleFilter("modules", "A=" + Recorder.class.getName(), "A.notifications", "RQ_BEGIN_REQUEST",
                    "A.post", "");
        } else {
            server.moduleFilter("modules", "A=" + Recorder.class.getName(),
                    "A.notifications", "RQ_SEND_RESPONSE,RQ_END_REQUEST", "A.post", "");
        }
        server.start();

        HttpTester.Response response = server.get("/redispatch");
        events.await("A:dispose");

        String written = completer.equals("in the dispatch") ? "before," : "other,";
        assertThat(response.getContent(), is("first," + written + "after"));
        List<String> expected = new ArrayList<>();
        if (direct) {
            expected.add("A:RQ_BEGIN_REQUEST");
        }
        expected.add("first dispatch, with the container's objects: " + direct);
        if (!completer.equals("in the dispatch")) {
            expected.add("completed=true");
        }
        expected.add("async dispatch returns");
        if (!direct) {
            expected.addAll(List.of("A:RQ_SEND_RESPONSE", "A:RQ_END_REQUEST"));
        }
        expected.add("A:dispose");
        assertEquals(expected, events.all());
    }

    @Test
    void anAsyncRequestThatTimesOutStillEndsAndDisposesItsModules() throws Exception {
        server.servlet("/timeout", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().print("never completed");
                req.startAsync().setTimeout(100);
            }
        });
        server.moduleFilter("modules", "A=" + Recorder.class.getName(),
                "A.notifications", "RQ_LOG_REQUEST,RQ_END_REQUEST", "A.post", "");
        server.start();

        HttpTester.Response response = server.get("/timeout");
        events.await("A:dispose");

        assertThat(response.getStatus(), is(500));
        assertEquals(List.of("A:RQ_LOG_REQUEST", "A:RQ_END_REQUEST", "A:dispose"), events.all());
    }

    @Test
    void twoModuleFiltersOnOneRequestEachRunTheirPipelineNested() throws Exception {
        server.moduleFilter("modules", "Outer=" + Recorder.class.getName(),
                "Outer.notifications", "RQ_BEGIN_REQUEST,RQ_SEND_RESPONSE,RQ_END_REQUEST", "Outer.post", "");
        server.moduleFilter("modules", "Inner=" + Recorder.class.getName(),
                "Inner.notifications", "RQ_BEGIN_REQUEST,RQ_SEND_RESPONSE,RQ_END_REQUEST", "Inner.post", "");
        server.start();

        HttpTester.Response response = server.get("/page");
        events.await("Outer:dispose");

        assertThat(response.getContent(), is("from servlet"));
        assertEquals(List.of("Outer:RQ_BEGIN_REQUEST", "Inner:RQ_BEGIN_REQUEST", "servlet", "Inner:RQ_SEND_RESPONSE",
                "Inner:RQ_END_REQUEST", "Inner:dispose", "Outer:RQ_SEND_RESPONSE", "Outer:RQ_END_REQUEST",
                "Outer:dispose"), events.all());
    }

    /** A module whose factory fails. */
    public static final class BrokenFactory implements RegisterModule {
        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
            moduleInfo.setRequestNotifications(() -> {
                throw new IllegalStateException("out of modules");
            }, RequestNotification.RQ_BEGIN_REQUEST, 0);
        }
    }

    /** Records the status the response has in RQ_LOG_REQUEST. */
    public static final class StatusLogger implements RegisterModule {
        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
            Events events = Events.of(globalInfo.getServletContext());
            moduleInfo.setRequestNotifications(() -> new CHttpModule() {
                @Override
                public RequestNotificationStatus onLogRequest(IHttpContext httpContext, IHttpEventProvider provider) {
                    events.add("S:status=" + httpContext.getResponse().getStatus());
                    return RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
                }
            }, RequestNotification.RQ_LOG_REQUEST, 0);
        }
    }

    /** Returns PENDING in BEGIN_REQUEST and completes from another thread with the status of ?status=. */
    public static final class PendingModule implements RegisterModule {
        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
            moduleInfo.setRequestNotifications(() -> new CHttpModule() {
                @Override
                public RequestNotificationStatus onBeginRequest(IHttpContext httpContext, IHttpEventProvider provider) {
                    RequestNotificationStatus status = "finish".equals(httpContext.getServletRequest().getParameter("status"))
                            ? RequestNotificationStatus.RQ_NOTIFICATION_FINISH_REQUEST
                            : RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
                    new Thread(() -> {
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        httpContext.indicateCompletion(status);
                    }).start();
                    return RequestNotificationStatus.RQ_NOTIFICATION_PENDING;
                }
            }, RequestNotification.RQ_BEGIN_REQUEST, 0);
        }
    }
}
