package io.iisport.filter;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Locale;

/**
 * Where Jetty's and Tomcat's own rules differ and the servlet behind the filter must see the container's: when a
 * response becomes committed as the servlet writes, whether a Content-Length set after the bytes closes it, whether a
 * forward needs an opaque response, how the container answers a servlet's exception. The filter's buffer holds the
 * servlet's output, so it tells the servlet ({@code isCommitted()}, {@code sendError}, {@code reset}) what the
 * container would have done with the same writes. Measured on Jetty 12.1 (ee10, ee11) and Tomcat 10.1 and 11 with
 * their default settings.
 */
enum ContainerRules {
    /**
     * Jetty 12 ({@code HttpOutput.write}): a write longer than the aggregation size (a quarter of the buffer), or once
     * the servlet set the buffer size one at least that size, goes out at once and commits, as does the write that
     * fills the buffer (the pooled buffer's capacity, a multiple of 4 KiB); the writer writes in pieces of at most
     * 1024 characters, so with the default buffer it commits only once the buffer is full.
     */
    JETTY {
        @Override
        boolean commitsAt(int len, long before, boolean writer, int bufferSize, boolean bufferSizeSet) {
            long capacity = (bufferSize + POOL_GRANULE - 1L) / POOL_GRANULE * POOL_GRANULE;
            int piece = writer ? Math.min(len, JETTY_WRITER_PIECE) : len;
            boolean direct = bufferSizeSet ? piece >= bufferSize : piece > bufferSize / 4;
            return direct || before + len >= capacity;
        }

        @Override
        boolean refusesWritesPastContentLength() {
            return true;
        }

        @Override
        boolean keepsSendErrorOnException() {
            return true;
        }

        @Override
        boolean keepsHeaderChangesAfterSendError() {
            return true;
        }

        @Override
        int pendingErrorStatus(ServletRequest request) {
            return request.getAttribute(JETTY_ERROR_STATUS) instanceof Integer code ? code : -1;
        }
    },
    /**
     * Tomcat ({@code OutputBuffer}): the stream commits once more bytes than the buffer holds were written; the
     * writer's characters first fill a char buffer of 8192, so it commits once the bytes exceed both buffers.
     */
    TOMCAT {
        @Override
        boolean commitsAt(int len, long before, boolean writer, int bufferSize, boolean bufferSizeSet) {
            return before + len > bufferSize + (writer ? TOMCAT_CHAR_BUFFER : 0);
        }

        @Override
        boolean closesAtLengthSetAfterTheBytes() {
            return true;
        }

        @Override
        boolean opaqueForward() {
            return true;
        }

        @Override
        boolean keepsUnsentBodyOnError() {
            return true;
        }

        @Override
        boolean mayAbandonRequestsAfterOnError() {
            return true;
        }

        @Override
        boolean abandonsRequestAfterOnError() {
            return STACK.walk(frames -> frames.anyMatch(frame -> frame.getMethodName().equals("service")
                    && frame.getClassName().equals(TOMCAT_ADAPTER)));
        }

        @Override
        boolean suspendAfterForward(ServletResponse response) {
            if (!response.getClass().getName().equals(TOMCAT_RESPONSE_FACADE)) {
                return false;
            }
            try {
                response.getClass().getMethod("finish").invoke(response);
                return true;
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return false;
            }
        }
    },
    /** Another container: the Servlet spec's rule, committed once the output exceeds the buffer size. */
    OTHER {
        @Override
        boolean commitsAt(int len, long before, boolean writer, int bufferSize, boolean bufferSizeSet) {
            return before + len > bufferSize;
        }
    };

    /**
     * The request attribute holding the code of Jetty's {@code sendError} ({@code ErrorHandler.ERROR_STATUS}, set by
     * {@code ServletChannelState.sendError}).
     */
    private static final String JETTY_ERROR_STATUS = "org.eclipse.jetty.server.error_status";

    /** Jetty's {@code ArrayByteBufferPool} hands out buffers in multiples of this. */
    private static final int POOL_GRANULE = 4096;
    /** The most characters Jetty's writer ({@code WriteThroughWriter}) passes to its output at once. */
    private static final int JETTY_WRITER_PIECE = 1024;
    private static final StackWalker STACK = StackWalker.getInstance();
    /** Tomcat's adapter from connector to servlet engine, whose {@code service} runs a request's own dispatch. */
    private static final String TOMCAT_ADAPTER = "org.apache.catalina.connector.CoyoteAdapter";
    /** Tomcat's own response, as the container hands it to the first filter ({@code ResponseFacade}). */
    private static final String TOMCAT_RESPONSE_FACADE = "org.apache.catalina.connector.ResponseFacade";
    /** Tomcat's {@code OutputBuffer} char buffer, which the writer fills before the byte buffer. */
    private static final int TOMCAT_CHAR_BUFFER = 8192;

    /**
     * @param servletContext the filter's servlet context, whose server info names the container
     * @return the rules of that container
     */
    static ContainerRules of(ServletContext servletContext) {
        String serverInfo = servletContext.getServerInfo();
        if (serverInfo == null) {
            return OTHER;
        }
        if (serverInfo.startsWith("Apache Tomcat/")) {
            return TOMCAT;
        }
        return serverInfo.toLowerCase(Locale.ROOT).startsWith("jetty/") ? JETTY : OTHER;
    }

    /**
     * Whether the container commits its response with this write of the servlet's, if it has not already.
     *
     * @param len the bytes of this write (encoded, for the writer)
     * @param before the bytes the servlet wrote before it since the response was last reset
     * @param writer whether they come through the writer
     * @param bufferSize the container's buffer size ({@code getBufferSize()}: on Tomcat it can be larger than its
     *     default, a pooled response keeps a grown buffer)
     * @param bufferSizeSet whether the servlet set the buffer size
     * @return whether the response is committed after this write
     */
    abstract boolean commitsAt(int len, long before, boolean writer, int bufferSize, boolean bufferSizeSet);

    /** @return whether setting a Content-Length at or below the bytes already written closes the response */
    boolean closesAtLengthSetAfterTheBytes() {
        return false;
    }

    /**
     * @return whether a write that would take the body past the Content-Length the servlet set fails with
     *     {@code IllegalStateException} ("too much content written") and is not written (Jetty)
     */
    boolean refusesWritesPastContentLength() {
        return false;
    }

    /**
     * @return whether a servlet's {@code sendError} (or redirect) still decides the response when the servlet throws
     *     after it (Jetty); on Tomcat the exception's 500 replaces it
     */
    boolean keepsSendErrorOnException() {
        return false;
    }

    /**
     * @return whether header and cookie changes a servlet makes after its {@code sendError} still go out with the error
     *     page (Jetty: {@code sendError} leaves the response's headers mutable, and its error page takes only the
     *     status and the content type from the error); Tomcat ignores them, as any change once the response is
     *     committed (its {@code ResponseFacade} counts a response suspended by {@code sendError} as committed)
     */
    boolean keepsHeaderChangesAfterSendError() {
        return false;
    }

    /**
     * @return whether the container answers a servlet's exception, where no error page is mapped, with its 500 and the
     *     body the servlet wrote and it had not sent yet (Tomcat), rather than replacing that body (Jetty)
     */
    boolean keepsUnsentBodyOnError() {
        return false;
    }

    /**
     * The code of a {@code sendError} the servlet called on the container's own response, whose error page the
     * container renders once the dispatch returns. Jetty keeps it apart from the response's status: a later
     * {@code setStatus} still changes {@code getStatus()}, and the page goes out with the code all the same; and it
     * ends an async cycle started after the {@code sendError} ({@code ServletChannelState.nextAction} renders the page
     * and completes the request), so nothing may be held on such a cycle. Tomcat ignores status changes after
     * {@code sendError} ({@code getStatus()} tells it), and keeps a new async cycle (see
     * {@code RequestSuspension.Owner}).
     *
     * @param request the container's request
     * @return the code, or {@code -1} if none is pending or the container does not say
     */
    int pendingErrorStatus(ServletRequest request) {
        return -1;
    }

    /**
     * @return whether the container may abandon a request after its async listeners' {@code onError} (see {@link
     *     #abandonsRequestAfterOnError}): the filter then watches the cycles the request's own dispatch starts
     */
    boolean mayAbandonRequestsAfterOnError() {
        return false;
    }

    /**
     * Whether the container, calling the async listeners' {@code onError} on this thread now, abandons the request if
     * they all return without completing or dispatching the cycle: no error page, no {@code onComplete}, the
     * connection closed without a response, the request recycled. Tomcat (10.1, 11) does so when the request's own
     * dispatch, the one that started the cycle, threw (an application filter before the module filter, once its chain
     * returned): {@code CoyoteAdapter.service} calls {@code AsyncContextImpl.setErrorState} while the cycle is
     * STARTING, which makes it MUST_ERROR; the error page comes only in ERROR ({@code ASYNC_IS_ERROR}), and {@code
     * AsyncStateMachine.asyncPostProcess} refuses MUST_ERROR ("Error reading request, ignored"). Only meaningful
     * within {@code onError}.
     */
    boolean abandonsRequestAfterOnError() {
        return false;
    }

    /**
     * Suspends the container's response as the container does after a forward through it, if it does: Tomcat's {@code
     * ApplicationDispatcher.doForward} calls {@code ResponseFacade.finish()} on its own response, which only suspends
     * the output ({@code Response.setSuspended}): nothing more is written, nothing is committed, and the container
     * lifts the suspension when the request returns to it ({@code StandardHostValve}), to send what its buffer holds
     * or, if an exception reached it, its 500. Only Tomcat's own response is suspended here: one an application filter
     * before the module filter wrapped, Tomcat closes as any response it cannot unwrap (Tomcat 10.1 by default; Tomcat
     * 11, and 10.1 with the context's {@code suspendWrappedResponseAfterForward}, unwrap it and suspend their own, a
     * setting the filter cannot read), and the caller closes it.
     *
     * @param response the container's response as the filter got it
     * @return whether it was suspended; {@code false}: the caller closes the output
     */
    boolean suspendAfterForward(ServletResponse response) {
        return false;
    }

    /** @return whether a forward must hand the container an opaque response (see {@link ForwardDispatcher}) */
    boolean opaqueForward() {
        return false;
    }

    /**
     * The status the container answers a servlet's exception with, told by the exception alone: 400 for Tomcat's {@code
     * BadRequestException}, the code of Tomcat's {@code InvalidParameterException} (thrown, or the cause of what was
     * thrown: Tomcat 11 throws it from {@code getParameter} on a malformed query), as Tomcat's {@code
     * StandardWrapperValve} does; the code of Jetty's {@code HttpException} ({@code BadMessageException}: Jetty's 400
     * for a malformed query) anywhere in the causes, as Jetty's {@code ServletChannel} unwraps it; else 500.
     */
    static int statusFor(Throwable failure) {
        if (is(failure, "org.apache.coyote.BadRequestException")) {
            return HttpServletResponse.SC_BAD_REQUEST;
        }
        for (Throwable t : new Throwable[] {failure, failure.getCause()}) {
            if (t != null && is(t, "org.apache.tomcat.util.http.InvalidParameterException")) {
                return code(t, "getErrorCode");
            }
        }
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
            if (implementsJettyHttpException(t.getClass())) {
                return code(t, "getCode");
            }
        }
        return HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
    }

    /** @return whether {@code t} is an instance of the class named {@code className}, by name (no container link) */
    private static boolean is(Throwable t, String className) {
        for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals(className)) {
                return true;
            }
        }
        return false;
    }

    private static boolean implementsJettyHttpException(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                if (i.getName().equals("org.eclipse.jetty.http.HttpException")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int code(Throwable t, String method) {
        try {
            Object code = t.getClass().getMethod(method).invoke(t);
            return code instanceof Integer status && status >= 400 && status <= 599 ? status
                    : HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
        }
    }
}
