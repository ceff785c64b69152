package io.iisport.filter;

import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.ModuleSettings;
import io.iisport.httpserv.RegisterModule;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads the configured modules at start-up: each class is instantiated and its {@code registerModule} called, in
 * configuration order, then {@code GL_APPLICATION_START} is raised. A failure terminates the modules registered so
 * far (the one rollback path; an application that did not start gets no {@code GL_APPLICATION_STOP}) and fails the
 * deployment naming the module.
 */
final class ModuleLoader {
    private ModuleLoader() {
    }

    /**
     * @return the pipeline of the registered modules
     * @throws ServletException naming the module entry and the reason when one cannot be loaded or registered
     */
    static ModulePipeline load(FilterSettings settings, ServletContext servletContext) throws ServletException {
        IHttpServer server = () -> servletContext;
        List<RegisteredModule> registered = new ArrayList<>();
        try {
            for (String moduleName : settings.moduleNames()) {
                registered.add(register(settings, moduleName, server));
            }
        } catch (ServletException | RuntimeException | Error e) {
            new ModulePipeline(registered, 0).terminate();
            throw e;
        }
        ModulePipeline pipeline = new ModulePipeline(registered, settings.responseBufferLimit(),
                settings.requestBodyLimit(), settings.pendingTimeout(), settings.filtersAround(),
                ContainerRules.of(servletContext));
        try {
            pipeline.globals.applicationStart(new WebApplication(servletContext));
        } catch (GlobalModules.StartFailure e) {
            pipeline.terminate();
            String moduleName = e.module.getName();
            throw failure(settings.filterName(), moduleName + "=" + settings.moduleClasses().get(moduleName),
                    "GL_APPLICATION_START failed: " + e.getCause(), e.getCause());
        }
        return pipeline;
    }

    private static RegisteredModule register(FilterSettings settings, String moduleName, IHttpServer server)
            throws ServletException {
        String filterName = settings.filterName();
        String className = settings.moduleClasses().get(moduleName);
        String entry = moduleName + "=" + className;
        ModuleSettings moduleSettings = new ModuleSettings(moduleName, settings.moduleSettings().get(moduleName));
        RegisteredModule module = new RegisteredModule(moduleName, moduleSettings);
        RegisterModule registerModule = instantiate(filterName, entry, className);
        try {
            registerModule.registerModule(IHttpServer.SERVER_VERSION, module, server);
        } catch (Exception | LinkageError e) {
            ServletException failure = FilterSettings.error(filterName, FilterSettings.MODULES, entry,
                    "registration failed: " + e.getMessage());
            failure.initCause(e);
            throw failure;
        }
        if (module.factory() == null && module.globalModule() == null) {
            throw FilterSettings.error(filterName, FilterSettings.MODULES, entry,
                    "its registerModule called neither setRequestNotifications nor setGlobalNotifications");
        }
        if (!moduleSettings.unreadNames().isEmpty()) {
            // Registered: the rollback terminates it with the others.
            String unread = moduleSettings.unreadNames().iterator().next();
            ServletException failure = FilterSettings.error(filterName, moduleName + "." + unread,
                    settings.moduleSettings().get(moduleName).get(unread),
                    "is unknown: module '" + moduleName + "' does not read a setting '" + unread + "'");
            try {
                if (module.factory() != null) {
                    module.factory().terminate();
                }
                if (module.globalModule() != null) {
                    module.globalModule().terminate();
                }
            } catch (RuntimeException | LinkageError e) {
                failure.addSuppressed(e);
            }
            throw failure;
        }
        return module;
    }

    private static RegisterModule instantiate(String filterName, String entry, String className)
            throws ServletException {
        Class<?> type;
        try {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            if (loader == null) {
                loader = ModuleLoader.class.getClassLoader();
            }
            type = Class.forName(className, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw failure(filterName, entry, "class " + className + " cannot be loaded: " + e, e);
        }
        if (!RegisterModule.class.isAssignableFrom(type)) {
            throw FilterSettings.error(filterName, FilterSettings.MODULES, entry, "class " + className
                    + " does not implement " + RegisterModule.class.getName());
        }
        try {
            return (RegisterModule) type.getConstructor().newInstance();
        } catch (NoSuchMethodException e) {
            throw FilterSettings.error(filterName, FilterSettings.MODULES, entry,
                    "class " + className + " has no public no-argument constructor");
        } catch (InvocationTargetException e) {
            throw failure(filterName, entry, "constructor of " + className + " failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw failure(filterName, entry, "class " + className + " cannot be instantiated: " + e, e);
        }
    }

    private static ServletException failure(String filterName, String entry, String reason, Throwable cause) {
        ServletException failure = FilterSettings.error(filterName, FilterSettings.MODULES, entry, reason);
        failure.initCause(cause);
        return failure;
    }
}
