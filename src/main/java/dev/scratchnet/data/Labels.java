package dev.scratchnet.data;

import dev.scratchnet.ScratchnetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Class labels: the one place where a label is read and checked, whatever holds it (an IDX label byte, a LibSVM
 * line's first field, a table's label cell), and where the classes a data set has are counted and described.
 *
 * <p>A label is a class index {@code 0 … K−1} written as a number ({@code 3} or {@code 3.0}). K is fixed by the
 * format (MNIST: 10), declared by the label column's metadata (after {@code StringIndexer}), or one more than
 * the largest label.
 */
public final class Labels {
    private Labels() {}

    /** The largest number of classes a data set may have. */
    public static final int MAX_CLASSES = 1_000_000;

    /**
     * The class index a label cell holds (a {@link Number} or text spelling one), below {@code classes} when that
     * is known (&gt; 0).
     *
     * @throws IllegalArgumentException saying what is wrong with the label (the caller names the place)
     */
    public static int classIndex(Object cell, int classes) {
        double d;
        try {
            d = Values.number(cell);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("label " + e.getMessage()
                    + (e.getMessage().endsWith("is not a number") ? " (index text labels with StringIndexer)" : ""));
        }
        return classIndex(d, classes);
    }

    /** As {@link #classIndex(Object, int)}, for a label already read as a number. */
    public static int classIndex(double label, int classes) {
        if (!Double.isFinite(label) || label < 0 || label != Math.rint(label) || label >= MAX_CLASSES) {
            throw new IllegalArgumentException("label " + Values.format(label) + " is not a class index (an integer 0 … K-1)");
        }
        int k = (int) label;
        if (classes > 0 && k >= classes) {
            throw new IllegalArgumentException("label " + k + " is outside 0 … " + (classes - 1));
        }
        return k;
    }

    /**
     * Checks IDX label bytes against the classes of the format: {@code labels[i]} is record
     * {@code firstRecord + i} of {@code file} (records counted from 1, as a reader counts them).
     *
     * @throws ScratchnetException naming the file, the record and the label
     */
    public static void checkIdx(byte[] labels, long firstRecord, int classes, Object file) {
        for (int i = 0; i < labels.length; i++) {
            int v = labels[i] & 0xFF;
            if (v >= classes) {
                throw new ScratchnetException(file + ": record " + (firstRecord + i) + ": label " + v
                        + " is outside 0 … " + (classes - 1) + " (" + classes + " classes)");
            }
        }
    }

    /**
     * How many examples each class has: {@code counts[k]} for class indices {@code 0 … counts.length − 1}; none
     * (an empty array) when some label is not a class index, as a regression's are not.
     */
    public static long[] count(double[] labels, int count) {
        int max = -1;
        for (int i = 0; i < count; i++) {
            double l = labels[i];
            if (!(l >= 0 && l < MAX_CLASSES && l == Math.rint(l))) {
                return new long[0];
            }
            max = Math.max(max, (int) l);
        }
        long[] counts = new long[max + 1];
        for (int i = 0; i < count; i++) {
            counts[(int) labels[i]]++;
        }
        return counts;
    }

    /** {@code a + b}, element by element, as long as the longer one. */
    public static long[] add(long[] a, long[] b) {
        long[] sum = new long[Math.max(a.length, b.length)];
        for (int k = 0; k < sum.length; k++) {
            sum[k] = (k < a.length ? a[k] : 0) + (k < b.length ? b[k] : 0);
        }
        return sum;
    }

    /** The log line of a training set's classes: {@code classes: 10 (0: 5923, 1: 6742, …)}, at most 20 listed. */
    public static String describe(int classes, long[] counts) {
        StringBuilder sb = new StringBuilder("classes: ").append(classes).append(" (");
        int shown = Math.min(classes, 20);
        for (int k = 0; k < shown; k++) {
            sb.append(k == 0 ? "" : ", ").append(k).append(": ").append(k < counts.length ? counts[k] : 0);
        }
        return sb.append(shown < classes ? ", …)" : ")").toString();
    }

    /**
     * The warning for classes with no training examples ({@code classes 3 … 9 have no training examples …}), or
     * null when every class has some.
     */
    public static String emptyClassesWarning(int classes, long[] counts) {
        List<int[]> runs = new ArrayList<>();
        int empty = 0;
        for (int k = 0; k < classes; k++) {
            if (k >= counts.length || counts[k] == 0) {
                empty++;
                if (!runs.isEmpty() && runs.get(runs.size() - 1)[1] == k - 1) {
                    runs.get(runs.size() - 1)[1] = k;
                } else {
                    runs.add(new int[] {k, k});
                }
            }
        }
        if (empty == 0) {
            return null;
        }
        StringBuilder names = new StringBuilder();
        for (int[] r : runs) {
            names.append(names.length() == 0 ? "" : ", ").append(r[0] == r[1] ? String.valueOf(r[0])
                    : r[0] + (r[1] == r[0] + 1 ? ", " : " … ") + r[1]);
        }
        return String.format(Locale.ROOT, "warning: %s %s %s no training examples (the network has %d classes, "
                        + "one per index 0 … %d up to the largest label; labels must be class indices 0 … K-1)",
                empty == 1 ? "class" : "classes", names, empty == 1 ? "has" : "have", classes, classes - 1);
    }
}
