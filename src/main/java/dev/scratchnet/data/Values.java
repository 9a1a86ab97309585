package dev.scratchnet.data;

import java.util.Locale;
import java.util.Set;

/**
 * What a feature value or a label cell may hold, the same for every format (LibSVM fields, CSV cells, Parquet
 * columns, vector entries): a finite number. Each check throws {@link IllegalArgumentException} whose message
 * says what is wrong with the value; the caller puts the place in front (file, line, column or index).
 */
public final class Values {
    private Values() {}

    /** Spellings of NaN and infinity that people write, whatever Java's parser accepts ({@code nan}, {@code -Inf}, …). */
    private static final Set<String> NON_FINITE = Set.of("nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity",
            "+infinity", "-infinity", "infty");

    /**
     * The number {@code text} spells (surrounding white space ignored).
     *
     * @throws IllegalArgumentException when it is empty, not a number, NaN or infinite in any spelling, or beyond
     *     the range of a double
     */
    public static double parse(String text) {
        String t = text.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("is empty, not a number");
        }
        if (NON_FINITE.contains(t.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("'" + t + "' is not a finite number");
        }
        double d;
        try {
            d = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + t + "' is not a number");
        }
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("'" + t + "' is beyond the range of a double");
        }
        return d;
    }

    /**
     * The number a cell holds: a {@link Number}, or text spelling one ({@link #parse}).
     *
     * @throws IllegalArgumentException when the cell is null, not a number, or NaN or infinite
     */
    public static double number(Object cell) {
        if (cell == null) {
            throw new IllegalArgumentException("is missing (null)");
        }
        if (cell instanceof Number n) {
            double d = n.doubleValue();
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException(d + " is not a finite number");
            }
            return d;
        }
        if (cell instanceof CharSequence s) {
            return parse(s.toString());
        }
        throw new IllegalArgumentException("is a " + cell.getClass().getSimpleName() + " (" + cell + "), not a number");
    }

    /**
     * Checks a feature value as it will be cached and decoded: within single precision's range (blocks keep
     * values as floats unless every value is a byte), and still within it once multiplied by {@code scale}
     * ({@code data.scale}), so that it is finite in single and double precision alike.
     *
     * @throws IllegalArgumentException naming the value and what it becomes
     */
    public static void checkFeature(double value, double scale) {
        checkFeature(value, scale, null);
    }

    /** As {@link #checkFeature(double, double)}, naming the value as {@code written} when that is not null. */
    public static void checkFeature(double value, double scale, String written) {
        String v = written != null ? written.trim() : format(value);
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(v + " is not a finite number");
        }
        if (Math.abs(value) > Float.MAX_VALUE) {
            throw new IllegalArgumentException(v + " is beyond single precision's range (±3.4e38), in which features "
                    + "are cached");
        }
        double decoded = (float) value * scale;
        if (!(Math.abs(decoded) <= Float.MAX_VALUE)) {
            throw new IllegalArgumentException(v + " times data.scale " + format(scale) + " is beyond single "
                    + "precision's range (±3.4e38)");
        }
    }

    /**
     * A regression's label: the number a cell holds ({@link #number}).
     *
     * @throws IllegalArgumentException when it is missing, not a number or not finite
     */
    public static double target(Object cell) {
        try {
            return number(cell);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("label " + e.getMessage());
        }
    }

    /**
     * An example's weight: a finite number ≥ 0 in a cell.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static double weight(Object cell) {
        double w;
        try {
            w = number(cell);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("weight " + e.getMessage());
        }
        if (w < 0) {
            throw new IllegalArgumentException("weight " + format(w) + " is negative (weights are finite numbers ≥ 0)");
        }
        return w;
    }

    /** A value as people write it: no trailing {@code .0}. */
    public static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.valueOf((long) value) : String.valueOf(value);
    }
}
