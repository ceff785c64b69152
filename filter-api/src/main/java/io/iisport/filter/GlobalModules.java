package io.iisport.filter;

import static io.iisport.httpserv.GlobalNotification.GL_APPLICATION_START;
import static io.iisport.httpserv.GlobalNotification.GL_APPLICATION_STOP;
import static io.iisport.httpserv.GlobalNotification.GL_PRE_BEGIN_REQUEST;
import static io.iisport.httpserv.GlobalNotificationStatus.GL_NOTIFICATION_HANDLED;

import io.iisport.httpserv.CGlobalModule;
import io.iisport.httpserv.GlobalNotification;
import io.iisport.httpserv.GlobalNotificationStatus;
import io.iisport.httpserv.IHttpApplication;
import io.iisport.httpserv.IHttpApplicationStartProvider;
import io.iisport.httpserv.IHttpApplicationStopProvider;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IPreBeginRequestProvider;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The filter's global modules ({@code CGlobalModule}) and the three global notifications the filter raises, each to
 * its subscribers in priority order, then configuration order: {@code GL_APPLICATION_START} when the filter starts,
 * {@code GL_APPLICATION_STOP} when it is destroyed, {@code GL_PRE_BEGIN_REQUEST} before each request's modules.
 * {@code GL_NOTIFICATION_HANDLED} stops the notification; the one place a global module method is called.
 */
final class GlobalModules {
    private static final System.Logger LOG = System.getLogger(GlobalModules.class.getName());

    /** How {@code GL_PRE_BEGIN_REQUEST} ended for a request. */
    enum Outcome {
        /** Every subscriber continued: the request enters the pipeline. */
        CONTINUE,
        /** A module returned {@code GL_NOTIFICATION_HANDLED}: it answered the request. */
        HANDLED,
        /** A module failed (logged): the request gets a 500. */
        FAILED
    }

    /** A global module failed in {@code GL_APPLICATION_START}: the deployment fails naming it. */
    static final class StartFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final transient RegisteredModule module;

        StartFailure(RegisteredModule module, Throwable cause) {
            super("module '" + module.getName() + "' failed in GL_APPLICATION_START: " + cause, cause);
            this.module = module;
        }
    }

    private final RegisteredModule[] start;
    private final RegisteredModule[] stop;
    private final RegisteredModule[] preBeginRequest;
    /** The application once started: {@code GL_APPLICATION_STOP} is raised only for a started application. */
    private volatile IHttpApplication started;

    GlobalModules(RegisteredModule[] modules) {
        this.start = subscribers(modules, GL_APPLICATION_START);
        this.stop = subscribers(modules, GL_APPLICATION_STOP);
        this.preBeginRequest = subscribers(modules, GL_PRE_BEGIN_REQUEST);
    }

    private static RegisteredModule[] subscribers(RegisteredModule[] modules, int notification) {
        List<RegisteredModule> subscribed = new ArrayList<>();
        for (RegisteredModule module : modules) {
            if (module.subscribesGlobal(notification)) {
                subscribed.add(module);
            }
        }
        // Stable: equal priority keeps configuration order.
        subscribed.sort(Comparator.comparingInt(m -> m.globalRank(notification)));
        return subscribed.toArray(new RegisteredModule[0]);
    }

    /**
     * The provider of one global notification call: the application (start, stop) or the request's context
     * (pre-begin-request), and what the module reported through {@code SetErrorStatus}.
     */
    private static final class Provider implements IHttpApplicationStartProvider, IHttpApplicationStopProvider,
            IPreBeginRequestProvider {
        private final IHttpApplication application;
        private final IHttpContext context;
        private Throwable error;

        Provider(IHttpApplication application, IHttpContext context) {
            this.application = application;
            this.context = context;
        }

        @Override
        public IHttpApplication getApplication() {
            return application;
        }

        @Override
        public IHttpContext getHttpContext() {
            return context;
        }

        @Override
        public void setErrorStatus(Throwable error) {
            this.error = error == null ? new IllegalStateException("setErrorStatus(null)") : error;
        }
    }

    /**
     * Calls one module; returns its status, or throws what it threw or reported.
     *
     * @throws Throwable the module's failure, {@code VirtualMachineError}s included (the caller rethrows those)
     */
    private static GlobalNotificationStatus call(RegisteredModule module, Provider provider,
            BiFunction<CGlobalModule, Provider, GlobalNotificationStatus> method) throws Throwable {
        GlobalNotificationStatus status = method.apply(module.globalModule(), provider);
        if (provider.error != null) {
            throw provider.error;
        }
        if (status == null) {
            throw new IllegalStateException("returned no GlobalNotificationStatus");
        }
        return status;
    }

    /**
     * Raises {@code GL_APPLICATION_START}: the filter starts, after every module registered.
     *
     * @throws StartFailure naming the first module that failed; the later ones are not called
     */
    void applicationStart(IHttpApplication application) throws StartFailure {
        started = application;
        for (RegisteredModule module : start) {
            try {
                if (call(module, new Provider(application, null), CGlobalModule::onGlobalApplicationStart)
                        == GL_NOTIFICATION_HANDLED) {
                    return;
                }
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                started = null;
                throw new StartFailure(module, e);
            }
        }
    }

    /** Raises {@code GL_APPLICATION_STOP} if the application started: a failure is logged, the others still stop. */
    void applicationStop() {
        IHttpApplication application = started;
        started = null;
        if (application == null) {
            return;
        }
        for (RegisteredModule module : stop) {
            try {
                if (call(module, new Provider(application, null), CGlobalModule::onGlobalApplicationStop)
                        == GL_NOTIFICATION_HANDLED) {
                    return;
                }
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                LOG.log(Level.ERROR, "iisport module '" + module.getName() + "' failed in GL_APPLICATION_STOP", e);
            }
        }
    }

    /** @return whether a module subscribed to {@code GL_PRE_BEGIN_REQUEST} */
    boolean hasPreBeginRequest() {
        return preBeginRequest.length > 0;
    }

    /** Raises {@code GL_PRE_BEGIN_REQUEST} for a request, before its request modules; a failure is logged. */
    Outcome preBeginRequest(IHttpContext context) {
        for (RegisteredModule module : preBeginRequest) {
            try {
                if (call(module, new Provider(null, context), CGlobalModule::onGlobalPreBeginRequest)
                        == GL_NOTIFICATION_HANDLED) {
                    return Outcome.HANDLED;
                }
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                var request = context.getServletRequest();
                LOG.log(Level.ERROR, "iisport module '" + module.getName() + "' failed in "
                        + GlobalNotification.nameOf(GL_PRE_BEGIN_REQUEST) + " for " + request.getMethod() + " "
                        + HttpSyntax.printable(request.getRequestURI()), e);
                return Outcome.FAILED;
            }
        }
        return Outcome.CONTINUE;
    }

    /** Calls the module's global module's {@code terminate()}, if it has one, logging a failure with its name. */
    static void terminate(RegisteredModule module) {
        if (module.globalModule() == null) {
            return;
        }
        try {
            module.globalModule().terminate();
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "iisport module '" + module.getName() + "': the global module's terminate() failed",
                    e);
        }
    }
}
