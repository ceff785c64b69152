package io.iisport.filter;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A request suspended at a module's {@code RQ_NOTIFICATION_PENDING} through servlet async, and its resumption: the
 * filter starts async and returns the container's thread; the completion ({@code IndicateCompletion},
 * {@code PostCompletion} or the async timeout, see {@link PendingCompletion}) goes on from the suspended notification
 * on a container thread ({@code AsyncContext.start}), and the async cycle ends in an ASYNC dispatch to the handler or
 * in its completion.
 *
 * <pre>
 *   driving --suspend(stage)--&gt; startAsync(), the filter returns --completion--&gt; start(continuation)
 *      ^                                                                                 |
 *      +-------------------- a module's PENDING in the continuation ---------------------+
 *   the continuation ends it: dispatchHandler() (AsyncContext.dispatch()) or complete() (AsyncContext.complete())
 * </pre>
 *
 * A PENDING suspends only on the thread driving the pipeline ({@link #drive()}): the filter's before or after the
 * handler, or the one continuing after a completion; elsewhere the module's thread waits for the completion.
 *
 * <p>The container's async timeout may come while a completion's continuation is on its way ({@link #containerEnds}):
 * the completion came first and was accepted, so its continuation still decides how the request goes on, and the
 * timeout thread makes its final call. The container takes {@code dispatch()} and {@code complete()} during a
 * timeout only from the thread that runs the timeout's listeners (Jetty refuses them from any other), and ends the
 * request with its own error if none came when the listeners return: so the timeout thread runs a continuation that
 * has not started yet itself, and waits for one already running to hand it its final call.
 *
 * <p>A client that goes while a notification is suspended (over HTTP/2 Tomcat resets the stream's request once the
 * connection closes, even after the whole response was sent) makes the container call the listeners' {@code onError}
 * on one of its threads ({@link #containerEnds} with {@link CycleEnd#ERROR}): that thread holds the cycle until the
 * completion comes, at most until the suspension's timeout, and the continuation goes on as after a timeout, so the
 * request stays the container's until END_REQUEST ran and its final {@code complete()} comes from the thread the
 * container takes it from. A listener that returns without completing lets Tomcat (10.1.34, 11.0.15) end the cycle on
 * its own: at once, recycling the request while the module still holds it, or, if the error came while the dispatch
 * that started the cycle still ran, never, recycling the stream twice and giving its request to two later streams
 * (any async servlet that returns from {@code onError} and completes later from its own thread does the same; see
 * {@code AsyncStateMachine.asyncError}, {@code Stream.recycle}).
 */
final class RequestSuspension implements ModuleNotifier.Suspension, PendingCompletion.Resumer {
    private static final System.Logger LOG = System.getLogger(RequestSuspension.class.getName());
    private static final StackWalker STACK = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    private static final VarHandle DRIVER = FieldHandles.of(MethodHandles.lookup(), "driver", Thread.class);

    /** How the container ends a suspension's async cycle, on the thread that runs the cycle's listeners. */
    enum CycleEnd {
        /** Its async timeout ({@code onTimeout}): a suspended notification that has not completed times out now. */
        TIMEOUT,
        /**
         * An error ({@code onError}), mostly the client gone: the suspended notification's completion is awaited on
         * that thread, until the suspension's timeout.
         */
        ERROR,
        /**
         * Its completion ({@code onComplete}) while a notification is suspended, by a {@code complete()} that is not
         * the suspension's: an application's, through the {@code AsyncContext} it kept from an earlier cycle (both
         * containers keep one a request). The container recycles the request once the listeners returned, so, as
         * after an error, the completion is awaited on that thread; nothing when no notification is suspended.
         */
        COMPLETE;

        /** @return whether a suspended notification's completion is awaited on the thread ending the cycle */
        boolean awaitsCompletion() {
            return this != TIMEOUT;
        }
    }

    /** What a suspension needs of the request it suspends. */
    interface Owner {
        /** @return whether the request failed with what the filter rethrows: no suspension then */
        boolean failed();

        /** Follows the async cycle a suspension starts, as the servlet's own cycles are followed. */
        void followSuspension(AsyncContext started);

        /**
         * Goes on with the pipeline from a completed notification, on the thread that resumes the request; it ends
         * the suspension with {@link #dispatchHandler()} or {@link #complete()}, or a module's PENDING suspends the
         * request again.
         */
        void continueFrom(PendingCompletion.Cursor at, PendingCompletion.Completion completion);

        /** The response was sent whole: the client gets it now (the container's output is closed). */
        void finishOnWire();

        /**
         * @return whether the container answers this dispatch with its error handling once it returns, whatever
         *     async cycle the filter starts: Jetty ends a cycle started after a pending {@code sendError} (it renders
         *     the error page and completes the request, see {@link ContainerRules#pendingErrorStatus}); Tomcat takes
         *     a new cycle in an async dispatch whose response is an error (a {@code sendError} there) and then never
         *     completes the request (its async state {@code MUST_ERROR})
         */
        boolean containerAnswersAnError();

        /** The suspension's own timeout passed (see {@link Timer}): the suspended notification times out now. */
        void pendingTimedOut();
    }

    /**
     * Runs a suspension's timeout where no async cycle's timeout can: a suspension on the servlet's own cycle whose
     * timeout is longer than the {@code pendingTimeout}, or which has none (see {@link #endOnServletCycle}).
     */
    interface Timer {
        /**
         * @param timeOut what runs at the timeout, on the timer's thread
         * @param millis in how many milliseconds
         * @return the scheduled run, to cancel; {@code null} if the timer no longer runs (the filter was destroyed)
         */
        Future<?> schedule(Runnable timeOut, long millis);
    }

    /** The filter's request: async starts with the request it wraps, the one the filter was given. */
    private final ServletRequestWrapper request;
    private final Owner owner;
    /**
     * The timeout of the async cycle a suspension starts, in milliseconds (0: none), or
     * {@link FilterSettings#CONTAINER_ASYNC_TIMEOUT} to keep the container's.
     */
    private final long pendingTimeout;
    /** Whether application filters run around the module filter (the {@code filtersAround} init-param). */
    private final FilterSettings.FiltersAround filtersAround;
    /** Runs a suspension's own timeout, or {@code null} for none. */
    private final Timer timer;

    /** Whether filters run around this request's module filter, as far as a PENDING asked. */
    private enum Around {
        /** Not asked yet. */
        UNKNOWN,
        /** None, or ignored: a PENDING frees the thread, the response goes out before a pending LOG_REQUEST. */
        NONE,
        /** Some: a PENDING keeps the thread, and a pending LOG_REQUEST does not finish the response first. */
        SOME
    }

    /**
     * Whether filters run around this request's module filter: decided at its first PENDING that asks, on the thread
     * that raised it (see {@link #filtersAround()}), and kept, so that a later PENDING on a thread without the filters
     * (a completion's continuation) does not finish what they may still write.
     */
    private volatile Around around = Around.UNKNOWN;
    /**
     * The thread running the pipeline where a PENDING may suspend it: the filter's, or the one continuing it after
     * a completion; {@code null} while the handler runs or the servlet's async processing goes on. Changed through
     * {@link #DRIVER}: a field rather than an {@code AtomicReference}, one object fewer a request.
     */
    private volatile Thread driver;
    /** The container's {@code AsyncContext} a module's PENDING suspended the request with, until resumed. */
    private volatile AsyncContext suspended;
    /**
     * The servlet's own async cycle (the container's context), while the thread that completes it ends the request
     * ({@link #endOnServletCycle}): a PENDING in the end suspends the request on it.
     */
    private AsyncContext servletCycle;
    /** Whether a PENDING suspended the request on {@link #servletCycle}; written and read by the ending thread. */
    private boolean servletCycleSuspended;
    /**
     * Whether a suspension on {@link #servletCycle} times out by the {@link #timer} at the {@code pendingTimeout}
     * (the cycle's own timeout is longer, or it has none); written and read by the ending thread.
     */
    private boolean servletCycleTimed;
    /** The {@link #timer}'s run that times the suspended notification out, while one is scheduled. */
    private volatile Future<?> ownTimeout;
    /**
     * Whether the container ends the cycle itself (its timeout, an error; {@link #containerEnds}): a {@code complete()}
     * then ends the request on the calling thread, which the container may require to be its own.
     */
    private volatile boolean containerEndsCycle;
    /**
     * When the last suspension began ({@link System#nanoTime()}) and its async cycle's timeout in milliseconds
     * ({@code 0} or less: none): how long a container's thread that took an error holds the cycle for the completion.
     */
    private volatile long suspendedSince;
    private volatile long cycleTimeout;
    /**
     * The longest the container's timeout thread waits for a continuation running on another thread, in
     * milliseconds: it holds that thread (Tomcat has one for all of a connector's timeouts) meanwhile.
     */
    private static final long CONTINUATION_WAIT_MILLIS = 10_000;
    /**
     * A completion's continuation that {@code AsyncContext.start} is to run, until a thread takes it; then the one
     * running, until it returns. Guarded by this object's lock, as are the two fields below.
     */
    private Continuation unclaimed;
    private Continuation running;
    /**
     * The container's thread ending the cycle (its timeout, an error) while it waits for {@link #running}: the
     * continuation's final call goes to it.
     */
    private Thread expiring;
    /** The final call ({@code dispatch()} or {@code complete()}) a running continuation handed to {@link #expiring}. */
    private Runnable handedOver;
    /**
     * The container's thread in {@link #containerEnds}: a continuation published meanwhile is left to it, not handed
     * to {@code AsyncContext.start} (Tomcat refuses it in an error, and would run it beside the held thread).
     */
    private Thread cycleEnding;

    /**
     * @param pendingTimeout the timeout of the async cycle a suspension starts, in milliseconds (0: none), or
     *     {@link FilterSettings#CONTAINER_ASYNC_TIMEOUT} to keep the container's
     * @param filtersAround whether application filters run around the module filter
     * @param timer runs a suspension's own timeout where no cycle's can, or {@code null} for none
     */
    RequestSuspension(ServletRequestWrapper request, long pendingTimeout, FilterSettings.FiltersAround filtersAround,
            Timer timer, Owner owner) {
        this.request = request;
        this.pendingTimeout = pendingTimeout;
        this.filtersAround = filtersAround;
        this.timer = timer;
        this.owner = owner;
    }

    /** The calling thread drives the pipeline from now: a PENDING may suspend the request on it. */
    void drive() {
        driver = Thread.currentThread();
    }

    /** The calling thread stops driving the pipeline, unless another thread took over. */
    void stopDriving() {
        DRIVER.compareAndSet(this, Thread.currentThread(), null);
    }

    /** @return whether the calling thread drives the pipeline */
    boolean driving() {
        return driver == Thread.currentThread();
    }

    /**
     * The handler starts: no PENDING suspends the request until {@link #handlerReturned}.
     *
     * @return the thread that drove the pipeline, for {@link #handlerReturned}
     */
    Thread handlerStarts() {
        return (Thread) DRIVER.getAndSet(this, null);
    }

    /** The handler returned: {@code thread} drives the pipeline again, unless another thread took over. */
    void handlerReturned(Thread thread) {
        DRIVER.compareAndSet(this, null, thread);
    }

    /**
     * Decides whether a module's PENDING suspends the request: only on the thread driving the pipeline, not for
     * SEND_RESPONSE (raised in a write or flush), not after a failure the filter must rethrow (nor is the response
     * finished on the wire then), not when the container answers the dispatch with its error handling, not while
     * filters run around the module filter ({@link #filtersAround()}: the servlet and the final send must come before
     * what those filters do once their chain returned, and they must find the request as without the module filter),
     * except on the servlet's own cycle when the servlet completes it ({@link #endOnServletCycle}), and only if the
     * container lets the filter start async (the request is async-supported and not already in async processing). Then
     * async is started with the request the filter was given ({@code startAsync()}: the container's own request and
     * response), as the container would for it, so that the handler's dispatch targets the request's URI with its
     * parameters once. Not with the filters' own wrappers ({@code startAsync(request, response)}): an async servlet's
     * {@code startAsync()} in that dispatch would then write into a wrapper whose filter already returned, and Jetty's
     * ASYNC dispatch of a request wrapper adds the query's parameters to those the wrapper has ({@code
     * Dispatcher.ParameterRequestWrapper}). A PENDING in LOG_REQUEST or END_REQUEST first finishes the response on the
     * wire, as IIS sends it before {@code RQ_LOG_REQUEST}, unless filters run around.
     */
    @Override
    public boolean suspend(Stage stage) {
        if (stage == Stage.SEND_RESPONSE) {
            return false;
        }
        if (owner.failed()) {
            // The container answers the failure once the filter rethrows it (its error page, or the abort of a
            // committed response): nothing of the response may be sent before; the module's thread waits.
            return false;
        }
        boolean afterTheSend = stage == Stage.LOG_REQUEST || stage == Stage.END_REQUEST;
        // The servlet's own cycle, when this thread ends the request from the servlet's complete() (see
        // endOnServletCycle): the filters around returned long ago.
        boolean driving = driving();
        AsyncContext servlets = driving ? servletCycle : null;
        boolean around = servlets == null && filtersAround();
        if (afterTheSend && !around) {
            // IIS sends the response before RQ_LOG_REQUEST: the client has it while the module completes.
            owner.finishOnWire();
        }
        if (!driving) {
            return false;
        }
        if (suspended != null) {
            // Continuing after a completion: the request is still suspended.
            suspendedSince = System.nanoTime();
            if (ownTimeout != null) {
                timeOutLater();
            }
            return true;
        }
        if (servlets != null) {
            // The servlet completed its own cycle: it stays open until the module completes.
            if (servletCycleTimed && !timeOutLater()) {
                return false;
            }
            servletCycleSuspended = true;
            cycleTimeout = servletCycleTimed ? pendingTimeout : servlets.getTimeout();
            suspendedSince = System.nanoTime();
            suspended = servlets;
            return true;
        }
        if (around) {
            // The filters around go on once the module filter returns, as without it: before the handler, the
            // servlet must have run by then; after it, the response is whole only once they returned, and they must
            // find the request as without the module filter (not in async processing: a filter that leaves an async
            // request to its ASYNC dispatch would drop what it holds). So the module's thread waits.
            return false;
        }
        ServletRequest given = request.getRequest();
        if (!given.isAsyncSupported() || given.isAsyncStarted()) {
            return false;
        }
        if (owner.containerAnswersAnError()) {
            // No async cycle would hold the request: the module's thread waits.
            return false;
        }
        AsyncContext started = given.startAsync();
        if (pendingTimeout != FilterSettings.CONTAINER_ASYNC_TIMEOUT) {
            started.setTimeout(pendingTimeout);
        }
        owner.followSuspension(started);
        cycleTimeout = started.getTimeout();
        suspendedSince = System.nanoTime();
        suspended = started;
        return true;
    }

    /**
     * @return whether filters run around this request's module filter, for its PENDINGs: as the {@code filtersAround}
     *     init-param says, or, with {@code auto}, whether another filter's {@code doFilter} is among the callers of the
     *     thread raising the request's first PENDING ({@link #anotherFilterAround()}); one raised on a thread the
     *     filters are not on (a completion's continuation, a servlet's async thread) comes after their dispatch
     *     returned
     */
    private boolean filtersAround() {
        Around known = around;
        if (known == Around.UNKNOWN) {
            boolean some = switch (filtersAround) {
                case IGNORE -> false;
                case PRESENT -> true;
                case AUTO -> anotherFilterAround();
            };
            known = some ? Around.SOME : Around.NONE;
            around = known;
        }
        return known == Around.SOME;
    }

    /**
     * @return whether a filter runs around this module filter on the calling thread: the innermost
     *     {@code IisModuleFilter.doFilter} frame is this filter's, and any {@code Filter.doFilter} frame below it (its
     *     callers) is a filter around it (an application filter, or an outer module filter); frames above it are
     *     filters inside, which have returned
     */
    private static boolean anotherFilterAround() {
        return STACK.walk(frames -> frames
                .filter(frame -> frame.getMethodName().equals("doFilter")
                        && Filter.class.isAssignableFrom(frame.getDeclaringClass()))
                .dropWhile(frame -> !IisModuleFilter.class.isAssignableFrom(frame.getDeclaringClass()))
                .skip(1)
                .findAny()
                .isPresent());
    }

    /**
     * A suspended notification was completed (or timed out): the pipeline goes on from it, on a container thread
     * ({@code AsyncContext.start}) so that the module's thread returns at once and the modules and the servlet keep
     * the web application's context; a timeout goes on on the container's timeout thread, which must end the request
     * itself, and so does a completion while the container's thread ending the cycle holds it ({@link #containerEnds}).
     */
    @Override
    public void resume(PendingCompletion.Cursor at, PendingCompletion.Completion completion) {
        if (completion instanceof PendingCompletion.Completion.TimedOut) {
            continueFrom(at, completion);
            return;
        }
        Continuation continuation = new Continuation(at, completion);
        synchronized (this) {
            unclaimed = continuation;
            // Whatever an earlier cycle left is stale.
            handedOver = null;
            // The container's thread ending the cycle may wait for it (see containerEnds).
            notifyAll();
            if (cycleEnding != null) {
                return;
            }
        }
        try {
            suspended.start(continuation);
        } catch (RuntimeException e) {
            // The container ended the async cycle already (a client gone, or its timeout ran the continuation: then
            // Jetty's recycled AsyncContext may throw even a NullPointerException): go on here, unless taken.
            continuation.run();
        }
    }

    /**
     * The container ends the suspension's cycle ({@code end}), on the thread running its listeners: a completion's
     * continuation that has not started yet runs here; one running on another thread hands its final call here
     * (waiting at least {@value #CONTINUATION_WAIT_MILLIS} ms for it); after an error, or a completion not the
     * suspension's, a suspended notification's completion is awaited here until the suspension's timeout (without
     * one, as long as it takes); otherwise the suspended notification timed out ({@link PendingCompletion#timeOut}).
     * Nothing if no notification is suspended or completing.
     */
    void containerEnds(PendingCompletion pending, CycleEnd end) {
        if (end == CycleEnd.COMPLETE && !pending.suspended() && !pending.resuming()) {
            return;
        }
        containerEndsCycle = true;
        long timeout = cycleTimeout;
        boolean unlimited = end.awaitsCompletion() && timeout <= 0;
        // Until when this thread stays: after a timeout only for a continuation on its way, after an error for the
        // completion too, until the suspension's timeout.
        long deadline = end.awaitsCompletion() && !unlimited
                ? suspendedSince + TimeUnit.MILLISECONDS.toNanos(timeout)
                : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONTINUATION_WAIT_MILLIS);
        synchronized (this) {
            cycleEnding = Thread.currentThread();
        }
        try {
            endCycle(pending, end, deadline, unlimited);
        } finally {
            Continuation left;
            synchronized (this) {
                cycleEnding = null;
                left = unclaimed;
            }
            if (left != null) {
                // Published for this thread as it was leaving (see resume).
                left.run();
            }
        }
    }

    private void endCycle(PendingCompletion pending, CycleEnd end, long deadline, boolean unlimited) {
        while (true) {
            // A continuation on its way has at least this long to hand its final call over.
            long handOver = Math.max(deadline,
                    System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONTINUATION_WAIT_MILLIS));
            Continuation here = null;
            Runnable call = null;
            synchronized (this) {
                try {
                    // A completion just accepted publishes its continuation at once (see resume); after an error
                    // the completion itself is awaited.
                    while (unclaimed == null && running == null
                            && (pending.resuming() && waitUntil(handOver, false)
                                || end.awaitsCompletion() && pending.suspended()
                                        && waitUntil(deadline, unlimited))) {
                        // waited
                    }
                    if (unclaimed != null) {
                        here = unclaimed;
                        unclaimed = null;
                    } else {
                        if (running != null) {
                            expiring = Thread.currentThread();
                            while (running != null && handedOver == null && waitUntil(handOver, false)) {
                                // waited
                            }
                        }
                        // Handed over while running, or before this thread reached the listener.
                        call = handedOver;
                        handedOver = null;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } finally {
                    expiring = null;
                }
            }
            if (here != null) {
                here.continueHere();
            } else if (call != null) {
                call.run();
            }
            boolean passed = !unlimited && System.nanoTime() - deadline >= 0;
            if (end.awaitsCompletion() && !passed && pending.suspended()) {
                // A continuation suspended again: its completion is awaited on the next round.
                continue;
            }
            // The suspended notification timed out (also one a continuation suspended again meanwhile), unless a
            // completion came first just now: then its continuation is taken on the next round.
            if (pending.timeOut() || !pending.resuming() || passed) {
                return;
            }
        }
    }

    /**
     * Waits on this object's lock until notified or {@code deadline} (or only until notified, if
     * {@code unlimited}); {@code false} once the deadline passed.
     */
    private boolean waitUntil(long deadline, boolean unlimited) throws InterruptedException {
        if (unlimited) {
            wait();
            return true;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
        return true;
    }

    /**
     * The pipeline going on after a completion, run once: by {@code AsyncContext.start}, or by the thread the
     * container ends the cycle on.
     */
    private final class Continuation implements Runnable {
        private final PendingCompletion.Cursor at;
        private final PendingCompletion.Completion completion;

        Continuation(PendingCompletion.Cursor at, PendingCompletion.Completion completion) {
            this.at = at;
            this.completion = completion;
        }

        /** Runs the continuation on the calling thread, unless the timeout took it. */
        @Override
        public void run() {
            synchronized (RequestSuspension.this) {
                if (unclaimed != this) {
                    return;
                }
                unclaimed = null;
                running = this;
            }
            try {
                continueFrom(at, completion);
            } finally {
                synchronized (RequestSuspension.this) {
                    running = null;
                    RequestSuspension.this.notifyAll();
                }
            }
        }

        /** Runs the continuation on the container's thread ending the cycle, which took it. */
        void continueHere() {
            continueFrom(at, completion);
        }
    }

    private void continueFrom(PendingCompletion.Cursor at, PendingCompletion.Completion completion) {
        drive();
        try {
            owner.continueFrom(at, completion);
        } finally {
            stopDriving();
        }
    }

    /**
     * Runs {@code end}, the end of the request, on the calling thread, which completes the servlet's own async cycle
     * ({@code cycle}, the container's context) after the dispatch that started it returned: the thread drives the
     * pipeline meanwhile, so that a module's PENDING in LOG_REQUEST or END_REQUEST suspends the request on that cycle
     * instead of holding the thread until the module completes (the servlet's {@code complete()} returns at once, as
     * without the filter; the module's completion goes on on a container thread and completes the cycle). Not when the
     * container ends the cycle itself (a listener completing it in {@code onTimeout} or {@code onError}: the container
     * takes the completion only from that thread, and ends the request once the listeners returned), nor on a cycle
     * without a timeout where the {@code pendingTimeout} sets none either (nothing would end a module that never
     * completes): the thread waits for the module then. Where the cycle's timeout is longer than the {@code
     * pendingTimeout}, or it has none, the {@link #timer} times the module out at the {@code pendingTimeout} (the cycle
     * keeps its own timeout, which the containers do not let the filter shorten once the dispatch returned).
     *
     * @return whether a module's PENDING suspended the request on {@code cycle}: its completion completes the cycle,
     *     the caller must not
     */
    boolean endOnServletCycle(AsyncContext cycle, Runnable end) {
        long timeout = cycle.getTimeout();
        boolean cycleBounds = timeout > 0 && (pendingTimeout <= 0 || timeout <= pendingTimeout);
        boolean timerBounds = !cycleBounds && pendingTimeout > 0 && timer != null;
        if (containerEndsCycle || !cycleBounds && !timerBounds || driving()) {
            end.run();
            return false;
        }
        servletCycle = cycle;
        servletCycleSuspended = false;
        servletCycleTimed = timerBounds;
        drive();
        try {
            end.run();
        } finally {
            servletCycle = null;
            stopDriving();
        }
        return servletCycleSuspended;
    }

    /** The stages before the handler ran after the completion: an ASYNC dispatch runs the handler. */
    void dispatchHandler() {
        AsyncContext context = release();
        finish(context::dispatch);
    }

    /** Completes the async cycle a PENDING started, if the request is suspended. */
    void complete() {
        AsyncContext context = release();
        if (context != null) {
            finish(context::complete);
        }
    }

    /**
     * Makes a continuation's final call on the async cycle, or hands it to the container's timeout thread if the
     * timeout came meanwhile (the container refuses it from this thread then, see the class comment).
     */
    private void finish(Runnable call) {
        synchronized (this) {
            if (expiring != null && expiring != Thread.currentThread()) {
                handedOver = call;
                notifyAll();
                return;
            }
        }
        try {
            call.run();
        } catch (IllegalStateException e) {
            // The timeout began before its thread reached this request's listener: it takes the call there (else
            // the container already ended the async cycle, a client gone, and the call has nothing left to do).
            LOG.log(System.Logger.Level.DEBUG, () -> "iisport: the async cycle refused the call ending a "
                    + "suspension, left to its timeout: " + e);
            synchronized (this) {
                handedOver = call;
                notifyAll();
            }
        }
    }

    private AsyncContext release() {
        Future<?> timeout = ownTimeout;
        if (timeout != null) {
            ownTimeout = null;
            timeout.cancel(false);
        }
        AsyncContext context = suspended;
        suspended = null;
        return context;
    }

    /**
     * Schedules the suspended notification's timeout at the {@code pendingTimeout} from now on the {@link #timer} (the
     * one scheduled before is cancelled: a completion came, and the request was suspended again).
     *
     * @return {@code false} if the timer no longer runs
     */
    private boolean timeOutLater() {
        Future<?> previous = ownTimeout;
        if (previous != null) {
            previous.cancel(false);
        }
        Future<?> next = timer.schedule(owner::pendingTimedOut, pendingTimeout);
        ownTimeout = next;
        return next != null;
    }
}
