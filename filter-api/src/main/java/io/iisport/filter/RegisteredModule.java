package io.iisport.filter;

import static io.iisport.httpserv.RequestNotification.RQ_SEND_RESPONSE;

import io.iisport.httpserv.CGlobalModule;
import io.iisport.httpserv.GlobalNotification;
import io.iisport.httpserv.IHttpModuleFactory;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.ModuleSettings;
import io.iisport.httpserv.PriorityAlias;
import io.iisport.httpserv.RequestNotification;
import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of the filter's {@code modules} list: what its {@code RegisterModule} subscribed. It is the
 * {@link IHttpModuleRegistrationInfo} during registration and read-only afterwards.
 */
final class RegisteredModule implements IHttpModuleRegistrationInfo {
    private final String name;
    private final ModuleSettings settings;
    /** {@code HTTP_MODULE_ID}: compared by identity. */
    private final Object id = new Object() {
        @Override
        public String toString() {
            return "'" + name + "'";
        }
    };
    /** Priority rank per stage (by ordinal): lower runs first. */
    private final int[] ranks = new int[Stage.values().length];
    private IHttpModuleFactory factory;
    private int requestMask;
    private int postMask;
    private CGlobalModule globalModule;
    private int globalMask;
    /** Priority rank per global notification bit (by bit index): lower runs first. */
    private final int[] globalRanks = new int[32];

    RegisteredModule(String name, ModuleSettings settings) {
        this.name = name;
        this.settings = settings;
        Arrays.fill(ranks, PriorityAlias.rank(PriorityAlias.PRIORITY_ALIAS_MEDIUM));
        Arrays.fill(globalRanks, PriorityAlias.rank(PriorityAlias.PRIORITY_ALIAS_MEDIUM));
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public Object getId() {
        return id;
    }

    @Override
    public ModuleSettings getSettings() {
        return settings;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if a mask names no notification, an unknown bit, or a notification the
     *     filter never raises ({@code RQ_READ_ENTITY}, {@code RQ_MAP_PATH}, {@code RQ_CUSTOM_NOTIFICATION}), or
     *     {@code RQ_SEND_RESPONSE} as a post-notification
     * @throws IllegalStateException if the module already subscribed
     */
    @Override
    public void setRequestNotifications(IHttpModuleFactory moduleFactory, int requestNotifications,
            int postRequestNotifications) {
        Objects.requireNonNull(moduleFactory, "moduleFactory");
        if (factory != null) {
            throw new IllegalStateException("module '" + name + "' already subscribed a factory");
        }
        if (requestNotifications == 0 && postRequestNotifications == 0) {
            throw new IllegalArgumentException("module '" + name + "' subscribed to no notification");
        }
        if ((postRequestNotifications & RQ_SEND_RESPONSE) != 0) {
            throw new IllegalArgumentException("RQ_SEND_RESPONSE has no post-notification");
        }
        checkRaised(requestNotifications);
        checkRaised(postRequestNotifications);
        this.factory = moduleFactory;
        this.requestMask = requestNotifications;
        this.postMask = postRequestNotifications;
    }

    private void checkRaised(int mask) {
        for (int bit = 0; bit < 32; bit++) {
            int value = 1 << bit;
            if ((mask & value) != 0 && (Stage.RAISED_MASK & value) == 0) {
                throw new IllegalArgumentException(RequestNotification.nameOf(value) + " is never raised by the "
                        + "iisport filter (it has no servlet equivalent), so module '" + name
                        + "' cannot subscribe to it");
            }
        }
    }

    @Override
    public void setPriorityForRequestNotification(int requestNotification, String priority) {
        int rank = PriorityAlias.rank(priority);
        Stage stage = Stage.of(requestNotification);
        if (stage != null) {
            ranks[stage.ordinal()] = rank;
        }
    }

    @Override
    public void setGlobalNotifications(CGlobalModule module, int globalNotifications) {
        Objects.requireNonNull(module, "globalModule");
        if (globalModule != null) {
            throw new IllegalStateException("module '" + name + "' already subscribed a global module");
        }
        if (globalNotifications == 0) {
            throw new IllegalArgumentException("module '" + name + "' subscribed its global module to no notification");
        }
        for (int bit = 0; bit < 32; bit++) {
            int value = 1 << bit;
            if ((globalNotifications & value) != 0) {
                checkGlobalRaised(value);
            }
        }
        this.globalModule = module;
        this.globalMask = globalNotifications;
    }

    /** @throws IllegalArgumentException naming the notification if it is unknown or never raised by the filter */
    private void checkGlobalRaised(int notification) {
        String notificationName = GlobalNotification.nameOf(notification);
        if ((GlobalNotification.RAISED & notification) == 0) {
            throw new IllegalArgumentException(notificationName + " is never raised by the iisport filter (a "
                    + "worker-process, cache, configuration or tracing event with no servlet meaning), so module '"
                    + name + "' cannot register for it");
        }
    }

    @Override
    public void setPriorityForGlobalNotification(int globalNotification, String priority) {
        int rank = PriorityAlias.rank(priority);
        checkGlobalRaised(globalNotification);
        globalRanks[Integer.numberOfTrailingZeros(globalNotification)] = rank;
    }

    /** @return the request-module factory, or {@code null} for a module with global notifications only */
    IHttpModuleFactory factory() {
        return factory;
    }

    /** @return the global module, or {@code null} for a module with request notifications only */
    CGlobalModule globalModule() {
        return globalModule;
    }

    boolean subscribesGlobal(int notification) {
        return (globalMask & notification) != 0;
    }

    int globalRank(int notification) {
        return globalRanks[Integer.numberOfTrailingZeros(notification)];
    }

    boolean subscribes(Stage stage, boolean post) {
        return ((post ? postMask : requestMask) & stage.mask) != 0;
    }

    int rank(Stage stage) {
        return ranks[stage.ordinal()];
    }

    @Override
    public String toString() {
        return name;
    }
}
