package dev.scratchnet.partition;

/**
 * The array a share of a step decodes its rows of the minibatch into, kept from one step to the next by whoever
 * takes the share's steps in turn (a task's share in {@code EpochRunner}): 0.8 MB a share for MNIST in single
 * precision. The decoding writes every element it uses, so nothing is zeroed; a new array each step was zeroed and
 * first touched in memory no cache held. The rows of a step are valid until the share's next step.
 *
 * <p>The share's gradient sum is not kept here: it is a leaf of the step's sum, and keeping it (zeroed each step) made
 * the first epochs slower, not faster (3 alternating rounds of 6 epochs, 2026-12-06).
 */
public final class ShareScratch {
    private float[] floats;
    private double[] doubles;

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
