package dev.scratchnet.training;

import dev.scratchnet.data.Dataset;
import dev.scratchnet.math.Matrix;
import dev.scratchnet.math.Precision;
import dev.scratchnet.network.Network;
import dev.scratchnet.network.NetworkSpec;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A contiguous range of examples, {@code [start, start + count)} of the training or test set, stacked
 * row-major as unsigned bytes ({@code count × features}, one byte a pixel: MNIST's 60,000 images are
 * 47 MB, against 376 MB as doubles). Scaling to [0, 1] happens per minibatch, into doubles for BLAS.
 *
 * <p>This is what a partition holds, and also what the in-process oracle uses (as one block), so both
 * run exactly the same arithmetic for their share of a step.
 */
public final class ExampleBlock implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Rows per forward pass when counting correct predictions (bounds memory on large blocks). */
    private static final int EVAL_CHUNK = 2000;


    private final int start;
    private final int count;
    private final int features;
    private final byte[] pixels;
    private final byte[] labels;

    private ExampleBlock(int start, int count, int features, byte[] pixels, byte[] labels) {
        this.start = start;
        this.count = count;
        this.features = features;
        this.pixels = pixels;
        this.labels = labels;
    }

    /**
     * Examples {@code [from, to)} cut out of whole-data-set arrays ({@code allPixels}: n × features);
     * arrays copied, so the block does not keep the whole set alive.
     */
    public static ExampleBlock slice(byte[] allPixels, byte[] allLabels, int features, int from, int to) {
        byte[] pixels = java.util.Arrays.copyOfRange(allPixels, from * features, to * features);
        byte[] labels = java.util.Arrays.copyOfRange(allLabels, from, to);
        return new ExampleBlock(from, to - from, features, pixels, labels);
    }

    /** {@code [from, to)} ranges cutting {@code n} examples into {@code parts} near-equal contiguous pieces. */
    public static List<int[]> ranges(int n, int parts) {
        List<int[]> ranges = new ArrayList<>(parts);
        for (int p = 0; p < parts; p++) {
            ranges.add(new int[] {(int) ((long) n * p / parts), (int) ((long) n * (p + 1) / parts)});
        }
        return ranges;
    }

    /** The whole data set as one block (arrays shared, not copied). */
    public static ExampleBlock whole(Dataset data) {
        return new ExampleBlock(0, data.size(), data.features(), data.pixels(), data.labels());
    }

    public int start() {
        return start;
    }

    public int count() {
        return count;
    }

    /** Bytes held by this block's arrays. */
    public long bytes() {
        return (long) pixels.length + labels.length;
    }

    /**
     * Forward and backward over this block's share of a global minibatch: the examples of {@code batch}
     * (global indices, in minibatch order) that fall in this block. Returns their gradient <em>sum</em>,
     * loss sum and count; an empty share returns {@link GradientSum#empty()}.
     */
    public GradientSum gradientSum(NetworkSpec spec, double[] params, int[] batch, Precision precision) {
        int[] local = share(batch);
        if (local.length == 0) {
            return GradientSum.empty();
        }
        Matrix x = Matrix.of(local.length, features, new double[local.length * features]);
        int[] y = new int[local.length];
        fill(local, x.data(), y);
        double[] grad = new double[spec.parameterCount()];
        double lossSum = new Network(spec, params, precision).accumulateGradient(x, y, grad);
        return GradientSum.of(grad, lossSum, local.length);
    }

    /** How many examples of this block {@code params} classifies correctly (forward only). */
    public long countCorrect(NetworkSpec spec, double[] params, Precision precision) {
        Network net = new Network(spec, params, precision);
        long correct = 0;
        double[] chunk = null; // reused across chunks of the same size
        for (int from = 0; from < count; from += EVAL_CHUNK) {
            int n = Math.min(EVAL_CHUNK, count - from);
            int[] rows = new int[n];
            for (int i = 0; i < n; i++) {
                rows[i] = from + i;
            }
            if (chunk == null || chunk.length != n * features) {
                chunk = new double[n * features];
            }
            Matrix x = Matrix.of(n, features, chunk);
            int[] y = new int[n];
            fill(rows, x.data(), y);
            correct += Network.countCorrect(net.predict(x), y, 0);
        }
        return correct;
    }

    /** Local row numbers of the examples of {@code batch} that fall in this block, in minibatch order. */
    int[] share(int[] batch) {
        int n = 0;
        for (int g : batch) {
            if (g >= start && g < start + count) {
                n++;
            }
        }
        int[] local = new int[n];
        int i = 0;
        for (int g : batch) {
            if (g >= start && g < start + count) {
                local[i++] = g - start;
            }
        }
        return local;
    }

    private void fill(int[] rows, double[] x, int[] y) {
        for (int r = 0; r < rows.length; r++) {
            int src = rows[r] * features;
            int dst = r * features;
            for (int f = 0; f < features; f++) {
                x[dst + f] = Dataset.scaled(pixels[src + f]);
            }
            y[r] = labels[rows[r]] & 0xFF;
        }
    }
}
