package io.iisport.filter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The {@link VarHandle} of a class's own field, for per-request state changed atomically without an
 * {@code AtomicReference} object per request.
 */
final class FieldHandles {
    private FieldHandles() {
    }

    /**
     * @param lookup the lookup of the class that declares the field ({@code MethodHandles.lookup()} there)
     * @param name the field's name
     * @param type the field's type
     * @return the field's handle
     * @throws ExceptionInInitializerError if the class has no such field (a programming error, found when the class
     *     is first used)
     */
    static VarHandle of(MethodHandles.Lookup lookup, String name, Class<?> type) {
        try {
            return lookup.findVarHandle(lookup.lookupClass(), name, type);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
