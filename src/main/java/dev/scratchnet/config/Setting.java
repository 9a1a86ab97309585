package dev.scratchnet.config;

import dev.scratchnet.ScratchnetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One setting, declared once: the Spark property {@code spark.scratchnet.<name>}, its value type, default,
 * validation, the valid values as users read them, and a one-line doc.
 *
 * <p>Everything else is derived from the declaration: parsing a conf file or {@code --conf} value (with a
 * one-line error naming the key), the effective-configuration dump, the README's table, whether the setting
 * must match when a checkpoint is resumed ({@link #trajectory()}), and the Spark ML {@code Param} of the
 * estimator ({@link #param()}, typed by {@link #kind()}).
 *
 * @param <T> the value type: Integer, Long, Double, Boolean, String, a {@link Choice} enum, a list of
 *     integers, or a value class with its own text form
 */
public final class Setting<T> {
    /** The prefix of every scratchnet property, Spark's convention for third-party settings. */
    public static final String PREFIX = "spark.scratchnet.";

    /** Who owns a setting; the README lists settings by group, in this order. */
    public enum Group {
        DATA("data"),
        NETWORK("network"),
        TRAINING("training: optimizer, schedule, stopping"),
        ENGINE("the Spark engine"),
        OUTPUT("outputs, checkpoints, resume");

        private final String title;

        Group(String title) {
            this.title = title;
        }

        public String title() {
            return title;
        }
    }

    /** The shape of a value, which decides the type of the derived Spark ML Param. */
    public enum Kind { INT, LONG, DOUBLE, BOOLEAN, TEXT, INT_LIST }

    /** Text to value; throws {@link IllegalArgumentException} whose message says what is wrong. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(String text);
    }

    private final Group group;
    private final String name;
    private final Kind kind;
    private final T defaultValue;
    private final Parser<T> parser;
    private final Function<T, String> formatter;
    private final String valid;
    private final String doc;
    private final boolean trajectory;
    private final boolean param;
    /** The Param's name when it is not the setting's name in camel case (MLlib's name for the same thing). */
    private final String paramAlias;

    private Setting(Group group, String name, Kind kind, T defaultValue, Parser<T> parser,
                    Function<T, String> formatter, String valid, String doc, boolean trajectory, boolean param) {
        this(group, name, kind, defaultValue, parser, formatter, valid, doc, trajectory, param, null);
    }

    private Setting(Group group, String name, Kind kind, T defaultValue, Parser<T> parser,
                    Function<T, String> formatter, String valid, String doc, boolean trajectory, boolean param,
                    String paramAlias) {
        this.group = group;
        this.name = name;
        this.kind = kind;
        this.defaultValue = defaultValue;
        this.parser = parser;
        this.formatter = formatter;
        this.valid = valid;
        this.doc = doc;
        this.trajectory = trajectory;
        this.param = param;
        this.paramAlias = paramAlias;
    }

    // ---- declarations -------------------------------------------------------------------------------

    /** An integer in {@code [min, max]}. */
    public static Setting<Integer> integer(Group group, String name, int defaultValue, int min, int max, String doc) {
        return new Setting<>(group, name, Kind.INT, defaultValue,
                text -> (int) ValueText.parseInteger(text, min, max), String::valueOf, ValueText.range(min, max), doc, false, false);
    }

    /** {@code auto} (held as 0: the program decides) or an integer in {@code [min, max]}, {@code min ≥ 1}. */
    public static Setting<Integer> integerOrAuto(Group group, String name, int min, int max, String doc) {
        Parser<Integer> parser = text -> text.equalsIgnoreCase("auto") ? 0 : (int) ValueText.parseInteger(text, min, max);
        return new Setting<>(group, name, Kind.INT, 0, parser, v -> v == 0 ? "auto" : String.valueOf(v),
                "auto or " + ValueText.range(min, max), doc, false, false);
    }

    /** A 64-bit integer in {@code [min, max]}. */
    public static Setting<Long> longInteger(Group group, String name, long defaultValue, long min, long max, String doc) {
        return new Setting<>(group, name, Kind.LONG, defaultValue,
                text -> ValueText.parseInteger(text, min, max), String::valueOf, ValueText.range(min, max), doc, false, false);
    }

    /**
     * A finite decimal number with {@code check} for its range: {@code check} throws
     * {@link IllegalArgumentException} saying what is wrong; {@code valid} says it to users.
     */
    public static Setting<Double> decimal(Group group, String name, double defaultValue, String valid,
                                          java.util.function.DoubleConsumer check, String doc) {
        Parser<Double> parser = text -> {
            double v;
            try {
                v = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number");
            }
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("not a finite number");
            }
            check.accept(v);
            return v;
        };
        return new Setting<>(group, name, Kind.DOUBLE, defaultValue, parser, ValueText::formatDouble, valid, doc,
                false, false);
    }

    /**
     * {@code auto} (held as {@code NaN}: the program decides from the data) or a finite decimal number with
     * {@code check} for its range.
     */
    public static Setting<Double> decimalOrAuto(Group group, String name, String valid,
                                                java.util.function.DoubleConsumer check, String doc) {
        Setting<Double> number = decimal(group, name, 0, valid, check, doc);
        Parser<Double> parser = text -> text.equalsIgnoreCase("auto") ? Double.NaN : number.parser.parse(text);
        return new Setting<>(group, name, Kind.DOUBLE, Double.NaN, parser,
                v -> Double.isNaN(v) ? "auto" : ValueText.formatDouble(v), "auto or " + valid, doc, false, false);
    }

    /** {@code true} or {@code false}. */
    public static Setting<Boolean> bool(Group group, String name, boolean defaultValue, String doc) {
        Parser<Boolean> parser = text -> switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("not true or false");
        };
        return new Setting<>(group, name, Kind.BOOLEAN, defaultValue, parser, String::valueOf, "true | false", doc,
                false, false);
    }

    /** One of the constants of {@code type}, by {@link Choice#id()} (any case). */
    public static <E extends Enum<E> & Choice> Setting<E> choice(Group group, String name, Class<E> type,
                                                               E defaultValue, String doc) {
        Parser<E> parser = text -> {
            try {
                return Choice.parse(type, text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown " + ValueText.splitCamel(name));
            }
        };
        return new Setting<>(group, name, Kind.TEXT, defaultValue, parser, Choice::id, Choice.ids(type), doc, false, false);
    }

    /** Free text; {@code check} throws {@link IllegalArgumentException} for a bad value. */
    public static Setting<String> text(Group group, String name, String defaultValue, String valid,
                                       java.util.function.Consumer<String> check, String doc) {
        Parser<String> parser = text -> {
            check.accept(text);
            return text;
        };
        return new Setting<>(group, name, Kind.TEXT, defaultValue, parser, Function.identity(), valid, doc, false, false);
    }

    /** A value with its own text form ({@code parser} and {@code formatter} must round-trip). */
    public static <T> Setting<T> custom(Group group, String name, T defaultValue, Parser<T> parser,
                                        Function<T, String> formatter, String valid, String doc) {
        return new Setting<>(group, name, Kind.TEXT, defaultValue, parser, formatter, valid, doc, false, false);
    }

    /** A comma list of integers, each in {@code [min, max]}, at least one. */
    public static Setting<List<Integer>> integerList(Group group, String name, List<Integer> defaultValue, int min,
                                                     int max, String valid, String doc) {
        Parser<List<Integer>> parser = text -> {
            List<Integer> values = new ArrayList<>();
            for (String part : text.split(",", -1)) {
                String p = part.trim();
                if (!p.matches("[+-]?[0-9_]+")) {
                    throw new IllegalArgumentException("not a comma list of integers");
                }
                values.add((int) ValueText.parseInteger(p, min, max));
            }
            return List.copyOf(values);
        };
        Function<List<Integer>, String> formatter = list -> list.stream().map(String::valueOf).collect(Collectors.joining(","));
        return new Setting<>(group, name, Kind.INT_LIST, List.copyOf(defaultValue), parser, formatter, valid, doc,
                false, false);
    }

    /** This setting, marked as one that defines the training trajectory: a resume must match it. */
    public Setting<T> trajectory() {
        return new Setting<>(group, name, kind, defaultValue, parser, formatter, valid, doc, true, param, paramAlias);
    }

    /** This setting, exposed as a Spark ML Param of the estimator. */
    public Setting<T> param() {
        return new Setting<>(group, name, kind, defaultValue, parser, formatter, valid, doc, trajectory, true, paramAlias);
    }

    /** This setting, exposed as the Param {@code paramName}: MLlib's name for the same thing (e.g. {@code stepSize}). */
    public Setting<T> param(String paramName) {
        return new Setting<>(group, name, kind, defaultValue, parser, formatter, valid, doc, trajectory, true, paramName);
    }

    /** This setting with another valid-values text (when the generated one says less than the truth). */
    public Setting<T> valid(String text) {
        return new Setting<>(group, name, kind, defaultValue, parser, formatter, text, doc, trajectory, param, paramAlias);
    }


    // ---- use ----------------------------------------------------------------------------------------

    /** The full property key, e.g. {@code spark.scratchnet.batchSize}. */
    public String key() {
        return PREFIX + name;
    }

    /** The key without the prefix, e.g. {@code batchSize} or {@code checkpoint.dir}. */
    public String name() {
        return name;
    }

    /**
     * The Spark ML Param name: MLlib's name where MLlib has the same thing ({@code stepSize} for
     * {@code learningRate}), else the name in camel case without dots, e.g. {@code checkpointDir}.
     */
    public String paramName() {
        if (paramAlias != null) {
            return paramAlias;
        }
        StringBuilder sb = new StringBuilder();
        boolean upper = false;
        for (char c : name.toCharArray()) {
            if (c == '.') {
                upper = true;
            } else {
                sb.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return sb.toString();
    }

    public Group group() {
        return group;
    }

    public Kind kind() {
        return kind;
    }

    public T defaultValue() {
        return defaultValue;
    }

    /** The default's text form, as a conf file would write it. */
    public String defaultText() {
        return format(defaultValue);
    }

    /** The valid values as users read them, e.g. {@code 1 .. 10} or {@code sgd | momentum}. */
    public String valid() {
        return valid;
    }

    /** One line: what the setting does. */
    public String doc() {
        return doc;
    }

    /** Whether a resumed run must have the same value as the checkpoint. */
    public boolean isTrajectory() {
        return trajectory;
    }

    /** Whether the estimator exposes this setting as a Param. */
    public boolean isParam() {
        return param;
    }

    /**
     * Parses and validates {@code text} (trimmed).
     *
     * @throws ScratchnetException one line: {@code <key>: <what is wrong>, got '<text>' (valid: <valid>)}
     */
    public T parse(String text) {
        String t = text.trim();
        try {
            return Objects.requireNonNull(parser.parse(t));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ScratchnetException(key() + ": " + e.getMessage() + ", got '" + t + "' (valid: " + valid + ")");
        }
    }

    /** The text form of {@code value}, which {@link #parse} reads back. */
    public String format(T value) {
        return formatter.apply(value);
    }

    /** Checks a value that did not come from text (a Spark ML Param, a program) by formatting and parsing it. */
    public T validate(T value) {
        return parse(format(value));
    }

    /** {@code value} as this setting's type, or a {@link ClassCastException}. */
    @SuppressWarnings("unchecked")
    public T cast(Object value) {
        return (T) value;
    }

    @Override
    public String toString() {
        return key();
    }
}
