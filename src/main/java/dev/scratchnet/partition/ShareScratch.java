package dev.scratchnet.partition;

import dev.scratchnet.math.Matrix;

/**
 * The arrays a share of a step decodes its rows of the minibatch into and writes its gradient into, kept from one step
 * to the next by whoever takes the share's steps in turn (a task's share in {@code EpochRunner}): 0.8 MB each a share
 * for MNIST in single precision. The decoding writes every element it uses, and the backward pass writes every
 * gradient slot ({@code Network.writeGradient}), so nothing is zeroed; a new array each step was zeroed and first
 * touched in memory no cache held (the gradient's alone were a tenth of the demo's step on four partitions, where a
 * thread takes two shares). The rows and the gradient of a step are valid until the share's next step: the gradient is
 * a leaf of the step's sum, read by the step's update or encoded for the driver before the next step starts.
 *
 * <p>Keeping the gradient and zeroing it each step made the first epochs slower, not faster (3 alternating rounds of 6
 * epochs, 2026-12-06): the zeroing was the cost, not the allocation.
 */
public final class ShareScratch {
    private float[] floats;
    private double[] doubles;
    private Matrix gradient;

    /** An array for the gradient of {@code params} (its shape and precision), holding anything: written, not added to. */
    Matrix gradient(Matrix params) {
        if (gradient == null || gradient.rows() != params.rows() || gradient.cols() != params.cols()
                || gradient.precision() != params.precision()) {
            gradient = params.zerosLike();
        }
        return gradient;
    }

    /** An array of at least {@code rows × features} floats, a whole number of rows (its first ones to be overwritten). */
    float[] floatRows(int rows, int features) {
        if (floats == null || floats.length < Math.multiplyExact(rows, features) || floats.length % features != 0) {
            floats = new float[Math.multiplyExact(room(rows), features)];
        }
        return floats;
    }

    /** An array of at least {@code rows × features} doubles, a whole number of rows (its first ones to be overwritten). */
    double[] doubleRows(int rows, int features) {
        if (doubles == null || doubles.length < Math.multiplyExact(rows, features) || doubles.length % features != 0) {
            doubles = new double[Math.multiplyExact(room(rows), features)];
        }
        return doubles;
    }

    /** Rows to make room for: an eighth more than asked, as a share's size varies from step to step. */
    private static int room(int rows) {
        return rows + Math.max(1, rows / 8);
    }
}
