package io.iisport.filter;

import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_PENDING;

import io.iisport.httpserv.RequestNotificationStatus;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code RQ_NOTIFICATION_PENDING}: the request's thread waits until a module calls
 * {@code IHttpContext.IndicateCompletion} from another thread. Requests that never return PENDING take no lock.
 *
 * <pre>
 *   IDLE --accept()--&gt; ACCEPTING --indicate(status)--&gt; COMPLETED(status) --take()--&gt; IDLE
 *                          |                                                  ^
 *                          +----------------------- close() -------------------+
 * </pre>
 */
final class PendingCompletion {
    /** What a notification call is at, for another thread's {@code IndicateCompletion}. */
    private sealed interface State {
        record Idle() implements State {
        }

        record Accepting(Thread waiter) implements State {
        }

        record Completed(RequestNotificationStatus status) implements State {
        }
    }

    private static final State IDLE = new State.Idle();

    private final AtomicReference<State> state = new AtomicReference<>(IDLE);
    /** The last Accepting state, reused while the request runs on the same thread (no allocation per call). */
    private State.Accepting accepting = new State.Accepting(null);

    /** A module's notification method is about to run on this thread: it may return PENDING. */
    void accept() {
        Thread current = Thread.currentThread();
        if (accepting.waiter() != current) {
            accepting = new State.Accepting(current);
        }
        state.set(accepting);
    }

    /** The notification call is over: a later {@code IndicateCompletion} is refused. */
    void close() {
        state.set(IDLE);
    }

    /**
     * Parks the calling thread until {@link #indicate} (which may already have happened).
     *
     * @return the status the module indicated
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    RequestNotificationStatus await() throws InterruptedException {
        while (true) {
            if (state.get() instanceof State.Completed completed) {
                return completed.status();
            }
            LockSupport.park(this);
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while RQ_NOTIFICATION_PENDING");
            }
        }
    }

    /**
     * Ends the pending notification with {@code status}.
     *
     * @throws IllegalArgumentException if {@code status} is null or PENDING
     * @throws IllegalStateException if no notification of the request is running, or it was already completed
     */
    void indicate(RequestNotificationStatus status) {
        if (status == null || status == RQ_NOTIFICATION_PENDING) {
            throw new IllegalArgumentException("indicateCompletion takes RQ_NOTIFICATION_CONTINUE or "
                    + "RQ_NOTIFICATION_FINISH_REQUEST, not " + status);
        }
        State current = state.get();
        if (!(current instanceof State.Accepting waiting)
                || !state.compareAndSet(current, new State.Completed(status))) {
            throw new IllegalStateException("no notification of this request is pending");
        }
        LockSupport.unpark(waiting.waiter());
    }
}
