package io.iisport.filter;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.sameInstance;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.iisport.httpserv.RequestNotificationStatus;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockAsyncContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** When a PENDING suspends the request, and where and how its completion resumes it, against a recording container. */
class RequestSuspensionTest {
    private static final PendingCompletion.Cursor AT = new PendingCompletion.Cursor(Stage.BEGIN_REQUEST, false, 0);
    private static final PendingCompletion.Completion CONTINUE =
            new PendingCompletion.Completion.Indicated(RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE);

    private final MockHttpServletRequest container = new MockHttpServletRequest("GET", "/pending");
    private final MockHttpServletResponse real = new MockHttpServletResponse();
    private final Given given = new Given(container);
    private final List<AsyncContext> followed = new ArrayList<>();
    private final AtomicBoolean failed = new AtomicBoolean();
    private final AtomicBoolean errorStatus = new AtomicBoolean();
    private final AtomicInteger finishedOnWire = new AtomicInteger();

    /** The request the filter was given: its async context records what the suspension asks of the container. */
    private final class Given extends HttpServletRequestWrapper {
        Recording started;
        boolean startFails;

        Given(HttpServletRequest request) {
            super(request);
        }

        @Override
        public AsyncContext startAsync() {
            started = new Recording();
            container.setAsyncStarted(true);
            return started;
        }

        @Override
        public AsyncContext startAsync(ServletRequest request, ServletResponse response) {
            throw new AssertionError("async starts with the container's own request and response");
        }

        @Override
        public boolean isAsyncStarted() {
            return started != null;
        }
    }

    /** Records start, dispatch and complete; runs a started task on a thread of its own, as a container does. */
    private final class Recording extends MockAsyncContext {
        final List<String> calls = new ArrayList<>();
        Thread startThread;

        Recording() {
            super(container, real);
        }

        @Override
        public void start(Runnable runnable) {
            calls.add("start");
            if (given.startFails) {
                throw new IllegalStateException("the async cycle ended");
            }
            startThread = new Thread(runnable);
            startThread.start();
            try {
                startThread.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public void dispatch() {
            calls.add("dispatch");
        }

        @Override
        public void complete() {
            calls.add("complete");
        }
    }

    private RequestSuspension suspension(
            BiConsumer<PendingCompletion.Cursor, PendingCompletion.Completion> continuation) {
        return suspension(FilterSettings.CONTAINER_ASYNC_TIMEOUT, continuation);
    }

    private RequestSuspension suspension(long pendingTimeout,
            BiConsumer<PendingCompletion.Cursor, PendingCompletion.Completion> continuation) {
        return suspension(pendingTimeout, FilterSettings.FiltersAround.AUTO, continuation);
    }

    private RequestSuspension suspension(long pendingTimeout, FilterSettings.FiltersAround around,
            BiConsumer<PendingCompletion.Cursor, PendingCompletion.Completion> continuation) {
        container.setAsyncSupported(true);
        return new RequestSuspension(new HttpServletRequestWrapper(given), pendingTimeout, around, null,
                new RequestSuspension.Owner() {
            @Override
            public boolean failed() {
                return failed.get();
            }

            @Override
            public void followSuspension(AsyncContext started) {
                followed.add(started);
            }

            @Override
            public void continueFrom(PendingCompletion.Cursor at, PendingCompletion.Completion completion) {
                continuation.accept(at, completion);
            }

            @Override
            public void finishOnWire() {
                finishedOnWire.incrementAndGet();
            }

            @Override
            public boolean containerAnswersAnError() {
                return errorStatus.get();
            }

            @Override
            public void pendingTimedOut() {
                throw new AssertionError("no timer");
            }
        });
    }

    @Test
    void aSuspensionInLogRequestOrEndRequestFinishesTheResponseOnTheWireFirst() {
        RequestSuspension suspension = suspension((at, completion) -> { });
        suspendOnThisThread(suspension);
        assertThat("BEGIN_REQUEST", finishedOnWire.get(), is(0));
        suspension.drive();
        assertThat(suspension.suspend(Stage.LOG_REQUEST), is(true));
        assertThat(suspension.suspend(Stage.END_REQUEST), is(true));
        suspension.stopDriving();
        assertThat(finishedOnWire.get(), is(2));
    }

    /**
     * With {@code auto}, a filter around the module filter may still write once its chain returns, and must find the
     * request as without the module filter (not in async processing): a PENDING in LOG_REQUEST keeps the thread and
     * the response is not finished, also at a later END_REQUEST on a thread without the filters.
     */
    @Test
    void aPendingInLogRequestUnderAnotherFilterKeepsTheThreadAndTheResponse() throws Exception {
        RequestSuspension suspension = suspension((at, completion) -> { });
        new Around(new ModuleFilter(() -> assertThat(suspendDriving(suspension, Stage.LOG_REQUEST), is(false))))
                .doFilter(container, real, null);
        assertThat(finishedOnWire.get(), is(0));
        assertThat("no async cycle started", given.started == null, is(true));
        Thread other = new Thread(
                () -> assertThat(suspendDriving(suspension, Stage.END_REQUEST), is(false)));
        other.start();
        other.join();
        assertThat(finishedOnWire.get(), is(0));
    }

    /** Only filters that call the module filter count: one it called (inside it) has returned. */
    @Test
    void aSuspensionInLogRequestWithOnlyFiltersInsideSendsTheResponse() throws Exception {
        RequestSuspension suspension = suspension((at, completion) -> { });
        new ModuleFilter(() -> {
            try {
                new Around(() -> { }).doFilter(container, real, null);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            assertThat(suspendDriving(suspension, Stage.LOG_REQUEST), is(true));
        }).doFilter(container, real, null);
        assertThat(finishedOnWire.get(), is(1));
    }

    @Test
    void filtersAroundIgnoreAndPresentDecideWhateverFiltersAreAround() throws Exception {
        for (FilterSettings.FiltersAround around : List.of(FilterSettings.FiltersAround.IGNORE,
                FilterSettings.FiltersAround.PRESENT)) {
            forgetAsync();
            finishedOnWire.set(0);
            RequestSuspension suspension = suspension(FilterSettings.CONTAINER_ASYNC_TIMEOUT, around,
                    (at, completion) -> { });
            boolean ignored = around == FilterSettings.FiltersAround.IGNORE;
            new Around(new ModuleFilter(() -> assertThat(suspendDriving(suspension, Stage.LOG_REQUEST),
                    is(ignored)))).doFilter(container, real, null);
            assertThat(around.value(), finishedOnWire.get(), is(ignored ? 1 : 0));
        }
        RequestSuspension alone = suspension(FilterSettings.CONTAINER_ASYNC_TIMEOUT,
                FilterSettings.FiltersAround.PRESENT, (at, completion) -> { });
        forgetAsync();
        assertThat("a PENDING before the handler keeps the thread", suspendDriving(alone, Stage.BEGIN_REQUEST),
                is(false));
    }

    /**
     * With {@code auto}, a PENDING before the response was sent under another filter keeps the request's thread: the
     * servlet must run before what that filter does once its chain returned.
     */
    @Test
    void aSuspensionBeforeTheHandlerUnderAnotherFilterKeepsTheThread() throws Exception {
        RequestSuspension suspension = suspension((at, completion) -> { });
        new Around(new ModuleFilter(() -> assertThat(suspendDriving(suspension, Stage.BEGIN_REQUEST), is(false))))
                .doFilter(container, real, null);
        assertThat("no async cycle started", given.started == null, is(true));
    }

    /** An application filter around the module filter: it calls the next one from its {@code doFilter}. */
    private record Around(Runnable inner) implements jakarta.servlet.Filter {
        Around(jakarta.servlet.Filter inner) {
            this(() -> {
                try {
                    inner.doFilter(null, null, null);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        }

        @Override
        public void doFilter(jakarta.servlet.ServletRequest request, jakarta.servlet.ServletResponse response,
                jakarta.servlet.FilterChain chain) {
            inner.run();
        }
    }

    /** Stands for the module filter on the stack: its {@code doFilter} runs the pipeline's end. */
    private static final class ModuleFilter extends IisModuleFilter {
        private final Runnable pipelineEnd;

        ModuleFilter(Runnable pipelineEnd) {
            this.pipelineEnd = pipelineEnd;
        }

        @Override
        public void doFilter(jakarta.servlet.ServletRequest request, jakarta.servlet.ServletResponse response,
                jakarta.servlet.FilterChain chain) {
            pipelineEnd.run();
        }
    }

    /** @return whether a PENDING at {@code stage} suspends the request, raised on this thread while it drives */
    private static boolean suspendDriving(RequestSuspension suspension, Stage stage) {
        suspension.drive();
        try {
            return suspension.suspend(stage);
        } finally {
            suspension.stopDriving();
        }
    }

    /** The container's request as before any async cycle, for another suspension of the same request. */
    private void forgetAsync() {
        container.setAsyncStarted(false);
        given.started = null;
    }

    private static void suspendOnThisThread(RequestSuspension suspension) {
        suspension.drive();
        assertThat(suspension.suspend(Stage.BEGIN_REQUEST), is(true));
        suspension.stopDriving();
    }

    /**
     * Suspends {@code pending}'s notification at LOG_REQUEST on this thread, then has the container end the cycle with
     * an error on a thread of its own.
     *
     * @return that thread, started
     */
    private static Thread errorWhileSuspendedAtLogRequest(RequestSuspension suspension, PendingCompletion pending) {
        suspension.drive();
        pending.accept();
        assertThat(suspension.suspend(Stage.LOG_REQUEST), is(true));
        pending.suspend(new PendingCompletion.Cursor(Stage.LOG_REQUEST, false, 0));
        suspension.stopDriving();
        Thread error = new Thread(() -> suspension.containerEnds(pending, RequestSuspension.CycleEnd.ERROR));
        error.start();
        return error;
    }

    @Test
    void onlyTheThreadDrivingThePipelineSuspendsAndAsyncStartsOnceWithTheGivenRequest() {
        RequestSuspension suspension = suspension((at, completion) -> { });
        assertThat(suspension.suspend(Stage.BEGIN_REQUEST), is(false));
        assertThat(given.started == null, is(true));

        suspension.drive();
        Thread driver = suspension.handlerStarts();
        assertThat("while the handler runs", suspension.suspend(Stage.BEGIN_REQUEST), is(false));
        suspension.handlerReturned(driver);
        assertThat(suspension.suspend(Stage.BEGIN_REQUEST), is(true));
        AsyncContext started = given.started;
        assertThat(followed, contains(sameInstance(started)));
        assertThat("still suspended", suspension.suspend(Stage.AUTHENTICATE_REQUEST), is(true));
        assertThat(given.started, is(sameInstance(started)));
        assertThat(followed.size(), is(1));
        suspension.stopDriving();
        assertThat(suspension.driving(), is(false));
    }

    @Test
    void afterAFailureNothingOfTheResponseIsSentBeforeTheContainerAnswersIt() {
        // The container renders its error page, or aborts a committed response, once the filter rethrows the failure:
        // a close of its output before that would send an empty 500, or a cut response as if it were whole.
        RequestSuspension suspension = suspension((at, completion) -> { });
        failed.set(true);
        suspension.drive();
        assertThat(suspension.suspend(Stage.LOG_REQUEST), is(false));
        assertThat(suspension.suspend(Stage.END_REQUEST), is(false));
        assertThat(finishedOnWire.get(), is(0));
    }

    @Test
    void noSuspensionInAnAsyncDispatchWhoseResponseIsAnError() {
        // Tomcat takes the new async cycle, then never completes the request (its async state MUST_ERROR).
        RequestSuspension suspension = suspension((at, completion) -> { });
        errorStatus.set(true);
        suspension.drive();
        assertThat(suspension.suspend(Stage.LOG_REQUEST), is(false));
        assertThat(given.started == null, is(true));
        assertThat("the client has the response meanwhile", finishedOnWire.get(), is(1));
        errorStatus.set(false);
        assertThat(suspension.suspend(Stage.LOG_REQUEST), is(true));
    }

    /**
     * The servlet completes its own cycle from a thread of its own: a PENDING in the end suspends the request on that
     * cycle (the servlet's thread returns), and the completion's continuation completes it; once the container ends
     * the cycle itself (a listener completing in its onTimeout), or on a cycle without a timeout, the thread waits.
     */
    @Test
    void aPendingInTheEndOfAServletsOwnCycleSuspendsTheRequestOnIt() {
        RequestSuspension[] self = new RequestSuspension[1];
        self[0] = suspension((at, completion) -> self[0].complete());
        Recording servlets = new Recording();
        servlets.setTimeout(30_000);
        boolean suspended = self[0].endOnServletCycle(servlets,
                () -> assertThat(self[0].suspend(Stage.LOG_REQUEST), is(true)));
        assertThat("the caller does not complete the cycle", suspended, is(true));
        assertThat("not started again", given.started == null, is(true));
        assertThat(self[0].driving(), is(false));
        self[0].resume(new PendingCompletion.Cursor(Stage.LOG_REQUEST, false, 0), CONTINUE);
        assertThat(servlets.calls, contains("start", "complete"));

        RequestSuspension untimed = suspension((at, completion) -> { });
        Recording withoutTimeout = new Recording();
        withoutTimeout.setTimeout(0);
        assertThat(untimed.endOnServletCycle(withoutTimeout,
                () -> assertThat(untimed.suspend(Stage.LOG_REQUEST), is(false))), is(false));

        RequestSuspension ended = suspension((at, completion) -> { });
        ended.containerEnds(new PendingCompletion(ended), RequestSuspension.CycleEnd.TIMEOUT);
        assertThat(ended.endOnServletCycle(servlets,
                () -> assertThat(ended.suspend(Stage.LOG_REQUEST), is(false))), is(false));
    }

    @Test
    void noSuspensionInSendResponseAfterAFailureOrWhereTheContainerRefusesAsync() {
        RequestSuspension suspension = suspension((at, completion) -> { });
        suspension.drive();
        assertThat(suspension.suspend(Stage.SEND_RESPONSE), is(false));
        failed.set(true);
        assertThat(suspension.suspend(Stage.BEGIN_REQUEST), is(false));
        failed.set(false);
        container.setAsyncSupported(false);
        assertThat(suspension.suspend(Stage.BEGIN_REQUEST), is(false));
        assertThat(given.started == null, is(true));
        assertThat(followed, is(empty()));
    }

    @Test
    void aCompletionGoesOnOnAContainerThreadThatDrivesThePipelineAndDispatchesToTheHandler() {
        List<Object> seen = new ArrayList<>();
        RequestSuspension[] self = new RequestSuspension[1];
        self[0] = suspension((at, completion) -> {
            seen.add(Thread.currentThread());
            seen.add(self[0].driving());
            seen.add(at);
            seen.add(completion);
            self[0].dispatchHandler();
        });
        suspendOnThisThread(self[0]);
        self[0].resume(AT, CONTINUE);
        assertThat(given.started.calls, contains("start", "dispatch"));
        assertThat(seen, contains(given.started.startThread, true, AT, CONTINUE));
        assertThat(seen.get(0), is(not(sameInstance(Thread.currentThread()))));
        self[0].drive();
        assertThat("the suspension ended with the dispatch", self[0].suspend(Stage.BEGIN_REQUEST), is(false));
    }

    @Test
    void anErrorOfTheCycleHoldsTheContainersThreadUntilTheCompletionWhichGoesOnThere() throws Exception {
        // Tomcat recycles the request once onError returned without completing (the client gone): the module's
        // END_REQUEST must still find it, and the cycle's complete() come from the thread Tomcat took the error on.
        List<Thread> threads = new CopyOnWriteArrayList<>();
        RequestSuspension[] self = new RequestSuspension[1];
        PendingCompletion[] notification = new PendingCompletion[1];
        self[0] = suspension((at, completion) -> {
            threads.add(Thread.currentThread());
            // The module's call is over, as ModuleNotifier.resume leaves it.
            notification[0].close();
            self[0].complete();
        });
        PendingCompletion pending = new PendingCompletion(self[0]);
        notification[0] = pending;
        Thread error = errorWhileSuspendedAtLogRequest(self[0], pending);
        error.join(300);
        assertThat("held until the completion", error.isAlive(), is(true));
        pending.indicate(RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE);
        error.join(5_000);
        assertThat("released once the continuation ended the request", error.isAlive(), is(false));
        assertThat(threads, contains(error));
        assertThat("not started on another thread", given.started.calls, contains("complete"));
    }

    @Test
    void anErrorHoldsTheThreadAtMostUntilTheSuspensionsTimeoutThenTheModuleTimedOutThere() throws Exception {
        List<Object> seen = new CopyOnWriteArrayList<>();
        RequestSuspension[] self = new RequestSuspension[1];
        self[0] = suspension(200, (at, completion) -> {
            seen.add(Thread.currentThread());
            seen.add(completion);
            self[0].complete();
        });
        PendingCompletion pending = new PendingCompletion(self[0]);
        Thread error = errorWhileSuspendedAtLogRequest(self[0], pending);
        error.join(5_000);
        assertThat("released at the 200 ms timeout", error.isAlive(), is(false));
        assertThat(seen, contains(error, new PendingCompletion.Completion.TimedOut()));
        assertThat(given.started.calls, contains("complete"));
        assertThrows(IllegalStateException.class,
                () -> pending.indicate(RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE));
    }

    @Test
    void anErrorWithoutASuspendedNotificationReturnsAtOnce() {
        RequestSuspension suspension = suspension((at, completion) -> {
            throw new AssertionError("nothing to continue");
        });
        suspension.containerEnds(new PendingCompletion(suspension), RequestSuspension.CycleEnd.ERROR);
        assertThat(given.started == null, is(true));
    }

    @Test
    void aTimeoutOrAnEndedCycleGoesOnOnTheCompletingThreadAndTheCycleCompletesOnce() {
        List<Thread> threads = new ArrayList<>();
        RequestSuspension[] self = new RequestSuspension[1];
        self[0] = suspension((at, completion) -> {
            threads.add(Thread.currentThread());
            self[0].complete();
            self[0].complete();
        });
        suspendOnThisThread(self[0]);
        self[0].resume(AT, new PendingCompletion.Completion.TimedOut());
        assertThat(given.started.calls, contains("complete"));

        given.started = null;
        given.startFails = true;
        suspendOnThisThread(self[0]);
        self[0].resume(AT, CONTINUE);
        assertThat(given.started.calls, contains("start", "complete"));
        assertThat(threads, contains(Thread.currentThread(), Thread.currentThread()));
    }
}
