package io.iisport.filter;

import static io.iisport.httpserv.RequestNotification.RQ_SEND_RESPONSE;

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
    /** The notifications the filter raises, OR-ed. */
    private static final int RAISED;

    static {
        int raised = 0;
        for (int i = 0; i < Notifications.COUNT; i++) {
            raised |= Notifications.mask(i);
        }
        RAISED = raised;
    }

    private final String name;
    private final ModuleSettings settings;
    private final int[] ranks = new int[Notifications.COUNT];
    private IHttpModuleFactory factory;
    private int requestMask;
    private int postMask;

    RegisteredModule(String name, ModuleSettings settings) {
        this.name = name;
        this.settings = settings;
        Arrays.fill(ranks, PriorityAlias.rank(PriorityAlias.PRIORITY_ALIAS_MEDIUM));
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public ModuleSettings getSettings() {
        return settings;
    }

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
        checkKnownBits(requestNotifications);
        checkKnownBits(postRequestNotifications);
        this.factory = moduleFactory;
        this.requestMask = requestNotifications & RAISED;
        this.postMask = postRequestNotifications & RAISED;
    }

    private static void checkKnownBits(int mask) {
        for (int bit = 0; bit < 32; bit++) {
            int value = 1 << bit;
            if ((mask & value) != 0) {
                RequestNotification.nameOf(value); // throws for an unknown bit
            }
        }
    }

    @Override
    public void setPriorityForRequestNotification(int requestNotification, String priority) {
        int rank = PriorityAlias.rank(priority);
        int index = Notifications.indexOf(requestNotification);
        if (index >= 0) {
            ranks[index] = rank;
        }
    }

    IHttpModuleFactory factory() {
        return factory;
    }

    boolean subscribes(int index, boolean post) {
        return ((post ? postMask : requestMask) & Notifications.mask(index)) != 0;
    }

    int rank(int index) {
        return ranks[index];
    }

    @Override
    public String toString() {
        return name;
    }
}
