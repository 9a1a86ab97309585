package dev.scratchnet.config;

import dev.scratchnet.ScratchnetException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Validated values for a known list of {@link Setting}s, every one of them set (to its default when not
 * given). Immutable: {@link #with} returns a new configuration.
 *
 * <p>A component reads what it owns with {@link #get}; asking for a setting this configuration does not
 * know is a programming error ({@link IllegalArgumentException}). It also knows which settings were given
 * ({@link #isSet}): a default may adapt to the data (a batch larger than a small table), a value the user gave
 * never silently does.
 */
public final class Configuration {
    private final List<Setting<?>> settings;
    private final Map<Setting<?>, Object> values;
    private final Set<Setting<?>> given;

    private Configuration(List<Setting<?>> settings, Map<Setting<?>, Object> values, Set<Setting<?>> given) {
        this.settings = settings;
        this.values = values;
        this.given = Set.copyOf(given);
    }

    /** Every setting at its default. */
    public static Configuration defaults(List<Setting<?>> settings) {
        Map<Setting<?>, Object> values = new LinkedHashMap<>();
        Map<String, Setting<?>> byKey = new LinkedHashMap<>();
        for (Setting<?> s : settings) {
            if (byKey.put(s.key(), s) != null) {
                throw new IllegalArgumentException("setting " + s.key() + " declared twice");
            }
            values.put(s, s.defaultValue());
        }
        return new Configuration(List.copyOf(settings), values, Set.of());
    }

    /**
     * Reads the {@code spark.scratchnet.*} keys of {@code properties} (other keys are ignored) over the
     * defaults, in key order, so the first bad key reported is always the same.
     *
     * @throws ScratchnetException naming the first unknown or bad key
     */
    public static Configuration parse(List<Setting<?>> settings, Map<String, String> properties) {
        Configuration c = defaults(settings);
        Map<Setting<?>, Object> values = new LinkedHashMap<>(c.values);
        Set<Setting<?>> given = new HashSet<>();
        for (Map.Entry<String, String> e : new TreeMap<>(properties).entrySet()) {
            if (!e.getKey().startsWith(Setting.PREFIX)) {
                continue;
            }
            Setting<?> s = c.byKey(e.getKey());
            if (s == null) {
                throw new ScratchnetException(e.getKey() + ": unknown setting" + c.suggestion(e.getKey()));
            }
            values.put(s, s.parse(e.getValue()));
            given.add(s);
        }
        return new Configuration(c.settings, values, given);
    }

    /** The value of {@code setting}. */
    public <T> T get(Setting<T> setting) {
        if (!values.containsKey(setting)) {
            throw new IllegalArgumentException(setting.key() + " is not a setting of this configuration");
        }
        return setting.cast(values.get(setting));
    }

    /** A copy with {@code setting} set (given) to {@code value}, validated as if it had been written in a conf file. */
    public <T> Configuration with(Setting<T> setting, T value) {
        get(setting);
        Map<Setting<?>, Object> copy = new LinkedHashMap<>(values);
        copy.put(setting, setting.validate(value));
        return new Configuration(settings, copy, plus(setting));
    }

    /** A copy with {@code setting} parsed from {@code text} (and given). */
    public Configuration withText(Setting<?> setting, String text) {
        get(setting);
        Map<Setting<?>, Object> copy = new LinkedHashMap<>(values);
        copy.put(setting, setting.parse(text));
        return new Configuration(settings, copy, plus(setting));
    }

    /** A copy where {@code setting} has {@code value} as a default would: not given. */
    public <T> Configuration withDefault(Setting<T> setting, T value) {
        get(setting);
        Map<Setting<?>, Object> copy = new LinkedHashMap<>(values);
        copy.put(setting, setting.validate(value));
        Set<Setting<?>> g = new HashSet<>(given);
        g.remove(setting);
        return new Configuration(settings, copy, g);
    }

    /** Whether {@code setting} was given (in a conf file, on the command line, as a Param), rather than defaulted. */
    public boolean isSet(Setting<?> setting) {
        return given.contains(setting);
    }

    private Set<Setting<?>> plus(Setting<?> setting) {
        Set<Setting<?>> g = new HashSet<>(given);
        g.add(setting);
        return g;
    }

    /** The settings this configuration holds, in declaration order. */
    public List<Setting<?>> settings() {
        return settings;
    }

    /** The setting with the full key {@code key}, or null. */
    public Setting<?> byKey(String key) {
        for (Setting<?> s : settings) {
            if (s.key().equals(key)) {
                return s;
            }
        }
        return null;
    }

    /** Every setting's text form by full key, in declaration order (for run logs and summary.json). */
    public Map<String, String> effective() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Setting<?> s : settings) {
            m.put(s.key(), text(s));
        }
        return Collections.unmodifiableMap(m);
    }

    /** The settings that define the trajectory (a resume must match them), by full key. */
    public Map<String, String> trajectory() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Setting<?> s : settings) {
            if (s.isTrajectory()) {
                m.put(s.key(), text(s));
            }
        }
        return m;
    }

    /** The text form of the value of {@code setting}. */
    public <T> String text(Setting<T> setting) {
        return setting.format(get(setting));
    }

    private String suggestion(String key) {
        String name = key.substring(Setting.PREFIX.length());
        for (Setting<?> s : settings) {
            if (s.name().equalsIgnoreCase(name)) {
                return " (did you mean " + s.key() + "?)";
            }
        }
        List<String> names = new ArrayList<>();
        for (Setting<?> s : settings) {
            names.add(s.name());
        }
        return " (known: " + String.join(", ", names) + ")";
    }

    /**
     * The README's tables: one per group, {@code | setting | Param | meaning | default | valid values |}, in
     * declaration order; the Param column names the estimator's Param of the setting (empty when it has none).
     */
    public static String markdownTables(List<Setting<?>> settings) {
        StringBuilder sb = new StringBuilder();
        for (Setting.Group g : Setting.Group.values()) {
            List<Setting<?>> inGroup = settings.stream().filter(s -> s.group() == g).toList();
            if (inGroup.isEmpty()) {
                continue;
            }
            sb.append(sb.length() == 0 ? "" : "\n").append("**").append(capitalize(g.title())).append("**\n\n")
                    .append("| setting | Param | meaning | default | valid values |\n|---|---|---|---|---|\n");
            for (Setting<?> s : inGroup) {
                String def = s.defaultText();
                sb.append("| `").append(s.key()).append("` | ").append(s.isParam() ? "`" + s.paramName() + "`" : "")
                        .append(" | ").append(escape(s.doc())).append(" | ")
                        .append(def.isEmpty() ? "(empty)" : "`" + def + "`").append(" | ").append(escape(s.valid()))
                        .append(" |\n");
            }
        }
        return sb.toString();
    }

    private static String escape(String text) {
        return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
