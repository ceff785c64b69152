package io.iisport.filter;

import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_FINISH_REQUEST;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_PENDING;

import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.ISendResponseProvider;
import io.iisport.httpserv.RequestNotificationStatus;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeoutException;

/**
 * Calls one request's modules: makes them, raises each notification to its subscribers in the pipeline's order,
 * suspends the request or waits on {@code RQ_NOTIFICATION_PENDING} and gives the module its completion
 * ({@code OnAsyncCompletion} for a posted one), turns a module's failure into the failure handler's response, and
 * disposes them. The one place a module method is called.
 *
 * <p>It is also the provider handed to every notification ({@link ISendResponseProvider}; for
 * {@code RQ_SEND_RESPONSE} it tells about the send): what the provider holds (a send's flags, the error a module set in
 * its call) belongs to the notification being raised, which this object raises, so no object of its own is made for
 * it a request.
 */
final class ModuleNotifier implements ISendResponseProvider {
    /** Whether a module's PENDING may hand the container's thread back, rather than wait on it. */
    interface Suspension {
        /**
         * A module returned PENDING in {@code stage} on this thread and its completion has not come: suspend the
         * request (start servlet async) if the request and this thread allow it.
         *
         * @return {@code true} if the request is suspended: the completion will continue it; {@code false}: wait
         */
        boolean suspend(Stage stage);
    }

    /** What a module's failure does to the response. */
    interface Failures {
        /** A module failed (its request is finished): a 500, or a reset once the response is committed. */
        void moduleFailed();
    }

    private static final System.Logger LOG = System.getLogger(ModuleNotifier.class.getName());

    private final ModulePipeline pipeline;
    private final IHttpContext context;
    private final PendingCompletion pending;
    private final Suspension suspension;
    /** The response, whose connection actions tell {@code RQ_SEND_RESPONSE} whether a disconnect was asked. */
    private final FilterResponse response;
    private final Failures failures;
    private final CHttpModule[] modules;
    /** The send {@code RQ_SEND_RESPONSE} is raised for: whether the headers go with it, and whether more follows. */
    private boolean headersBeingSent;
    private boolean moreData;
    /** The error the module being called set ({@code SetErrorStatus}), or {@code null}. */
    private Throwable error;
    /** A module returned FINISH_REQUEST or failed: only SEND_RESPONSE, LOG_REQUEST and END_REQUEST still run. */
    private boolean finishRequested;

    ModuleNotifier(ModulePipeline pipeline, IHttpContext context, PendingCompletion pending, Suspension suspension,
            FilterResponse response, Failures failures) {
        this.pipeline = pipeline;
        this.context = context;
        this.pending = pending;
        this.suspension = suspension;
        this.response = response;
        this.failures = failures;
        this.modules = new CHttpModule[pipeline.modules.length];
    }

    /** @return whether a module finished the request (or failed): the remaining stages and the handler are skipped */
    boolean finishRequested() {
        return finishRequested;
    }

    /**
     * {@code GL_PRE_BEGIN_REQUEST}: a global module that handled the request, or failed (a 500), finishes it before
     * {@code RQ_BEGIN_REQUEST}, as {@code RQ_NOTIFICATION_FINISH_REQUEST} does.
     */
    void raisePreBeginRequest() {
        if (!pipeline.globals.hasPreBeginRequest()) {
            return;
        }
        GlobalModules.Outcome outcome = pipeline.globals.preBeginRequest(context);
        if (outcome == GlobalModules.Outcome.FAILED) {
            failures.moduleFailed();
        }
        if (outcome != GlobalModules.Outcome.CONTINUE) {
            finishRequested = true;
        }
    }

    /** Makes each module for this request ({@code GetHttpModule}); a failure finishes the request. */
    void createModules() {
        for (int m = 0; m < modules.length; m++) {
            if (pipeline.modules[m].factory() == null) {
                // A module with global notifications only.
                continue;
            }
            try {
                CHttpModule module = pipeline.modules[m].factory().getHttpModule();
                if (module == null) {
                    throw new IllegalStateException("getHttpModule() returned null");
                }
                modules[m] = module;
            } catch (RuntimeException | LinkageError | AssertionError e) {
                moduleFailed(m, "getHttpModule", e);
                return;
            }
        }
    }

    /**
     * Raises a section's notifications from {@code index}, unless a module already finished the request (outside
     * the guaranteed section).
     *
     * @return {@code false} if a module's PENDING suspended the request
     */
    boolean raiseSection(Stage.Section section, int index) {
        int[] subscribed = pipeline.subscribedIn(section);
        int k = 0;
        for (int i = index; ; ) {
            while (k < subscribed.length && subscribed[k] < i) {
                k++;
            }
            if (k == subscribed.length || !section.guaranteed && finishRequested) {
                return true;
            }
            i = subscribed[k];
            RequestNotificationStatus status = raiseNotification(section.stage(i), section.post(i),
                    section.guaranteed, 0);
            if (status == RQ_NOTIFICATION_PENDING) {
                return false;
            }
            i = next(section, i, status);
        }
    }

    /**
     * Raises a section's notifications after the one at {@code index}, which ended with {@code status}.
     *
     * @return {@code false} if a module's PENDING suspended the request
     */
    boolean raiseSectionAfter(Stage.Section section, int index, RequestNotificationStatus status) {
        return status != RQ_NOTIFICATION_PENDING && raiseSection(section, next(section, index, status));
    }

    /** @return the index after the notification at {@code index}; FINISH_REQUEST skips its post-notification */
    private static int next(Stage.Section section, int index, RequestNotificationStatus status) {
        int next = index + 1;
        if (status == RQ_NOTIFICATION_FINISH_REQUEST && next < section.size()
                && section.post(next) && section.stage(next) == section.stage(index)) {
            next++;
        }
        return next;
    }

    /**
     * Calls the subscribed modules of one notification in order, from the module at {@code from} of its order.
     *
     * @param guaranteed LOG_REQUEST and END_REQUEST: neither a failure nor FINISH_REQUEST stops the request's others
     * @return {@code RQ_NOTIFICATION_FINISH_REQUEST} if a module finished the notification,
     *     {@code RQ_NOTIFICATION_PENDING} if a module's PENDING suspended the request (see {@link Suspension}),
     *     else {@code RQ_NOTIFICATION_CONTINUE}
     */
    RequestNotificationStatus raiseNotification(Stage stage, boolean post, boolean guaranteed, int from) {
        int[] order = pipeline.order(stage, post);
        for (int position = from; position < order.length; position++) {
            if (modules[order[position]] == null) {
                continue;
            }
            RequestNotificationStatus status = ended(call(stage, post, position, guaranteed, null), guaranteed);
            if (status != RQ_NOTIFICATION_CONTINUE) {
                return status;
            }
        }
        return RQ_NOTIFICATION_CONTINUE;
    }

    /**
     * Continues a notification suspended at {@code at} with its completion: the pending module's status (what it
     * indicated, what its {@code OnAsyncCompletion} returned, or a failure for a timeout), then the notification's
     * next modules.
     *
     * @return as {@link #raiseNotification}
     */
    RequestNotificationStatus resume(PendingCompletion.Cursor at, boolean guaranteed,
            PendingCompletion.Completion completion) {
        RequestNotificationStatus status = ended(call(at.stage(), at.post(), at.position(), guaranteed, completion),
                guaranteed);
        return status != RQ_NOTIFICATION_CONTINUE ? status
                : raiseNotification(at.stage(), at.post(), guaranteed, at.position() + 1);
    }

    private RequestNotificationStatus ended(RequestNotificationStatus status, boolean guaranteed) {
        if (status == RQ_NOTIFICATION_FINISH_REQUEST && !guaranteed) {
            finishRequested = true;
        }
        return status;
    }

    /** Raises {@code RQ_SEND_RESPONSE} for a send of the response. */
    void raiseSendResponse(boolean headersBeingSent, boolean moreData) {
        this.headersBeingSent = headersBeingSent;
        this.moreData = moreData;
        raiseNotification(Stage.SEND_RESPONSE, false, false, 0);
    }

    /**
     * Calls one module's method of a notification, or, for a notification it left pending, gives it its completion;
     * on PENDING, suspends the request or waits.
     *
     * @param completion {@code null} to call the notification's method
     * @return the module's status; {@code RQ_NOTIFICATION_PENDING} once the request is suspended
     */
    private RequestNotificationStatus call(Stage stage, boolean post, int position, boolean guaranteed,
            PendingCompletion.Completion completion) {
        int m = pipeline.order(stage, post)[position];
        error = null;
        boolean suspended = false;
        acceptFor(completion);
        try {
            RequestNotificationStatus status = completion == null ? stage.invoke(post, modules[m], context, this)
                    : completed(stage, post, m, completion);
            while (status == RQ_NOTIFICATION_PENDING) {
                PendingCompletion.Completion done = pending.completed();
                if (done == null && suspension.suspend(stage)) {
                    suspended = true;
                    pending.suspend(new PendingCompletion.Cursor(stage, post, position));
                    return RQ_NOTIFICATION_PENDING;
                }
                if (done == null) {
                    done = pending.await(pipeline.pendingWaitNanos());
                }
                acceptFor(done);
                status = completed(stage, post, m, done);
            }
            if (status == null) {
                throw new IllegalStateException("returned no RequestNotificationStatus");
            }
            if (error != null) {
                throw error;
            }
            return status;
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            moduleFailed(m, stage.describe(post), e);
            return guaranteed ? RQ_NOTIFICATION_CONTINUE : RQ_NOTIFICATION_FINISH_REQUEST;
        } finally {
            if (!suspended) {
                pending.close();
            }
        }
    }

    /**
     * A module's method is about to run for {@code completion} ({@code null}: the notification's own method), which
     * may complete a PENDING before it returns: only then is a completion accepted. A completion without a method to
     * run (indicated, or timed out) is settled already, and a later one stays refused meanwhile.
     */
    private void acceptFor(PendingCompletion.Completion completion) {
        if (completion == null || completion instanceof PendingCompletion.Completion.Posted) {
            pending.accept();
        }
    }

    /** The pending module's status from its completion. */
    private RequestNotificationStatus completed(Stage stage, boolean post, int m,
            PendingCompletion.Completion completion) throws TimeoutException {
        if (completion instanceof PendingCompletion.Completion.Indicated indicated) {
            return indicated.status();
        }
        if (completion instanceof PendingCompletion.Completion.Posted posted) {
            return modules[m].onAsyncCompletion(context, stage.mask, post, this, posted);
        }
        throw new TimeoutException("RQ_NOTIFICATION_PENDING was not completed (IndicateCompletion or PostCompletion) "
                + "within " + (pipeline.pendingTimeout == FilterSettings.CONTAINER_ASYNC_TIMEOUT
                        ? "the container's async timeout (a suspended request) or " + FilterSettings.DEFAULT_PENDING_WAIT
                                + " ms (a waiting thread); the filter's " + FilterSettings.PENDING_TIMEOUT
                                + " init-param sets it"
                        : "the filter's " + FilterSettings.PENDING_TIMEOUT + " of " + pipeline.pendingTimeout + " ms"));
    }

    private void moduleFailed(int m, String where, Throwable e) {
        var request = context.getServletRequest();
        LOG.log(Level.ERROR, "iisport module '" + pipeline.modules[m].getName() + "' failed in " + where + " for "
                + request.getMethod() + " " + HttpSyntax.printable(request.getRequestURI()), e);
        finishRequested = true;
        failures.moduleFailed();
    }

    /** Calls every module's {@code dispose()}, each once, logging failures. */
    void dispose() {
        for (int m = 0; m < modules.length; m++) {
            CHttpModule module = modules[m];
            if (module == null) {
                continue;
            }
            modules[m] = null;
            try {
                module.dispose();
            } catch (RuntimeException | LinkageError | AssertionError e) {
                LOG.log(Level.ERROR, "iisport module '" + pipeline.modules[m].getName() + "' failed in dispose()", e);
            }
        }
    }

    // ---------------------------------------------------------------- the provider handed to every notification

    @Override
    public void setErrorStatus(Throwable error) {
        this.error = error == null ? new IllegalStateException("setErrorStatus(null)") : error;
    }

    @Override
    public boolean getHeadersBeingSent() {
        return headersBeingSent;
    }

    @Override
    public int getFlags() {
        // Not built yet: no module asked for an action.
        ConnectionControl connection = response.connectionIfBuilt();
        return (moreData ? HTTP_SEND_RESPONSE_FLAG_MORE_DATA : 0)
                | (connection != null && connection.isDisconnect() ? HTTP_SEND_RESPONSE_FLAG_DISCONNECT : 0);
    }

    @Override
    public void setFlags(int flags) {
        if ((flags & HTTP_SEND_RESPONSE_FLAG_DISCONNECT) != 0) {
            context.getResponse().setNeedDisconnect();
        }
    }
}
