package dev.scratchnet.partition;

import dev.scratchnet.data.ImageSet;
import dev.scratchnet.math.Matrix;
import dev.scratchnet.math.Precision;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The examples one partition holds, stacked row-major ({@code count × features}) as compactly as their values
 * allow: one unsigned byte a value when every value is an integer in 0 … 255 (MNIST's 60,000 images are 47 MB,
 * against 376 MB as doubles), else one float. A byte decodes through a 256-entry table (the book's {@code x / 255}
 * for images, or {@code x · scale}); a float is multiplied by {@code scale}. Decoding happens per minibatch, into
 * the precision the network computes in. Each example has a label (a class index, or the value a regression
 * predicts) and a weight (1 unless the data gives one).
 *
 * <p>A block does not know where it sits in the data set: its partition's global start position comes with each
 * job, so blocks can be built on executors in one pass, before anyone has counted the examples of earlier
 * partitions. The in-process oracle uses the whole data set as one block at start 0, so both run exactly the same
 * arithmetic for their share of a step. Executors stack a partition's rows with an {@link ExampleBlockBuilder}.
 */
public final class ExampleBlock implements Serializable {
    private static final long serialVersionUID = 3L;
    /** The book's {@code normalize=True}: byte {@code i} means {@code i / 255}. */
    public static final double[] PIXELS = pixels();

    private final int partition;
    private final int count;
    private final int features;
    private final byte[] bytes;
    private final double[] byteValues;
    private final float[] floats;
    private final double scale;
    private final double[] labels;
    /** Null when every weight is 1. */
    private final float[] weights;

    private ExampleBlock(int partition, int count, int features, byte[] bytes, double[] byteValues, float[] floats,
                         double scale, double[] labels, float[] weights) {
        if (labels.length != count || (weights != null && weights.length != count)
                || (bytes != null ? bytes.length : floats.length) != (long) count * features) {
            throw new IllegalArgumentException(count + " examples of " + features + " values do not fit the arrays");
        }
        this.partition = partition;
        this.count = count;
        this.features = features;
        this.bytes = bytes;
        this.byteValues = byteValues;
        this.floats = floats;
        this.scale = scale;
        this.labels = labels;
        this.weights = weights;
    }

    /**
     * Examples whose values are bytes, byte {@code b} meaning {@code byteValues[b & 0xFF]}; arrays taken over;
     * {@code weights} null for weights of 1.
     */
    public static ExampleBlock ofBytes(int partition, int count, int features, byte[] bytes, double[] byteValues,
                                       double[] labels, float[] weights) {
        return new ExampleBlock(partition, count, features, bytes, byteValues, null, 1.0, labels, weights);
    }

    /** Examples whose values are {@code floats[i] · scale}; arrays taken over; {@code weights} null for weights of 1. */
    public static ExampleBlock ofFloats(int partition, int count, int features, float[] floats, double scale,
                                        double[] labels, float[] weights) {
        return new ExampleBlock(partition, count, features, null, null, floats, scale, labels, weights);
    }

    /** The whole data set as one block of partition 0, pixels decoding as the book's {@code x / 255} (pixels shared). */
    public static ExampleBlock whole(ImageSet data) {
        double[] labels = new double[data.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = data.label(i);
        }
        return ofBytes(0, data.size(), data.features(), data.pixels(), PIXELS, labels, null);
    }

    /** The data identity of examples of {@code features} values whose {@link #digest} is {@code digest}. */
    public static String identity(long count, int features, long digest) {
        return count + " examples x " + features + " features, digest " + String.format("%016x", digest);
    }

    private static double[] pixels() {
        double[] t = new double[256];
        for (int b = 0; b < 256; b++) {
            t[b] = ImageSet.scaled((byte) b);
        }
        return t;
    }

    /** {@code [from, to)} ranges cutting {@code n} examples into {@code parts} near-equal contiguous pieces. */
    public static List<int[]> ranges(int n, int parts) {
        List<int[]> ranges = new ArrayList<>(parts);
        for (int p = 0; p < parts; p++) {
            ranges.add(new int[] {(int) ((long) n * p / parts), (int) ((long) n * (p + 1) / parts)});
        }
        return ranges;
    }

    /** The partition this block was built for. */
    public int partition() {
        return partition;
    }

    public int count() {
        return count;
    }

    public int features() {
        return features;
    }

    /** Whether some example has a weight other than 1. */
    public boolean isWeighted() {
        return weights != null;
    }

    /** The largest label, or -1 for an empty block. */
    public double maxLabel() {
        double max = -1;
        for (double l : labels) {
            max = Math.max(max, l);
        }
        return max;
    }

    /** The count, sum and sum of squares of this block's labels, for a regression's {@code Standardization}. */
    public double[] labelMoments() {
        double sum = 0;
        double squares = 0;
        for (int i = 0; i < count; i++) {
            sum += labels[i];
            squares += labels[i] * labels[i];
        }
        return new double[] {count, sum, squares};
    }

    /** How many examples of each class this block holds: {@code counts[k]} for labels {@code 0 … maxLabel()}. */
    public long[] labelCounts() {
        return dev.scratchnet.data.Labels.count(labels, count);
    }

    /** Bytes held by this block's arrays. */
    public long bytes() {
        return (bytes != null ? (long) bytes.length : 4L * floats.length) + 8L * labels.length
                + (weights == null ? 0 : 4L * weights.length);
    }

    /**
     * The examples' rows {@code rows} (local row numbers) decoded into a new {@code rows.length × features} matrix:
     * a byte through its table's value, a float times the scale, each rounded once to {@code precision}.
     */
    public Matrix rows(int[] rows, Precision precision) {
        return rows(rows, precision, null);
    }

    /**
     * {@link #rows(int[], Precision)} in {@code scratch}'s array for rows when it has one (every element of the result
     * is written; the matrix is a view of that array, valid until its next use), else in a new one.
     */
    public Matrix rows(int[] rows, Precision precision, ShareScratch scratch) {
        int n = Math.multiplyExact(rows.length, features);
        if (precision == Precision.SINGLE) {
            float[] x = scratch == null ? new float[n] : scratch.floatRows(rows.length, features);
            if (bytes != null) {
                float[] table = new float[256];
                for (int b = 0; b < 256; b++) {
                    table[b] = (float) byteValues[b];
                }
                for (int r = 0; r < rows.length; r++) {
                    int src = rows[r] * features;
                    int dst = r * features;
                    for (int f = 0; f < features; f++) {
                        x[dst + f] = table[bytes[src + f] & 0xFF];
                    }
                }
            } else {
                for (int r = 0; r < rows.length; r++) {
                    int src = rows[r] * features;
                    int dst = r * features;
                    for (int f = 0; f < features; f++) {
                        x[dst + f] = (float) (floats[src + f] * scale);
                    }
                }
            }
            return Matrix.of(x.length / features, features, x).view(0, rows.length, features);
        }
        double[] x = scratch == null ? new double[n] : scratch.doubleRows(rows.length, features);
        for (int r = 0; r < rows.length; r++) {
            int src = rows[r] * features;
            int dst = r * features;
            if (bytes != null) {
                for (int f = 0; f < features; f++) {
                    x[dst + f] = byteValues[bytes[src + f] & 0xFF];
                }
            } else {
                for (int f = 0; f < features; f++) {
                    x[dst + f] = floats[src + f] * scale;
                }
            }
        }
        return Matrix.of(x.length / features, features, x).view(0, rows.length, features);
    }

    /** The labels of local rows {@code rows}, in order. */
    public double[] labels(int[] rows) {
        double[] t = new double[rows.length];
        for (int r = 0; r < rows.length; r++) {
            t[r] = labels[rows[r]];
        }
        return t;
    }

    /** The weights of local rows {@code rows}, or null when every weight is 1. */
    public double[] weights(int[] rows) {
        if (weights == null) {
            return null;
        }
        double[] w = new double[rows.length];
        for (int r = 0; r < rows.length; r++) {
            w[r] = weights[rows[r]];
        }
        return w;
    }

    /** Local row numbers of the examples of {@code batch} (global positions) in {@code [start, start + count)}, in order. */
    public int[] share(int[] batch, int start) {
        int n = 0;
        for (int g : batch) {
            if (g >= start && g - start < count) {
                n++;
            }
        }
        int[] local = new int[n];
        int i = 0;
        for (int g : batch) {
            if (g >= start && g - start < count) {
                local[i++] = g - start;
            }
        }
        return local;
    }

    /** The base of {@link #digest}'s polynomial: odd, so that multiplying by it loses nothing mod 2^64. */
    private static final long DIGEST_BASE = 0x9E3779B97F4A7C15L;

    /**
     * A 64-bit digest of this block's examples in order (values as stored, labels and weights): the polynomial
     * {@code Σ h(row r)·B^(count−1−r)} mod 2^64. It composes over concatenation ({@link #combine}), so the digest of
     * a data set does not depend on how it is partitioned. Unweighted integer labels hash as they always have, so a
     * checkpoint's recorded digest stays valid.
     */
    public long digest() {
        long h = 0;
        for (int r = 0; r < count; r++) {
            long row = 0xcbf29ce484222325L; // FNV-1a over the row's stored values, then its label
            int from = r * features;
            for (int f = 0; f < features; f++) {
                int v = bytes != null ? bytes[from + f] : Float.floatToIntBits(floats[from + f]);
                row = (row ^ v) * 0x100000001b3L;
            }
            double label = labels[r];
            long labelBits = label == (int) label ? (int) label : Double.doubleToLongBits(label);
            row = (row ^ labelBits) * 0x100000001b3L;
            if (weights != null && weights[r] != 1f) {
                row = (row ^ Float.floatToIntBits(weights[r])) * 0x100000001b3L;
            }
            h = h * DIGEST_BASE + row;
        }
        return h;
    }

    /** The digest of {@code a}'s examples followed by {@code bCount} examples of digest {@code b}. */
    public static long combine(long a, long b, long bCount) {
        long power = 1;
        long base = DIGEST_BASE;
        for (long e = bCount; e > 0; e >>= 1) {
            if ((e & 1) != 0) {
                power *= base;
            }
            base *= base;
        }
        return a * power + b;
    }

    /** Examples {@code [from, to)} of this block as a new block of partition {@code newPartition} (arrays copied). */
    public ExampleBlock slice(int from, int to, int newPartition) {
        double[] l = Arrays.copyOfRange(labels, from, to);
        float[] w = weights == null ? null : Arrays.copyOfRange(weights, from, to);
        if (bytes != null) {
            return ofBytes(newPartition, to - from, features,
                    Arrays.copyOfRange(bytes, from * features, to * features), byteValues, l, w);
        }
        return ofFloats(newPartition, to - from, features,
                Arrays.copyOfRange(floats, from * features, to * features), scale, l, w);
    }

    /**
     * {@code parts}, in order, as one block of partition {@code partition}: bytes when every part holds bytes
     * decoding through the same table, floats otherwise.
     */
    public static ExampleBlock concat(int partition, int features, List<ExampleBlock> parts) {
        int n = 0;
        boolean allBytes = true;
        boolean weighted = false;
        for (ExampleBlock b : parts) {
            n += b.count;
            allBytes &= b.bytes != null && Arrays.equals(b.byteValues, parts.get(0).byteValues);
            weighted |= b.weights != null;
        }
        double[] labels = new double[n];
        float[] weights = weighted ? new float[n] : null;
        int at = 0;
        for (ExampleBlock b : parts) {
            System.arraycopy(b.labels, 0, labels, at, b.count);
            if (weighted) {
                for (int i = 0; i < b.count; i++) {
                    weights[at + i] = b.weights == null ? 1f : b.weights[i];
                }
            }
            at += b.count;
        }
        if (allBytes && !parts.isEmpty()) {
            byte[] values = new byte[Math.multiplyExact(n, features)];
            at = 0;
            for (ExampleBlock b : parts) {
                System.arraycopy(b.bytes, 0, values, at * features, b.count * features);
                at += b.count;
            }
            return ofBytes(partition, n, features, values, parts.get(0).byteValues, labels, weights);
        }
        float[] values = new float[Math.multiplyExact(n, features)];
        at = 0;
        for (ExampleBlock b : parts) {
            for (int i = 0; i < b.count * features; i++) {
                values[at * features + i] = (float) b.value(i);
            }
            at += b.count;
        }
        return ofFloats(partition, n, features, values, 1.0, labels, weights);
    }

    /** Value {@code i} of the row-major array, decoded. */
    private double value(int i) {
        return bytes != null ? byteValues[bytes[i] & 0xFF] : floats[i] * scale;
    }
}
