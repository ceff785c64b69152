package io.iisport.httpserv;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The settings of one module: the filter init-params named {@code <module name>.<setting>}, standing for the
 * configuration section an IIS module reads (for example {@code DynamicIpRestriction.denyAction}).
 *
 * <p>A value that cannot be read as asked fails with an {@link IllegalArgumentException} naming the init-param, the
 * value and what was expected, which the filter turns into a failed deployment. The settings remember which names
 * were read, so that a misspelt setting is reported instead of ignored.
 */
public final class ModuleSettings {
    private final String moduleName;
    private final Map<String, String> values;
    private final Set<String> read = Collections.synchronizedSet(new TreeSet<>());

    /**
     * Makes the settings of a module.
     *
     * @param moduleName the module's name, the prefix of its init-params
     * @param values setting name (without the prefix) to raw value
     */
    public ModuleSettings(String moduleName, Map<String, String> values) {
        this.moduleName = moduleName;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * Returns a setting as text, trimmed.
     *
     * @param name the setting name
     * @param defaultValue what to return when the setting is absent
     * @return the value or the default
     */
    public String get(String name, String defaultValue) {
        read.add(name);
        String value = values.get(name);
        return value == null ? defaultValue : value.trim();
    }

    /**
     * Returns a whole-number setting.
     *
     * @param name the setting name
     * @param defaultValue what to return when the setting is absent
     * @param min the smallest accepted value
     * @param max the largest accepted value
     * @return the value or the default
     * @throws IllegalArgumentException if the value is not a number between {@code min} and {@code max}
     */
    public long getLong(String name, long defaultValue, long min, long max) {
        String value = get(name, null);
        if (value == null) {
            return defaultValue;
        }
        long number;
        try {
            number = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw invalid(name, value, "expected a whole number");
        }
        if (number < min || number > max) {
            throw invalid(name, value, "expected a number from " + min + " to " + max);
        }
        return number;
    }

    /**
     * Returns a {@code true}/{@code false} setting (case-insensitive).
     *
     * @param name the setting name
     * @param defaultValue what to return when the setting is absent
     * @return the value or the default
     * @throws IllegalArgumentException if the value is neither {@code true} nor {@code false}
     */
    public boolean getBoolean(String name, boolean defaultValue) {
        String value = get(name, null);
        if (value == null) {
            return defaultValue;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw invalid(name, value, "expected true or false");
    }

    /**
     * Returns a setting naming one constant of an enum, matched case-insensitively.
     *
     * @param name the setting name
     * @param type the enum
     * @param defaultValue what to return when the setting is absent
     * @param <E> the enum type
     * @return the constant or the default
     * @throws IllegalArgumentException if the value names no constant
     */
    public <E extends Enum<E>> E getEnum(String name, Class<E> type, E defaultValue) {
        String value = get(name, null);
        if (value == null) {
            return defaultValue;
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value)) {
                return constant;
            }
        }
        List<String> names = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            names.add(constant.name());
        }
        throw invalid(name, value, "expected one of " + String.join(", ", names));
    }

    /**
     * Returns a list setting: items separated by commas or line breaks, trimmed, empty items dropped.
     *
     * @param name the setting name
     * @return the items, empty when the setting is absent
     */
    public List<String> getList(String name) {
        String value = get(name, null);
        if (value == null) {
            return List.of();
        }
        List<String> items = new ArrayList<>();
        for (String item : value.split("[,\\r\\n]")) {
            String trimmed = item.trim();
            if (!trimmed.isEmpty()) {
                items.add(trimmed);
            }
        }
        return List.copyOf(items);
    }

    /**
     * Makes the exception for a setting whose value is wrong, naming the init-param, the value and the reason.
     *
     * @param name the setting name
     * @param value the wrong value
     * @param reason what was expected
     * @return the exception to throw
     */
    public IllegalArgumentException invalid(String name, String value, String reason) {
        return new IllegalArgumentException(
                "init-param '" + moduleName + "." + name + "' has value '" + value + "': " + reason);
    }

    /** @return the module's name */
    public String getModuleName() {
        return moduleName;
    }

    /** @return the names of the settings present, read or not */
    public Set<String> names() {
        return values.keySet();
    }

    /** @return the names of present settings the module has not read, in order */
    public Set<String> unreadNames() {
        Set<String> unread = new LinkedHashSet<>(values.keySet());
        synchronized (read) {
            unread.removeAll(read);
        }
        return unread;
    }

    @Override
    public String toString() {
        return "ModuleSettings[" + moduleName + values.keySet() + "]";
    }
}
