package io.iisport.filter;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * The registered modules of one filter and, for every notification, the order in which they run: priority, then
 * configuration order, the whole order inverted for {@code RQ_SEND_RESPONSE} (IIS). Built once at start-up;
 * read-only and shared by all requests afterwards.
 */
final class ModulePipeline implements RequestSuspension.Timer {
    private static final System.Logger LOG = System.getLogger(ModulePipeline.class.getName());
    private static final int[] NONE = new int[0];

    final RegisteredModule[] modules;
    /** The modules' {@code CGlobalModule}s and the global notifications. */
    final GlobalModules globals;
    final int responseBufferLimit;
    /** The most bytes of a request body modules may read or insert. */
    final long requestBodyLimit;
    /**
     * How long a PENDING may stay uncompleted, in milliseconds; 0 for no limit, -1 for the container's async timeout
     * (see {@link FilterSettings#PENDING_TIMEOUT}).
     */
    final long pendingTimeout;
    /** Whether application filters run around the module filter, for a module's PENDING. */
    final FilterSettings.FiltersAround filtersAround;
    /**
     * The request attribute that finds this pipeline's running request on an async dispatch, where the container
     * hands the filter its own request (set only once a servlet starts async).
     */
    final String runningAttribute = ModulePipeline.class.getName() + ".running@" + Integer.toHexString(
            System.identityHashCode(this));
    /** For each stage (by ordinal), the module indexes to call, in order. */
    private final int[][] pre = new int[Stage.values().length][];
    private final int[][] post = new int[Stage.values().length][];
    /** For each section (by ordinal), the indexes of its notifications some module is subscribed to, ascending. */
    private final int[][] subscribedInSection = new int[Stage.Section.values().length][];
    /**
     * Whether a module is subscribed to a notification raised once the handler started and before the response is
     * sent (the stages after the handler, {@code RQ_SEND_RESPONSE}): only then can a module see or change what the
     * servlet writes before the client gets it, and only then must the servlet get the filter's request and response
     * (see {@link DirectHandler}). {@code RQ_LOG_REQUEST} and {@code RQ_END_REQUEST} come once the response was sent
     * (IIS sends it before them): their modules read the response as the container has it, and change nothing of it.
     */
    final boolean editsHandlerOutput;
    /** Whether a module is subscribed to LOG_REQUEST or END_REQUEST, where it reads the response the client gets. */
    final boolean readsSentResponse;
    /** The container's rules where containers differ (see {@link ContainerRules}). */
    final ContainerRules containerRules;
    /** Runs suspensions' own timeouts ({@link #schedule}): made at the first need, stopped by {@link #terminate}. */
    private ScheduledThreadPoolExecutor pendingTimer;
    private boolean terminated;

    /** A pipeline with the default limits and no container's own rules (for a failed load's cleanup, and tests). */
    ModulePipeline(List<RegisteredModule> modules, int responseBufferLimit) {
        this(modules, responseBufferLimit, FilterSettings.DEFAULT_REQUEST_BODY_LIMIT,
                FilterSettings.CONTAINER_ASYNC_TIMEOUT, FilterSettings.FiltersAround.AUTO, ContainerRules.OTHER);
    }

    ModulePipeline(List<RegisteredModule> modules, int responseBufferLimit, long requestBodyLimit,
            long pendingTimeout, FilterSettings.FiltersAround filtersAround,
            ContainerRules containerRules) {
        this.containerRules = containerRules;
        this.modules = modules.toArray(new RegisteredModule[0]);
        this.globals = new GlobalModules(this.modules);
        this.responseBufferLimit = responseBufferLimit;
        this.requestBodyLimit = requestBodyLimit;
        this.pendingTimeout = pendingTimeout;
        this.filtersAround = filtersAround;
        for (Stage stage : Stage.values()) {
            pre[stage.ordinal()] = sortedSubscribers(stage, false);
            post[stage.ordinal()] = stage.hasPost() ? sortedSubscribers(stage, true) : NONE;
        }
        for (Stage.Section section : Stage.Section.values()) {
            subscribedInSection[section.ordinal()] = IntStream.range(0, section.size())
                    .filter(i -> order(section.stage(i), section.post(i)).length > 0).toArray();
        }
        this.editsHandlerOutput = pre[Stage.SEND_RESPONSE.ordinal()].length > 0
                || subscribedIn(Stage.Section.AFTER_HANDLER).length > 0;
        this.readsSentResponse = subscribedIn(Stage.Section.FINAL).length > 0;
    }

    /**
     * @return the longest wait of a request's thread for a PENDING's completion, in nanoseconds; 0 for no limit
     */
    long pendingWaitNanos() {
        long millis = pendingTimeout == FilterSettings.CONTAINER_ASYNC_TIMEOUT ? FilterSettings.DEFAULT_PENDING_WAIT
                : pendingTimeout;
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /**
     * @return the indexes (see {@link Stage.Section#stage}) of the section's notifications some module is subscribed
     *     to, ascending; the others are skipped without a look
     */
    int[] subscribedIn(Stage.Section section) {
        return subscribedInSection[section.ordinal()];
    }

    private int[] sortedSubscribers(Stage stage, boolean isPost) {
        List<Integer> subscribed = new ArrayList<>();
        for (int m = 0; m < modules.length; m++) {
            if (modules[m].subscribes(stage, isPost)) {
                subscribed.add(m);
            }
        }
        // Stable: equal priority keeps configuration order.
        subscribed.sort(Comparator.comparingInt(m -> modules[m].rank(stage)));
        if (stage == Stage.SEND_RESPONSE) {
            Collections.reverse(subscribed);
        }
        return subscribed.stream().mapToInt(Integer::intValue).toArray();
    }

    /** @return the module indexes to call for a notification, in order; never {@code null} */
    int[] order(Stage stage, boolean isPost) {
        return isPost ? post[stage.ordinal()] : pre[stage.ordinal()];
    }

    /**
     * Runs {@code timeOut} in {@code millis} ms on the pipeline's timer thread (one daemon thread, started at the first
     * call).
     */
    @Override
    public synchronized Future<?> schedule(Runnable timeOut, long millis) {
        if (terminated) {
            return null;
        }
        if (pendingTimer == null) {
            pendingTimer = new ScheduledThreadPoolExecutor(1, run -> {
                Thread thread = new Thread(run, "iisport-pending-timeout");
                thread.setDaemon(true);
                return thread;
            });
            pendingTimer.setRemoveOnCancelPolicy(true);
        }
        return pendingTimer.schedule(timeOut, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Calls every factory's and global module's {@code terminate()}, logging failures with the module's name, and
     * stops the timer. (On filter destroy, {@link GlobalModules#applicationStop()} comes first.)
     */
    void terminate() {
        ScheduledThreadPoolExecutor timer;
        synchronized (this) {
            terminated = true;
            timer = pendingTimer;
        }
        if (timer != null) {
            timer.shutdownNow();
            try {
                // Gone before the container looks for threads the web application left running.
                timer.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (RegisteredModule module : modules) {
            if (module.factory() != null) {
                try {
                    module.factory().terminate();
                } catch (RuntimeException | LinkageError e) {
                    LOG.log(Level.WARNING, "iisport module '" + module.getName() + "': terminate() failed", e);
                }
            }
            GlobalModules.terminate(module);
        }
    }
}
