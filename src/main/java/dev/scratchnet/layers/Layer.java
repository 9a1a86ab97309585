package dev.scratchnet.layers;

import dev.scratchnet.math.Matrix;

/**
 * A batched layer between the input and the loss: {@code forward} maps {@code x: batch × in} to
 * {@code batch × out} and remembers what backward needs; {@code backward} maps {@code dout: batch × out}
 * to {@code dx: batch × in} for the same batch, adding any parameter gradients into the gradient array
 * the layer was bound to.
 */
public interface Layer {
    /** Forward pass; {@code x} is read, never modified. Returns a new matrix. */
    Matrix forward(Matrix x);

    /** Backward pass for the last forward; {@code dout} is read, never modified. Returns a new {@code dx}. */
    Matrix backward(Matrix dout);
}
