package dev.scratchnet.layers;

import dev.scratchnet.math.Matrix;

/**
 * A batched layer between the input and the loss: {@code forward} maps {@code x: batch × in} to
 * {@code batch × out} and remembers what backward needs; {@code backward} maps {@code dout: batch × out}
 * to {@code dx: batch × in} for the same batch, adding any parameter gradients into the gradient views the
 * layer was built with. Both read their argument and never modify it, and both return a new matrix.
 */
public interface Layer {
    /** Forward pass; {@code x} is read, never modified. Returns a new matrix. */
    Matrix forward(Matrix x);

    /** Backward pass for the last forward; {@code dout} is read, never modified. Returns a new {@code dx}. */
    Matrix backward(Matrix dout);

    /**
     * The backward pass of a layer whose {@code dx} nobody needs (the first layer: its {@code dx} would be the
     * gradient for the input pixels): adds the parameter gradients only. Layers with nothing to skip need not
     * override it.
     */
    default void backwardParameters(Matrix dout) {
        backward(dout);
    }
}
