package io.iisport.httpserv;

import java.util.Locale;

/**
 * The priority aliases of {@code httpserv.h} ({@code PRIORITY_ALIAS_FIRST} … {@code PRIORITY_ALIAS_LAST}) for
 * {@link IHttpModuleRegistrationInfo#setPriorityForRequestNotification(int, String)}.
 *
 * <p>Modules run in priority order, highest first; modules of equal priority run in configuration order. For
 * {@code RQ_SEND_RESPONSE} alone the whole order is inverted, as in IIS: the module that sees the request first
 * sees the response last.
 */
public final class PriorityAlias {
    /** Ports {@code PRIORITY_ALIAS_FIRST}. */
    public static final String PRIORITY_ALIAS_FIRST = "FIRST";
    /** Ports {@code PRIORITY_ALIAS_HIGH}. */
    public static final String PRIORITY_ALIAS_HIGH = "HIGH";
    /** Ports {@code PRIORITY_ALIAS_MEDIUM}, the default. */
    public static final String PRIORITY_ALIAS_MEDIUM = "MEDIUM";
    /** Ports {@code PRIORITY_ALIAS_LOW}. */
    public static final String PRIORITY_ALIAS_LOW = "LOW";
    /** Ports {@code PRIORITY_ALIAS_LAST}. */
    public static final String PRIORITY_ALIAS_LAST = "LAST";

    private PriorityAlias() {
    }

    /**
     * Returns the rank of an alias, 0 for {@code FIRST} to 4 for {@code LAST}; case is ignored, as IIS does.
     *
     * @param alias one of the {@code PRIORITY_ALIAS_*} values
     * @return its rank, lower runs earlier
     * @throws IllegalArgumentException naming the value if it is no alias
     */
    public static int rank(String alias) {
        if (alias != null) {
            switch (alias.trim().toUpperCase(Locale.ROOT)) {
                case PRIORITY_ALIAS_FIRST: return 0;
                case PRIORITY_ALIAS_HIGH: return 1;
                case PRIORITY_ALIAS_MEDIUM: return 2;
                case PRIORITY_ALIAS_LOW: return 3;
                case PRIORITY_ALIAS_LAST: return 4;
                default: break;
            }
        }
        throw new IllegalArgumentException("unknown priority alias '" + alias + "' (expected FIRST, HIGH, MEDIUM, LOW or LAST)");
    }
}
