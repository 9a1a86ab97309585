package dev.scratchnet.data;

import dev.scratchnet.ScratchnetException;

import java.util.Arrays;
import java.util.Objects;

/**
 * A labelled set of images held compactly: {@code pixels} is {@code size × features} unsigned bytes,
 * row-major (example {@code i} occupies {@code [i * features, (i + 1) * features)}), {@code labels} is one
 * class index per example in {@code [0, classes)}.
 *
 * <p>Pixels stay bytes until a caller asks for doubles; {@link #copyScaled} and {@link #toMatrixRows}
 * scale them by {@code 1/255} to {@code [0, 1]}, the book's {@code load_mnist(normalize=True)}.
 *
 * <p>Immutable by convention: the constructor and {@link #of} take ownership of the arrays, and
 * {@link #pixels()} / {@link #labels()} return the backing arrays, which callers must not modify.
 */
public final class ImageSet {
    private static final double[] SCALED = new double[256];

    static {
        for (int i = 0; i < 256; i++) {
            SCALED[i] = i / 255.0;
        }
    }

    private final int size;
    private final int rows;
    private final int cols;
    private final int features;
    private final int classes;
    private final byte[] pixels;
    private final byte[] labels;

    private ImageSet(byte[] pixels, byte[] labels, int rows, int cols, int classes) {
        this.pixels = pixels;
        this.labels = labels;
        this.rows = rows;
        this.cols = cols;
        this.features = rows * cols;
        this.classes = classes;
        this.size = labels.length;
    }

    /**
     * A dataset over the given arrays (taken over, not copied).
     *
     * @param pixels  {@code labels.length × rows × cols} unsigned bytes, row-major
     * @param labels  one class index per example, each in {@code [0, classes)}
     * @throws ScratchnetException if a shape is not positive, the lengths disagree, or a label is out of range
     */
    public static ImageSet of(byte[] pixels, byte[] labels, int rows, int cols, int classes) {
        Objects.requireNonNull(pixels, "pixels");
        Objects.requireNonNull(labels, "labels");
        if (rows <= 0 || cols <= 0 || classes <= 0) {
            throw new ScratchnetException("dataset: rows, cols and classes must be positive, got rows=" + rows
                    + " cols=" + cols + " classes=" + classes);
        }
        long features = (long) rows * cols;
        if (features > Integer.MAX_VALUE || (long) labels.length * features != pixels.length) {
            throw new ScratchnetException("dataset: " + pixels.length + " pixel bytes do not hold "
                    + labels.length + " images of " + rows + "x" + cols);
        }
        Labels.checkIdx(labels, 1, classes, "dataset");
        return new ImageSet(pixels, labels, rows, cols, classes);
    }

    /** Number of examples. */
    public int size() {
        return size;
    }

    /** Values per example, {@code rows × cols} (784 for MNIST). */
    public int features() {
        return features;
    }

    /** Image height in pixels. */
    public int rows() {
        return rows;
    }

    /** Image width in pixels. */
    public int cols() {
        return cols;
    }

    /** Number of classes; labels lie in {@code [0, classes)}. */
    public int classes() {
        return classes;
    }

    /** The backing {@code size × features} unsigned bytes, row-major. Do not modify. */
    public byte[] pixels() {
        return pixels;
    }

    /** The backing labels, one per example. Do not modify. */
    public byte[] labels() {
        return labels;
    }

    /** The class index of example {@code i}. */
    public int label(int i) {
        Objects.checkIndex(i, size);
        return labels[i] & 0xFF;
    }

    /** A pixel byte scaled to {@code [0, 1]}: {@code (pixel & 0xFF) / 255.0}, the book's {@code normalize=True}. */
    public static double scaled(byte pixel) {
        return SCALED[pixel & 0xFF];
    }

    /**
     * Writes example {@code example}'s {@code features} values, scaled to {@code [0, 1]}, into
     * {@code dst[dstOffset .. dstOffset + features)} (modified in place).
     */
    public void copyScaled(int example, double[] dst, int dstOffset) {
        Objects.checkIndex(example, size);
        Objects.checkFromIndexSize(dstOffset, features, dst.length);
        int src = example * features;
        for (int j = 0; j < features; j++) {
            dst[dstOffset + j] = scaled(pixels[src + j]);
        }
    }

    /** The given examples stacked into a new {@code examples.length × features} row-major array, scaled to {@code [0, 1]}. */
    public double[] toMatrixRows(int[] examples) {
        double[] x = new double[Math.multiplyExact(examples.length, features)];
        for (int r = 0; r < examples.length; r++) {
            copyScaled(examples[r], x, r * features);
        }
        return x;
    }

    /** The labels of the given examples, in order. */
    public int[] labelArray(int[] examples) {
        int[] t = new int[examples.length];
        for (int r = 0; r < examples.length; r++) {
            t[r] = label(examples[r]);
        }
        return t;
    }

    /** A copy of examples {@code [from, to)}. */
    public ImageSet slice(int from, int to) {
        Objects.checkFromToIndex(from, to, size);
        return new ImageSet(Arrays.copyOfRange(pixels, from * features, to * features),
                Arrays.copyOfRange(labels, from, to), rows, cols, classes);
    }

    /**
     * This dataset concatenated {@code copies} times (example {@code i} of copy {@code k} is at
     * {@code k * size + i}); for scaling benchmarks on more data than MNIST has.
     *
     * @throws ScratchnetException if {@code copies < 1} or the result would exceed an array's capacity
     */
    public ImageSet replicate(int copies) {
        if (copies < 1) {
            throw new ScratchnetException("dataset: replicate needs at least 1 copy, got " + copies);
        }
        if ((long) pixels.length * copies > Integer.MAX_VALUE - 8) {
            throw new ScratchnetException("dataset: " + copies + " copies of " + size
                    + " examples need more than 2^31 pixel bytes");
        }
        byte[] p = new byte[pixels.length * copies];
        byte[] l = new byte[labels.length * copies];
        for (int k = 0; k < copies; k++) {
            System.arraycopy(pixels, 0, p, k * pixels.length, pixels.length);
            System.arraycopy(labels, 0, l, k * labels.length, labels.length);
        }
        return new ImageSet(p, l, rows, cols, classes);
    }

    @Override
    public String toString() {
        return "ImageSet[" + size + " × " + rows + "x" + cols + ", " + classes + " classes]";
    }
}
