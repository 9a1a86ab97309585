package dev.scratchnet.partition;

import java.util.Arrays;

/**
 * Stacks examples as they arrive (on an executor, from a partition's rows) into an {@link ExampleBlock}: as bytes
 * while every value is an integer in 0 … 255, switching to floats for good at the first value that is not.
 */
public final class ExampleBlockBuilder {
    private final int partition;
    private final double scale;
    private int features = -1;
    private int count;
    private byte[] bytes = new byte[0];
    private float[] floats;
    private double[] labels = new double[16];
    private float[] weights;

    /** For partition {@code partition}; values decode as {@code value · scale}. */
    public ExampleBlockBuilder(int partition, double scale) {
        this.partition = partition;
        this.scale = scale;
    }

    /** Examples added so far. */
    public int count() {
        return count;
    }

    /** {@link #add(int, int[], double[], double, double)} with weight 1. */
    public void add(int size, int[] indices, double[] values, double label) {
        add(size, indices, values, label, 1.0);
    }

    /**
     * Adds one example of {@code size} values: {@code values[k]} at index {@code indices[k]} (a sparse
     * vector, the other values 0), or {@code values} in order when {@code indices} is null.
     *
     * @throws IllegalArgumentException when {@code size} differs from the first example's, or a value is
     *     not finite (the message says which)
     */
    public void add(int size, int[] indices, double[] values, double label, double weight) {
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
        if (weight != 1 && weights == null) {
            weights = new float[labels.length];
            Arrays.fill(weights, 0, count, 1f);
        }
        if (weights != null) {
            weights[count] = (float) weight;
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
            if (weights != null) {
                weights = Arrays.copyOf(weights, rows);
            }
        }
    }

    private void toFloats() {
        floats = new float[bytes.length];
        for (int i = 0; i < bytes.length; i++) { // the row being added included
            floats[i] = bytes[i] & 0xFF;
        }
        bytes = null;
    }

    /** The table of byte values {@code b · scale}. */
    static double[] byteTable(double scale) {
        double[] t = new double[256];
        for (int b = 0; b < 256; b++) {
            t[b] = b * scale;
        }
        return t;
    }

    /** The block, its arrays trimmed to size. */
    public ExampleBlock build() {
        int f = Math.max(features, 0);
        double[] l = Arrays.copyOf(labels, count);
        float[] w = weights == null ? null : Arrays.copyOf(weights, count);
        if (floats == null) {
            return ExampleBlock.ofBytes(partition, count, f, Arrays.copyOf(bytes, count * f), byteTable(scale), l, w);
        }
        return ExampleBlock.ofFloats(partition, count, f, Arrays.copyOf(floats, count * f), scale, l, w);
    }
}
