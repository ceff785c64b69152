package io.iisport.filter;

import jakarta.servlet.ServletContext;
import java.util.ArrayList;
import java.util.List;

/**
 * What test modules and servlets did, in order, across threads: one log per server. A {@link TestServer} owns one and
 * puts it in its servlet context, where modules find it with {@link #of(ServletContext)} in {@code registerModule}.
 */
public final class Events {
    /** The servlet context attribute that holds a server's event log. */
    public static final String ATTRIBUTE = Events.class.getName();

    private final List<String> events = new ArrayList<>();

    /**
     * @return the event log of the server that runs {@code context}
     * @throws IllegalStateException if the context holds none (the module runs on a server that is not a
     *     {@link TestServer} and did not {@link #install} one)
     */
    public static Events of(ServletContext context) {
        if (context.getAttribute(ATTRIBUTE) instanceof Events events) {
            return events;
        }
        throw new IllegalStateException("no event log in servlet context '" + context.getContextPath()
                + "': install one with Events.install or run on a TestServer");
    }

    /** Puts a new event log in {@code context} and returns it. */
    public static Events install(ServletContext context) {
        Events events = new Events();
        context.setAttribute(ATTRIBUTE, events);
        return events;
    }

    public void add(String event) {
        synchronized (events) {
            events.add(event);
            events.notifyAll();
        }
    }

    public List<String> all() {
        synchronized (events) {
            return new ArrayList<>(events);
        }
    }

    public void clear() {
        synchronized (events) {
            events.clear();
        }
    }

    /** Waits until an event was recorded, so a test reads what a request's end (after the response) did. */
    public void await(String event) throws InterruptedException {
        await(event, 1);
    }

    /**
     * Waits, at most 10 s, until an event was recorded {@code times} times (by as many requests).
     *
     * @throws AssertionError if it was not, naming what was recorded
     */
    public void await(String event, int times) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        synchronized (events) {
            while (events.stream().filter(event::equals).count() < times) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new AssertionError("event '" + event + "' not recorded " + times + " times; recorded: "
                            + events);
                }
                events.wait(left);
            }
        }
    }
}
