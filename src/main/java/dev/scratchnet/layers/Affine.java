package dev.scratchnet.layers;

import dev.scratchnet.math.Blas;
import dev.scratchnet.math.Matrix;

/**
 * The Affine layer (§5.6.2, batched): {@code out = x·W + b} with {@code x: batch × in},
 * {@code W: in × out}, {@code b: out}.
 *
 * <p>{@code W} and {@code b} are views into a flat parameter array at fixed offsets ({@code W} row-major);
 * backward <em>adds</em> {@code dW = xᵀ·dout} and {@code db = Σ_rows dout} into a flat gradient array at
 * the same offsets (gradients accumulate and are zeroed once per step).
 */
public final class Affine implements Layer {
    private final int in;
    private final int out;
    private final double[] params;
    private final double[] grads;
    private final int wOffset;
    private final int bOffset;
    private final boolean needDx;
    private Matrix x;

    /**
     * @param needDx false for the first layer, whose {@code dx} (the gradient for the input pixels) is
     *     never used: backward then returns {@code null} and skips a third of the layer's work
     */
    public Affine(int in, int out, double[] params, double[] grads, int wOffset, int bOffset, boolean needDx) {
        this.in = in;
        this.out = out;
        this.params = params;
        this.grads = grads;
        this.wOffset = wOffset;
        this.bOffset = bOffset;
        this.needDx = needDx;
    }

    @Override
    public Matrix forward(Matrix x) {
        if (x.cols() != in) {
            throw new IllegalArgumentException("Affine expects " + in + " inputs, got " + x.cols());
        }
        this.x = x;
        int batch = x.rows();
        double[] y = new double[batch * out];
        for (int r = 0; r < batch; r++) {
            System.arraycopy(params, bOffset, y, r * out, out);
        }
        Blas.gemm(false, false, batch, out, in, 1.0, x.data(), 0, params, wOffset, 1.0, y, 0);
        return Matrix.of(batch, out, y);
    }

    @Override
    public Matrix backward(Matrix dout) {
        int batch = dout.rows();
        double[] d = dout.data();
        Blas.gemm(true, false, in, out, batch, 1.0, x.data(), 0, d, 0, 1.0, grads, wOffset);
        for (int r = 0; r < batch; r++) {
            int row = r * out;
            for (int j = 0; j < out; j++) {
                grads[bOffset + j] += d[row + j];
            }
        }
        if (!needDx) {
            return null;
        }
        double[] dx = new double[batch * in];
        Blas.gemm(false, true, batch, in, out, 1.0, d, 0, params, wOffset, 0.0, dx, 0);
        return Matrix.of(batch, in, dx);
    }
}
