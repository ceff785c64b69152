package io.iisport.httpserv;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link IHttpModuleContextContainer} of a request or an application: contexts kept per module id until
 * {@link #release()} calls each one's {@code cleanupStoredContext()}.
 */
public final class ModuleContextContainer implements IHttpModuleContextContainer {
    private final Map<Object, IHttpStoredContext> contexts = new ConcurrentHashMap<>();

    @Override
    public IHttpStoredContext getModuleContext(Object moduleId) {
        return moduleId == null ? null : contexts.get(moduleId);
    }

    @Override
    public void setModuleContext(IHttpStoredContext storedContext, Object moduleId) {
        Objects.requireNonNull(storedContext, "storedContext");
        Objects.requireNonNull(moduleId, "moduleId");
        if (contexts.putIfAbsent(moduleId, storedContext) != null) {
            throw new IllegalStateException("a context is already stored for module " + moduleId);
        }
    }

    /**
     * Empties the container, calling each stored context's {@code cleanupStoredContext()}.
     *
     * @return the failures of the cleanups, for the caller to log; empty if none failed
     */
    public List<RuntimeException> release() {
        List<RuntimeException> failures = new ArrayList<>();
        for (Object moduleId : List.copyOf(contexts.keySet())) {
            IHttpStoredContext context = contexts.remove(moduleId);
            if (context != null) {
                try {
                    context.cleanupStoredContext();
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }
        }
        return failures;
    }
}
