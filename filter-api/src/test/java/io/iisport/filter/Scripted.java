package io.iisport.filter;

import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;

import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotification;
import io.iisport.httpserv.RequestNotificationStatus;
import jakarta.servlet.ServletContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test module whose notification methods run the steps its test scripted. Each {@link TestServer} keeps the
 * scripts of its modules, by module name, in its servlet context ({@link #ATTRIBUTE}); the module finds its own in
 * {@code registerModule} and subscribes to exactly the notifications scripted for it. It handles every notification
 * (see {@link EveryNotification}), so every scripted step runs; scripting a notification the filter never raises, a
 * post-notification {@code RQ_SEND_RESPONSE} does not have, or anything after the module registered, throws.
 */
public final class Scripted implements RegisterModule {
    /** The servlet context attribute holding the scripts of a server's modules, a {@code Map<String, Script>}. */
    public static final String ATTRIBUTE = Scripted.class.getName();

    /** What a module does in one notification. */
    public interface Step {
        RequestNotificationStatus run(IHttpContext context, IHttpEventProvider provider) throws Exception;
    }

    /** The steps of one named module, set before the server starts. */
    public static final class Script {
        private final String name;
        private final Map<Integer, Step> steps = new ConcurrentHashMap<>();
        private final Map<Integer, Step> postSteps = new ConcurrentHashMap<>();
        private volatile boolean registered;

        Script(String name) {
            this.name = name;
        }

        /** @return the module name, as declared in the filter's {@code modules} init-param */
        public String name() {
            return name;
        }

        /** @return the {@code modules} line that declares this module: {@code <name>=}{@link Scripted} */
        public String declaration() {
            return name + "=" + Scripted.class.getName();
        }

        /**
         * Sets what the module does for {@code notification} (one {@code RQ_*} value the filter raises).
         *
         * @throws IllegalArgumentException if the filter never raises {@code notification}
         * @throws IllegalStateException if the module has registered already (script before the server starts)
         */
        public Script on(int notification, Step step) {
            return put(steps, notification, step, false);
        }

        /**
         * Sets what the module does for the post-notification of {@code notification}.
         *
         * @throws IllegalArgumentException if the filter never raises {@code notification}, or it is
         *     {@code RQ_SEND_RESPONSE}, which has no post-notification
         * @throws IllegalStateException if the module has registered already
         */
        public Script onPost(int notification, Step step) {
            return put(postSteps, notification, step, true);
        }

        private Script put(Map<Integer, Step> into, int notification, Step step, boolean post) {
            Stage stage = Stage.of(notification);
            if (stage == null) {
                throw new IllegalArgumentException("the filter never raises " + RequestNotification.nameOf(notification)
                        + ": a step scripted for it would never run");
            }
            if (post && !stage.hasPost()) {
                throw new IllegalArgumentException(stage.describe(false) + " has no post-notification");
            }
            if (registered) {
                throw new IllegalStateException("module " + name + " registered already: script "
                        + stage.describe(post) + " before the server starts");
            }
            into.put(notification, step);
            return this;
        }

        private static int mask(Map<Integer, Step> steps) {
            return steps.keySet().stream().mapToInt(Integer::intValue).reduce(0, (a, b) -> a | b);
        }
    }

    /** @return the scripts of the modules of the server that runs {@code context}, created on first use */
    @SuppressWarnings("unchecked")
    static Map<String, Script> scripts(ServletContext context) {
        synchronized (context) {
            if (context.getAttribute(ATTRIBUTE) == null) {
                context.setAttribute(ATTRIBUTE, new ConcurrentHashMap<String, Script>());
            }
            return (Map<String, Script>) context.getAttribute(ATTRIBUTE);
        }
    }

    @Override
    public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
        Script script = scripts(globalInfo.getServletContext())
                .computeIfAbsent(moduleInfo.getName(), Script::new);
        script.registered = true;
        int mask = Script.mask(script.steps);
        int postMask = Script.mask(script.postSteps);
        // A module with nothing to do still subscribes, to RQ_SEND_RESPONSE, so that it can be listed and the servlet
        // gets the filter's objects (their path is what such tests are about; see DirectHandler for the other).
        moduleInfo.setRequestNotifications(() -> new Module(script),
                (mask | postMask) == 0 ? RequestNotification.RQ_SEND_RESPONSE : mask, postMask);
    }

    private static final class Module extends EveryNotification {
        private final Script script;

        Module(Script script) {
            this.script = script;
        }

        @Override
        protected RequestNotificationStatus on(int notification, boolean post, IHttpContext context,
                IHttpEventProvider provider) {
            Step step = (post ? script.postSteps : script.steps).get(notification);
            if (step == null) {
                return RQ_NOTIFICATION_CONTINUE;
            }
            try {
                return step.run(context, provider);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
