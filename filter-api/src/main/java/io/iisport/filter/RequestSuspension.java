package io.iisport.filter;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

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
 */
final class RequestSuspension implements ModuleNotifier.Suspension, PendingCompletion.Resumer {
    private static final VarHandle DRIVER = FieldHandles.of(MethodHandles.lookup(), "driver", Thread.class);

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
    }

    /** The filter's request: async starts with the request it wraps, the one the filter was given. */
    private final ServletRequestWrapper request;
    private final Owner owner;
    /**
     * The timeout of the async cycle a suspension starts, in milliseconds (0: none), or
     * {@link FilterSettings#CONTAINER_ASYNC_TIMEOUT} to keep the container's.
     */
    private final long pendingTimeout;
    /**
     * The thread running the pipeline where a PENDING may suspend it: the filter's, or the one continuing it after
     * a completion; {@code null} while the handler runs or the servlet's async processing goes on. Changed through
     * {@link #DRIVER}: a field rather than an {@code AtomicReference}, one object fewer a request.
     */
    private volatile Thread driver;
    /** The container's {@code AsyncContext} a module's PENDING suspended the request with, until resumed. */
    private volatile AsyncContext suspended;

    /**
     * @param pendingTimeout the timeout of the async cycle a suspension starts, in milliseconds (0: none), or
     *     {@link FilterSettings#CONTAINER_ASYNC_TIMEOUT} to keep the container's
     */
    RequestSuspension(ServletRequestWrapper request, long pendingTimeout, Owner owner) {
        this.request = request;
        this.pendingTimeout = pendingTimeout;
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
     * SEND_RESPONSE (raised in a write or flush), not after a failure the filter must rethrow, and only if the
     * container lets the filter start async (the request is async-supported and not already in async processing).
     * Then async is started with the request the filter was given, as the container would for it, so that the
     * handler's dispatch targets the request's URI with its parameters once.
     */
    @Override
    public boolean suspend(Stage stage) {
        if (stage == Stage.SEND_RESPONSE) {
            return false;
        }
        if (stage == Stage.LOG_REQUEST || stage == Stage.END_REQUEST) {
            // IIS sends the response before RQ_LOG_REQUEST: the client has it while the module completes.
            owner.finishOnWire();
        }
        if (!driving() || owner.failed()) {
            return false;
        }
        if (suspended != null) {
            // Continuing after a completion: the request is still suspended.
            return true;
        }
        ServletRequest given = request.getRequest();
        if (!given.isAsyncSupported() || given.isAsyncStarted()) {
            return false;
        }
        AsyncContext started = given.startAsync();
        if (pendingTimeout != FilterSettings.CONTAINER_ASYNC_TIMEOUT) {
            started.setTimeout(pendingTimeout);
        }
        owner.followSuspension(started);
        suspended = started;
        return true;
    }

    /**
     * A suspended notification was completed (or timed out): the pipeline goes on from it, on a container thread
     * ({@code AsyncContext.start}) so that the module's thread returns at once and the modules and the servlet keep
     * the web application's context; a timeout goes on on the container's timeout thread, which must end the request
     * itself.
     */
    @Override
    public void resume(PendingCompletion.Cursor at, PendingCompletion.Completion completion) {
        Runnable resumption = () -> continueFrom(at, completion);
        if (completion instanceof PendingCompletion.Completion.TimedOut) {
            resumption.run();
            return;
        }
        try {
            suspended.start(resumption);
        } catch (IllegalStateException e) {
            // The container ended the async cycle already (a client gone): go on here.
            resumption.run();
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

    /** The stages before the handler ran after the completion: an ASYNC dispatch runs the handler. */
    void dispatchHandler() {
        release().dispatch();
    }

    /** Completes the async cycle a PENDING started, if the request is suspended. */
    void complete() {
        AsyncContext context = release();
        if (context != null) {
            context.complete();
        }
    }

    private AsyncContext release() {
        AsyncContext context = suspended;
        suspended = null;
        return context;
    }
}
