package io.iisport.filter;

import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_PENDING;

import io.iisport.httpserv.IHttpCompletionInfo;
import io.iisport.httpserv.RequestNotificationStatus;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code RQ_NOTIFICATION_PENDING} of one request: where a pending notification is, and its completion by
 * {@code IHttpContext.IndicateCompletion} or {@code PostCompletion} from any thread. Either the request was suspended
 * (servlet async: the completion hands the request to the resumer) or the notification's thread waits
 * ({@link #await()}). Requests that never return PENDING take no lock.
 *
 * <pre>
 *   IDLE --accept()--&gt; ACCEPTING --completion--&gt; COMPLETED --completed()/await()--&gt; (the caller goes on)
 *                         |   |  +--await() timed out--&gt; IDLE
 *                         |   ^
 *                         |   +---------------- accept() -------------------+
 *                         +--suspend(at)--&gt; SUSPENDED --completion or timeOut()--&gt; RESUMING
 *   close(), abandon(): IDLE (a completion now is refused)
 * </pre>
 */
final class PendingCompletion {
    /** Where a suspended notification is: the module at {@code position} of the notification's order. */
    record Cursor(Stage stage, boolean post, int position) {
        String describe() {
            return stage.describe(post);
        }
    }

    /** How a pending notification was completed. */
    sealed interface Completion {
        /** {@code IndicateCompletion(status)}. */
        record Indicated(RequestNotificationStatus status) implements Completion {
        }

        /** {@code PostCompletion(completionBytes)}: the module's {@code OnAsyncCompletion} gets this. */
        record Posted(int completionBytes) implements Completion, IHttpCompletionInfo {
            @Override
            public int getCompletionBytes() {
                return completionBytes;
            }

            @Override
            public int getCompletionStatus() {
                return S_OK;
            }
        }

        /** The timeout came first (the async cycle's, or the wait's): the module failed. */
        record TimedOut() implements Completion {
        }
    }

    /** What a notification call is at, for another thread's completion. */
    private sealed interface State {
        record Idle() implements State {
        }

        /** A module's method runs on the thread in {@code caller}. */
        record Accepting() implements State {
        }

        record Completed(Completion completion) implements State {
        }

        record Suspended(Cursor at) implements State {
        }

        record Resuming() implements State {
        }
    }

    private static final State IDLE = new State.Idle();
    private static final State ACCEPTING = new State.Accepting();
    private static final State RESUMING = new State.Resuming();
    private static final Completion TIMED_OUT = new Completion.TimedOut();

    private static final VarHandle STATE = FieldHandles.of(MethodHandles.lookup(), "state", State.class);

    /** Continues a suspended request with its completion. */
    interface Resumer {
        /**
         * Goes on from the notification suspended at {@code at}; called once per suspension, on the thread that
         * completes it.
         */
        void resume(Cursor at, Completion completion);
    }

    /** Changed through {@link #STATE}: a field rather than an {@code AtomicReference}, one object fewer a request. */
    private volatile State state = IDLE;
    /**
     * The thread a module's method runs on while ACCEPTING, which a completion unparks. A plain field: written before
     * the state's volatile write of ACCEPTING, and read only by a completion whose compare-and-set took that
     * ACCEPTING, so that write publishes it (JLS 17.4.5); a volatile write of its own would add a fence to every
     * module call.
     */
    private Thread caller;
    private final Resumer resumer;

    /** @param resumer continues a suspended request; called on the thread that completes it */
    PendingCompletion(Resumer resumer) {
        this.resumer = resumer;
    }

    /** A module's method is about to run on this thread: it may return PENDING, or complete first. */
    void accept() {
        caller = Thread.currentThread();
        state = ACCEPTING;
    }

    /** The notification call is over: a later completion is refused. */
    void close() {
        state = IDLE;
    }

    /**
     * The module returned PENDING: its completion if it already came (it was indicated or posted while the method
     * ran), else {@code null}.
     */
    Completion completed() {
        return state instanceof State.Completed completed ? completed.completion() : null;
    }

    /**
     * Parks the calling thread until the completion (which may already have come), at most {@code timeoutNanos}:
     * then the notification is no longer pending (a later completion is refused) and the module failed.
     *
     * @param timeoutNanos the longest wait, in nanoseconds; 0 for no limit
     * @return the completion, or a {@link Completion.TimedOut}
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    Completion await(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            Completion completion = completed();
            if (completion != null) {
                return completion;
            }
            if (timeoutNanos == 0) {
                LockSupport.park(this);
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    // Unless the completion came meanwhile: then it is read again above.
                    if (STATE.compareAndSet(this, ACCEPTING, IDLE)) {
                        return TIMED_OUT;
                    }
                    continue;
                }
                LockSupport.parkNanos(this, left);
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while RQ_NOTIFICATION_PENDING");
            }
        }
    }

    /**
     * The request was suspended at {@code at} (servlet async is started): the completion goes to the resumer. If it
     * came already, the resumer gets it now, on this thread.
     */
    void suspend(Cursor at) {
        while (true) {
            // A completion may come from another thread between the read and the compare-and-set: read again.
            State current = state;
            if (current instanceof State.Accepting) {
                if (STATE.compareAndSet(this, current, new State.Suspended(at))) {
                    return;
                }
            } else if (current instanceof State.Completed completed) {
                if (STATE.compareAndSet(this, current, RESUMING)) {
                    resumer.resume(at, completed.completion());
                    return;
                }
            } else {
                throw new IllegalStateException("iisport: no notification to suspend at " + at.describe() + ": "
                        + current);
            }
        }
    }

    /**
     * The suspension's async cycle timed out (the {@code pendingTimeout}, or the container's async timeout): a
     * suspended notification's module failed; otherwise nothing.
     *
     * @return whether a suspended notification timed out
     */
    boolean timeOut() {
        State current = state;
        if (current instanceof State.Suspended suspended && STATE.compareAndSet(this, current, RESUMING)) {
            resumer.resume(suspended.at(), TIMED_OUT);
            return true;
        }
        return false;
    }

    /** @return whether the request is suspended at a notification whose completion has not come */
    boolean suspended() {
        return state instanceof State.Suspended;
    }

    /** @return whether a completion was accepted and its continuation has not reached the module yet */
    boolean resuming() {
        return state == RESUMING;
    }

    /** The request ended without its completion: a later one is refused. */
    void abandon() {
        state = IDLE;
    }

    /**
     * {@code IndicateCompletion(status)}.
     *
     * @throws IllegalArgumentException if {@code status} is null or PENDING
     * @throws IllegalStateException if no notification of the request is pending, or it was already completed
     */
    void indicate(RequestNotificationStatus status) {
        if (status == null || status == RQ_NOTIFICATION_PENDING) {
            throw new IllegalArgumentException("indicateCompletion takes RQ_NOTIFICATION_CONTINUE or "
                    + "RQ_NOTIFICATION_FINISH_REQUEST, not " + status);
        }
        complete("indicateCompletion", new Completion.Indicated(status));
    }

    /**
     * {@code PostCompletion(completionBytes)}.
     *
     * @throws IllegalArgumentException if {@code completionBytes} is negative
     * @throws IllegalStateException if no notification of the request is pending, or it was already completed
     */
    void post(int completionBytes) {
        if (completionBytes < 0) {
            throw new IllegalArgumentException("postCompletion takes a byte count from 0 to " + Integer.MAX_VALUE
                    + " (IIS's DWORD), not " + completionBytes);
        }
        complete("postCompletion", new Completion.Posted(completionBytes));
    }

    private void complete(String member, Completion completion) {
        while (true) {
            State current = state;
            if (current instanceof State.Accepting) {
                if (STATE.compareAndSet(this, current, new State.Completed(completion))) {
                    LockSupport.unpark(caller);
                    return;
                }
            } else if (current instanceof State.Suspended suspended) {
                if (STATE.compareAndSet(this, current, RESUMING)) {
                    resumer.resume(suspended.at(), completion);
                    return;
                }
            } else {
                throw new IllegalStateException(member + ": no notification of this request is pending"
                        + (current instanceof State.Idle ? "" : " (its completion came already)"));
            }
        }
    }
}
