package io.iisport.filter;

import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_FINISH_REQUEST;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_PENDING;

import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.ISendResponseProvider;
import io.iisport.httpserv.RequestNotificationStatus;
import java.lang.System.Logger.Level;

/**
 * Calls one request's modules: makes them, raises each notification to its subscribers in the pipeline's order,
 * waits on {@code RQ_NOTIFICATION_PENDING}, turns a module's failure into the failure handler's response, and
 * disposes them. The one place a module method is called.
 */
final class ModuleNotifier {
    private static final System.Logger LOG = System.getLogger(ModuleNotifier.class.getName());

    private final ModulePipeline pipeline;
    private final IHttpContext context;
    private final PendingCompletion pending;
    private final ConnectionControl connection;
    /** What a module's failure does to the response (a 500, or a reset once committed). */
    private final Runnable onModuleFailure;
    private final CHttpModule[] modules;
    private final SendResponseProvider provider = new SendResponseProvider();
    /** A module returned FINISH_REQUEST or failed: only SEND_RESPONSE, LOG_REQUEST and END_REQUEST still run. */
    private boolean finishRequested;

    ModuleNotifier(ModulePipeline pipeline, IHttpContext context, PendingCompletion pending,
            ConnectionControl connection, Runnable onModuleFailure) {
        this.pipeline = pipeline;
        this.context = context;
        this.pending = pending;
        this.connection = connection;
        this.onModuleFailure = onModuleFailure;
        this.modules = new CHttpModule[pipeline.modules.length];
    }

    /** @return whether a module finished the request (or failed): the remaining stages and the handler are skipped */
    boolean finishRequested() {
        return finishRequested;
    }

    /** A global module answered the request in {@code GL_PRE_BEGIN_REQUEST}, or failed there: as FINISH_REQUEST. */
    void finishRequest() {
        finishRequested = true;
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

    /** Raises a stage: its notification, then, unless a module finished it, its post-notification. */
    void raise(Stage stage, boolean guaranteed) {
        if (raiseNotification(stage, false, guaranteed) && stage.hasPost()) {
            raiseNotification(stage, true, guaranteed);
        }
    }

    /**
     * Calls the subscribed modules of one notification in order.
     *
     * @param guaranteed LOG_REQUEST and END_REQUEST: neither a failure nor FINISH_REQUEST stops the request's others
     * @return {@code false} if a module finished the notification
     */
    boolean raiseNotification(Stage stage, boolean post, boolean guaranteed) {
        for (int m : pipeline.order(stage, post)) {
            if (modules[m] != null && call(stage, post, m, guaranteed) == RQ_NOTIFICATION_FINISH_REQUEST) {
                if (!guaranteed) {
                    finishRequested = true;
                }
                return false;
            }
        }
        return true;
    }

    /** Raises {@code RQ_SEND_RESPONSE} for a send of the response. */
    void raiseSendResponse(boolean headersBeingSent, boolean moreData) {
        provider.headersBeingSent = headersBeingSent;
        provider.moreData = moreData;
        raiseNotification(Stage.SEND_RESPONSE, false, false);
    }

    private RequestNotificationStatus call(Stage stage, boolean post, int m, boolean guaranteed) {
        provider.error = null;
        pending.accept();
        try {
            RequestNotificationStatus status = stage.invoke(post, modules[m], context, provider);
            if (status == RQ_NOTIFICATION_PENDING) {
                status = pending.await();
            }
            if (status == null) {
                throw new IllegalStateException("returned no RequestNotificationStatus");
            }
            if (provider.error != null) {
                throw provider.error;
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
            pending.close();
        }
    }

    private void moduleFailed(int m, String where, Throwable e) {
        var request = context.getServletRequest();
        LOG.log(Level.ERROR, "iisport module '" + pipeline.modules[m].getName() + "' failed in " + where + " for "
                + request.getMethod() + " " + HttpSyntax.printable(request.getRequestURI()), e);
        finishRequested = true;
        onModuleFailure.run();
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

    /** The provider handed to every notification; for {@code RQ_SEND_RESPONSE} it tells about the send. */
    private final class SendResponseProvider implements ISendResponseProvider {
        boolean headersBeingSent;
        boolean moreData;
        Throwable error;

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
            return (moreData ? HTTP_SEND_RESPONSE_FLAG_MORE_DATA : 0)
                    | (connection.isDisconnect() ? HTTP_SEND_RESPONSE_FLAG_DISCONNECT : 0);
        }

        @Override
        public void setFlags(int flags) {
            if ((flags & HTTP_SEND_RESPONSE_FLAG_DISCONNECT) != 0) {
                context.getResponse().setNeedDisconnect();
            }
        }
    }
}
