package dev.scratchnet.layers;

import dev.scratchnet.math.Matrix;

/**
 * The last layer: an output function and the loss on it. Unlike the book's, the loss is the <em>sum</em> over the
 * batch (each example times its weight), not the mean: partitions add their sums and the trainer divides once, by
 * the sum of the weights of the whole minibatch. {@code backward} is the gradient of that sum.
 */
public interface LossLayer {
    /**
     * The summed loss of the scores {@code x: batch × outputs} against the targets {@code t} (one per row: a class
     * index, or a value to regress on), row {@code i} weighted by {@code w[i]} ({@code w} null: every weight 1).
     */
    double forward(Matrix x, double[] t, double[] w);

    /** {@code dout} times the gradient of the last {@link #forward}'s summed loss, as a new {@code batch × outputs}. */
    Matrix backward(double dout);

    /** The output function alone (no loss), row by row, for predictions: softmax, or the identity. */
    Matrix output(Matrix x);
}
