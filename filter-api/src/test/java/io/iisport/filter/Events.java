package io.iisport.filter;

import java.util.ArrayList;
import java.util.List;

/** What test modules and servlets did, in order, across threads. */
public final class Events {
    private static final List<String> EVENTS = new ArrayList<>();

    private Events() {
    }

    public static void add(String event) {
        synchronized (EVENTS) {
            EVENTS.add(event);
            EVENTS.notifyAll();
        }
    }

    public static List<String> all() {
        synchronized (EVENTS) {
            return new ArrayList<>(EVENTS);
        }
    }

    public static void clear() {
        synchronized (EVENTS) {
            EVENTS.clear();
        }
    }

    /** Waits until an event was recorded, so a test reads what a request's end (after the response) did. */
    public static void await(String event) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        synchronized (EVENTS) {
            while (!EVENTS.contains(event)) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new AssertionError("event '" + event + "' not recorded; recorded: " + EVENTS);
                }
                EVENTS.wait(left);
            }
        }
    }
}
