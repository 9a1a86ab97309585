package dev.scratchnet.data;

import java.util.Arrays;

/**
 * One line of LibSVM text, {@code label index:value index:value …}, as LIBSVM and Spark's reader define it:
 * fields separated by spaces or tabs, indices from 1 and strictly ascending, blank lines and lines starting
 * with {@code #} skipped. Every problem is an {@link IllegalArgumentException} whose message names the field
 * as the file writes it ({@code index 5: 'abc' is not a number}); the caller puts the file and line in front.
 */
public final class LibSvm {
    private LibSvm() {}

    /**
     * A parsed line.
     *
     * @param label   the first field, a class index
     * @param indices the feature indices as written (from 1), ascending
     * @param values  the values at those indices, each checked with {@link Values#checkFeature}
     */
    public record Line(int label, int[] indices, double[] values) {
        /** The largest index (the width this line needs), or 0 for a line with no features. */
        public int maxIndex() {
            return indices.length == 0 ? 0 : indices[indices.length - 1];
        }

        /** Whether every value is an integer in 0 … 255 (a block of such values is cached as bytes). */
        public boolean bytes() {
            for (double v : values) {
                if (!(v >= 0 && v <= 255 && v == Math.rint(v))) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Whether {@code text} is a line to read (not blank, not a {@code #} comment). */
    public static boolean isRecord(String text) {
        String t = text.trim();
        return !t.isEmpty() && t.charAt(0) != '#';
    }

    /**
     * Parses a record line ({@link #isRecord}); values are checked as features scaled by {@code scale}.
     *
     * @throws IllegalArgumentException saying which field is wrong and why
     */
    public static Line parse(String text, double scale) {
        String[] fields = text.trim().split("[ \t]+");
        int label = Labels.classIndex(fields[0], 0);
        int n = fields.length - 1;
        int[] indices = new int[n];
        double[] values = new double[n];
        int previous = 0;
        for (int k = 0; k < n; k++) {
            String field = fields[k + 1];
            int colon = field.indexOf(':');
            if (colon <= 0 || colon == field.length() - 1 || field.indexOf(':', colon + 1) >= 0) {
                throw new IllegalArgumentException("field " + (k + 2) + " '" + field + "' is not index:value");
            }
            String indexText = field.substring(0, colon);
            long index;
            try {
                index = Long.parseLong(indexText);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("field " + (k + 2) + " '" + field + "': index '" + indexText
                        + "' is not an integer");
            }
            if (index < 1) {
                throw new IllegalArgumentException("index " + index + ": LibSVM indices start at 1");
            }
            if (index > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("index " + index + " is beyond what an array holds (2^31)");
            }
            if (index == previous) {
                throw new IllegalArgumentException("index " + index + " appears twice");
            }
            if (index < previous) {
                throw new IllegalArgumentException("index " + index + " after index " + previous
                        + ": indices must be in ascending order");
            }
            double value;
            try {
                String written = field.substring(colon + 1);
                value = Values.parse(written);
                Values.checkFeature(value, scale, written);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("index " + index + ": " + e.getMessage());
            }
            indices[k] = (int) index;
            values[k] = value;
            previous = (int) index;
        }
        return new Line(label, indices, values);
    }

    /** The line's values at indices {@code 0 … width − 1} (index {@code i} as written goes to {@code i − 1}). */
    public static int[] zeroBased(int[] indices) {
        int[] z = Arrays.copyOf(indices, indices.length);
        for (int k = 0; k < z.length; k++) {
            z[k]--;
        }
        return z;
    }
}
