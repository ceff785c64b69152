package io.iisport.sample.drain;

import jakarta.servlet.ServletContext;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The drain switch of a web application, shared by {@link DrainModule} and {@link DrainServlet} through the
 * servlet-context attribute {@value #ATTRIBUTE} (an {@link AtomicBoolean}, {@code true} while draining).
 */
public final class DrainSwitch {
    /** The servlet-context attribute holding the switch. */
    public static final String ATTRIBUTE = DrainSwitch.class.getName();

    private DrainSwitch() {
    }

    /**
     * Returns the switch of a web application, creating it (not draining) if needed.
     *
     * @param context the servlet context
     * @return the switch
     */
    public static AtomicBoolean of(ServletContext context) {
        synchronized (DrainSwitch.class) {
            Object value = context.getAttribute(ATTRIBUTE);
            if (value instanceof AtomicBoolean) {
                return (AtomicBoolean) value;
            }
            AtomicBoolean created = new AtomicBoolean();
            context.setAttribute(ATTRIBUTE, created);
            return created;
        }
    }
}
