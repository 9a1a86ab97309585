package dev.scratchnet.training;

import dev.scratchnet.data.Dataset;
import dev.scratchnet.math.Matrix;
import dev.scratchnet.math.Precision;
import dev.scratchnet.network.Network;
import dev.scratchnet.network.NetworkSpec;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The examples one partition holds, stacked row-major ({@code count × features}) as compactly as their values
 * allow: one unsigned byte a value when every value is an integer in 0 … 255 (MNIST's 60,000 images are 47 MB,
 * against 376 MB as doubles), else one float. A byte decodes through a 256-entry table (the book's
 * {@code x / 255} for images, or {@code x · scale}); a float is multiplied by {@code scale}. Decoding into
 * doubles for BLAS happens per minibatch. Labels are class indices.
 *
 * <p>A block does not know where it sits in the data set: its partition's global start position comes with
 * each job ({@code start} arguments), so blocks can be built on executors in one pass, before anyone has
 * counted the examples of earlier partitions. The in-process oracle uses the whole data set as one block
 * at start 0, so both run exactly the same arithmetic for their share of a step.
 */
public final class ExampleBlock implements Serializable {
    private static final long serialVersionUID = 2L;
    /** Rows per forward pass when counting correct predictions (bounds memory on large blocks). */
    private static final int EVAL_CHUNK = 2000;
    /** The book's {@code normalize=True}: byte {@code i} means {@code i / 255}. */
    public static final double[] PIXELS = pixels();

    private final int partition;
    private final int count;
    private final int features;
    private final byte[] bytes;
    private final double[] byteValues;
    private final float[] floats;
    private final double scale;
    private final int[] labels;

    private ExampleBlock(int partition, int count, int features, byte[] bytes, double[] byteValues, float[] floats,
                         double scale, int[] labels) {
        if (labels.length != count || (bytes != null ? bytes.length : floats.length) != (long) count * features) {
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
    }

    /** Examples whose values are bytes, byte {@code b} meaning {@code byteValues[b & 0xFF]}; arrays taken over. */
    public static ExampleBlock ofBytes(int partition, int count, int features, byte[] bytes, double[] byteValues,
                                       int[] labels) {
        return new ExampleBlock(partition, count, features, bytes, byteValues, null, 1.0, labels);
    }

    /** Examples whose values are {@code floats[i] · scale}; arrays taken over. */
    public static ExampleBlock ofFloats(int partition, int count, int features, float[] floats, double scale,
                                        int[] labels) {
        return new ExampleBlock(partition, count, features, null, null, floats, scale, labels);
    }

    /** The whole data set as one block of partition 0, pixels decoding as the book's {@code x / 255} (arrays shared). */
    public static ExampleBlock whole(Dataset data) {
        int[] labels = new int[data.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = data.label(i);
        }
        return ofBytes(0, data.size(), data.features(), data.pixels(), PIXELS, labels);
    }

    /** The data identity of examples of {@code features} values whose {@link #digest} is {@code digest}. */
    public static String identity(long count, int features, long digest) {
        return count + " examples x " + features + " features, digest " + String.format("%016x", digest);
    }

    /** The table of byte values {@code b · scale}. */
    public static double[] byteTable(double scale) {
        double[] t = new double[256];
        for (int b = 0; b < 256; b++) {
            t[b] = b * scale;
        }
        return t;
    }

    private static double[] pixels() {
        double[] t = new double[256];
        for (int b = 0; b < 256; b++) {
            t[b] = Dataset.scaled((byte) b);
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

    /** The largest label, or -1 for an empty block. */
    public int maxLabel() {
        int max = -1;
        for (int l : labels) {
            max = Math.max(max, l);
        }
        return max;
    }

    /** How many examples of each class this block holds: {@code counts[k]} for labels {@code 0 … maxLabel()}. */
    public long[] labelCounts() {
        return dev.scratchnet.data.Labels.count(labels, count);
    }

    /** Whether the values are held as bytes (else floats). */
    public boolean isBytes() {
        return bytes != null;
    }

    /** Bytes held by this block's arrays. */
    public long bytes() {
        return (bytes != null ? (long) bytes.length : 4L * floats.length) + 4L * labels.length;
    }

    /** The base of {@link #digest}'s polynomial: odd, so that multiplying by it loses nothing mod 2^64. */
    private static final long DIGEST_BASE = 0x9E3779B97F4A7C15L;

    /**
     * A 64-bit digest of this block's examples in order (values as stored, and labels): the polynomial
     * {@code Σ h(row r)·B^(count−1−r)} mod 2^64. It composes over concatenation ({@link #combine}), so the digest
     * of a data set does not depend on how it is partitioned.
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
            row = (row ^ labels[r]) * 0x100000001b3L;
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
        int[] l = Arrays.copyOfRange(labels, from, to);
        if (bytes != null) {
            return ofBytes(newPartition, to - from, features,
                    Arrays.copyOfRange(bytes, from * features, to * features), byteValues, l);
        }
        return ofFloats(newPartition, to - from, features,
                Arrays.copyOfRange(floats, from * features, to * features), scale, l);
    }

    /**
     * {@code parts}, in order, as one block of partition {@code partition}: bytes when every part holds bytes
     * decoding through the same table, floats otherwise.
     */
    public static ExampleBlock concat(int partition, int features, List<ExampleBlock> parts) {
        int n = 0;
        boolean allBytes = true;
        for (ExampleBlock b : parts) {
            n += b.count;
            allBytes &= b.bytes != null && Arrays.equals(b.byteValues, parts.get(0).byteValues);
        }
        int[] labels = new int[n];
        if (allBytes && !parts.isEmpty()) {
            byte[] values = new byte[Math.multiplyExact(n, features)];
            int at = 0;
            for (ExampleBlock b : parts) {
                System.arraycopy(b.bytes, 0, values, at * features, b.count * features);
                System.arraycopy(b.labels, 0, labels, at, b.count);
                at += b.count;
            }
            return ofBytes(partition, n, features, values, parts.get(0).byteValues, labels);
        }
        float[] values = new float[Math.multiplyExact(n, features)];
        int at = 0;
        for (ExampleBlock b : parts) {
            for (int i = 0; i < b.count * features; i++) {
                values[at * features + i] = (float) b.value(i);
            }
            System.arraycopy(b.labels, 0, labels, at, b.count);
            at += b.count;
        }
        return ofFloats(partition, n, features, values, 1.0, labels);
    }

    /**
     * Forward and backward over this block's share of a global minibatch: the examples of {@code batch}
     * (global positions, in minibatch order) that fall in {@code [start, start + count)}. Returns their gradient
     * <em>sum</em>, loss sum and count; an empty share returns {@link GradientSum#empty()}.
     */
    public GradientSum gradientSum(NetworkSpec spec, double[] params, int[] batch, int start, Precision precision) {
        int[] local = share(batch, start);
        if (local.length == 0) {
            return GradientSum.empty();
        }
        Matrix x = Matrix.of(local.length, features, new double[local.length * features]);
        int[] y = new int[local.length];
        fill(local, local.length, x.data(), y);
        double[] grad = new double[spec.parameterCount()];
        double lossSum = new Network(spec, params, precision).accumulateGradient(x, y, grad);
        return GradientSum.of(grad, lossSum, local.length);
    }

    /**
     * Correct predictions of {@code params} on this block, forward only. A test block counts every row as
     * test; a training block, whose first example is at global position {@code start}, counts the rows
     * {@code split} holds out as validation, and the others as training when {@code includeTrain}.
     */
    public Accuracy accuracy(NetworkSpec spec, double[] params, Precision precision, boolean test, int start,
                             ValidationSplit split, boolean includeTrain) {
        int[] rows = new int[count];
        boolean[] validation = new boolean[count];
        int n = 0;
        long validationCount = 0;
        for (int r = 0; r < count; r++) {
            boolean v = !test && split.isValidation((long) start + r);
            if (test || v || includeTrain) {
                validation[n] = v;
                rows[n++] = r;
                validationCount += v ? 1 : 0;
            }
        }
        Network net = new Network(spec, params, precision);
        long correct = 0;
        long validationCorrect = 0;
        double[] chunk = null; // reused across chunks of the same size
        for (int from = 0; from < n; from += EVAL_CHUNK) {
            int m = Math.min(EVAL_CHUNK, n - from);
            if (chunk == null || chunk.length != m * features) {
                chunk = new double[m * features];
            }
            int[] y = new int[m];
            fill(Arrays.copyOfRange(rows, from, from + m), m, chunk, y);
            boolean[] right = Network.correct(net.predict(Matrix.of(m, features, chunk)), y);
            for (int i = 0; i < m; i++) {
                if (right[i]) {
                    if (validation[from + i]) {
                        validationCorrect++;
                    } else {
                        correct++;
                    }
                }
            }
        }
        if (test) {
            return new Accuracy(0, 0, 0, 0, correct, n);
        }
        return new Accuracy(correct, n - validationCount, validationCorrect, validationCount, 0, 0);
    }

    /**
     * Stacks examples as they arrive (on an executor, from a partition's rows) into a block: as bytes while every
     * value is an integer in 0 … 255, switching to floats for good at the first value that is not.
     */
    public static final class Builder {
        private final int partition;
        private final double scale;
        private int features = -1;
        private int count;
        private byte[] bytes = new byte[0];
        private float[] floats;
        private int[] labels = new int[16];

        /** For partition {@code partition}; values decode as {@code value · scale}. */
        public Builder(int partition, double scale) {
            this.partition = partition;
            this.scale = scale;
        }

        /** Examples added so far. */
        public int count() {
            return count;
        }

        /**
         * Adds one example of {@code size} values: {@code values[k]} at index {@code indices[k]} (a sparse
         * vector, the other values 0), or {@code values} in order when {@code indices} is null.
         *
         * @throws IllegalArgumentException when {@code size} differs from the first example's, or a value is
         *     not finite (the message says which)
         */
        public void add(int size, int[] indices, double[] values, int label) {
            if (features < 0) {
                features = size;
            } else if (size != features) {
                throw new IllegalArgumentException("has " + size + " values, earlier rows have " + features);
            }
            if ((long) (count + 1) * features > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("makes the partition hold more than 2^31 values: use more partitions");
            }
            ensureRoom();
            int base = count * features;
            int n = indices == null ? size : values.length;
            for (int k = 0; k < n; k++) {
                double v = values[k];
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("has a non-finite value (" + v + ") at index "
                            + (indices == null ? k : indices[k]));
                }
                int at = base + (indices == null ? k : indices[k]);
                if (floats == null && !(v >= 0 && v <= 255 && v == Math.rint(v))) {
                    toFloats();
                }
                if (floats == null) {
                    bytes[at] = (byte) (int) v;
                } else {
                    floats[at] = (float) v;
                }
            }
            labels[count++] = label;
        }

        private void ensureRoom() {
            int needed = (count + 1) * features;
            int have = floats == null ? bytes.length : floats.length;
            if (needed > have || count == labels.length) {
                int rows = Math.max(16, Math.max(count * 2, labels.length));
                long values = Math.min((long) rows * features, Integer.MAX_VALUE - 8);
                if (floats == null) {
                    bytes = Arrays.copyOf(bytes, (int) values);
                } else {
                    floats = Arrays.copyOf(floats, (int) values);
                }
                labels = Arrays.copyOf(labels, rows);
            }
        }

        private void toFloats() {
            floats = new float[bytes.length];
            for (int i = 0; i < bytes.length; i++) { // the row being added included
                floats[i] = bytes[i] & 0xFF;
            }
            bytes = null;
        }

        /** The block, its arrays trimmed to size. */
        public ExampleBlock build() {
            int f = Math.max(features, 0);
            int[] l = Arrays.copyOf(labels, count);
            if (floats == null) {
                return ofBytes(partition, count, f, Arrays.copyOf(bytes, count * f), byteTable(scale), l);
            }
            return ofFloats(partition, count, f, Arrays.copyOf(floats, count * f), scale, l);
        }
    }

    /** Local row numbers of the examples of {@code batch} in {@code [start, start + count)}, in minibatch order. */
    int[] share(int[] batch, int start) {
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

    /** Value {@code i} of the row-major array, decoded. */
    private double value(int i) {
        return bytes != null ? byteValues[bytes[i] & 0xFF] : floats[i] * scale;
    }

    /** Decodes rows {@code rows[0 .. n)} into {@code x} (row-major) and their labels into {@code y}. */
    private void fill(int[] rows, int n, double[] x, int[] y) {
        for (int r = 0; r < n; r++) {
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
            y[r] = labels[rows[r]];
        }
    }
}
