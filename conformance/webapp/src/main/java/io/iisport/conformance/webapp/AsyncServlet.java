package io.iisport.conformance.webapp;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code startAsync} uses, by {@code mode}: {@code completeInDispatch} (a write, complete(), a write, in the
 * dispatch), {@code completeDuringDispatch} (another thread writes and completes, then the dispatch writes),
 * {@code redispatchComplete}, {@code redispatchCompleteDuring} and {@code redispatchWrite} (the first dispatch writes
 * and dispatches back here; the ASYNC dispatch starts async again and does what the first two modes do, or writes
 * twice without starting async: see {@link #redispatch}),
 * {@code thread} (another thread writes and completes), {@code events}
 * (another thread writes three flushed events 300 ms apart, then completes), {@code dispatch} (dispatch to
 * {@code /<prefix>/target}, a path the filter maps), {@code dispatchUnmapped} (to {@code /u/target}, which it does
 * not), {@code timeout} (nothing happens until the 200 ms timeout: the container's error), and {@code ticker}
 * (43 bytes written, then {@code event.getAsyncContext().complete()} in {@code onTimeout}).
 */
public class AsyncServlet extends HttpServlet {
    /** The ticker's output: 43 bytes. */
    static final String TICKER = "tick 1\ntick 2\ntick 3\nthe ticker wrote this\n";

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String mode = Params.string(request, "mode", "thread");
        response.setContentType("text/plain");
        if (mode.startsWith("redispatch")) {
            redispatch(mode, request, response);
            return;
        }
        AsyncContext async = request.startAsync();
        switch (mode) {
            case "completeInDispatch" -> {
                // Jetty's default servlet does this when it sends a large file, also within an include.
                response.getWriter().write("before complete-");
                async.complete();
                response.getWriter().write("after complete, in the same dispatch\n");
            }
            case "completeDuringDispatch" -> {
                completeOnAnotherThread(async);
                response.getWriter().write("then the dispatch that started it wrote\n");
            }
            case "thread" -> async.start(() -> {
                Params.sleep(20);
                try {
                    async.getResponse().getWriter().write("written by another thread\n");
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                async.complete();
            });
            case "events" -> async.start(() -> {
                try {
                    PrintWriter writer = async.getResponse().getWriter();
                    for (int i = 0; i < 3; i++) {
                        if (i > 0) {
                            Params.sleep(300);
                        }
                        writer.write("data: event " + i + "\n\n");
                        writer.flush();
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                async.complete();
            });
            case "dispatch" -> async.dispatch(Params.prefix(request) + "/target?y=2");
            case "dispatchUnmapped" -> async.dispatch("/u/target?y=2");
            case "timeout" -> async.setTimeout(200);
            case "ticker" -> {
                async.setTimeout(200);
                async.addListener(new AsyncListener() {
                    @Override
                    public void onTimeout(AsyncEvent event) {
                        event.getAsyncContext().complete();
                    }

                    @Override
                    public void onComplete(AsyncEvent event) {
                    }

                    @Override
                    public void onError(AsyncEvent event) {
                    }

                    @Override
                    public void onStartAsync(AsyncEvent event) {
                    }
                });
                response.getWriter().write(TICKER);
                response.getWriter().flush();
            }
            default -> throw new IllegalArgumentException("unknown mode=" + mode);
        }
    }

    /**
     * The first dispatch writes, starts async and dispatches back to this servlet; the ASYNC dispatch, by
     * {@code mode}: {@code redispatchComplete} starts async again, writes, completes and writes again;
     * {@code redispatchCompleteDuring} starts async again, another thread writes and completes, then the dispatch
     * writes; {@code redispatchWrite} writes twice and returns without starting async (the container completes).
     * Servlet 6.0, {@code AsyncContext.complete()}: a complete() before the dispatch that called startAsync returned
     * takes effect once it returned, so everything each dispatch writes is sent.
     */
    private static void redispatch(String mode, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        if (request.getDispatcherType() != DispatcherType.ASYNC) {
            response.getWriter().write("the first dispatch wrote-");
            request.startAsync().dispatch();
            return;
        }
        switch (mode) {
            case "redispatchComplete" -> {
                AsyncContext async = request.startAsync();
                response.getWriter().write("before complete-");
                async.complete();
                response.getWriter().write("after complete, in the async dispatch\n");
            }
            case "redispatchCompleteDuring" -> {
                completeOnAnotherThread(request.startAsync());
                response.getWriter().write("then the async dispatch that started it wrote\n");
            }
            case "redispatchWrite" -> {
                response.getWriter().write("the async dispatch wrote-");
                response.getWriter().write("and wrote again before it returned\n");
            }
            default -> throw new IllegalArgumentException("unknown mode=" + mode);
        }
    }

    /** Another thread writes and completes {@code async}; returns once it did. */
    private static void completeOnAnotherThread(AsyncContext async) {
        CountDownLatch completed = new CountDownLatch(1);
        async.start(() -> {
            try {
                async.getResponse().getWriter().write("another thread wrote and completed-");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } finally {
                async.complete();
                completed.countDown();
            }
        });
        try {
            if (!completed.await(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the other thread did not complete");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
