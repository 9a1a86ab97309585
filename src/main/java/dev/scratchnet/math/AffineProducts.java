package dev.scratchnet.math;

/**
 * The three matrix products of an Affine layer (§5.6.2), in some {@link Precision}. One instance serves one
 * layer: {@link #addXW} remembers {@code x} and {@code W} for the backward products.
 */
public interface AffineProducts {
    /** {@code y += x·W}: {@code x} is {@code batch × in}, {@code W} is {@code in × out} row-major at {@code wOff} of {@code w}. */
    void addXW(Matrix x, double[] w, int wOff, int out, double[] y);

    /** {@code dW += xᵀ·dout} into {@code grads} at {@code gOff} (modified in place), {@code x} from the last {@link #addXW}. */
    void addXtDout(Matrix dout, double[] grads, int gOff);

    /** {@code dx = dout·Wᵀ} as a new {@code batch × in} matrix, {@code W} from the last {@link #addXW}. */
    Matrix doutWt(Matrix dout);
}
