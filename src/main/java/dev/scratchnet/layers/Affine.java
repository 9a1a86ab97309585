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
 *
 * <p>In single precision the matrix products run as {@code sgemm} on float copies of {@code x}, {@code W}
 * and {@code dout} (about 1.8× the {@code dgemm} rate with netlib's VectorBLAS); inputs, outputs, bias
 * and the accumulated gradients stay double. Gradient checks use double precision.
 */
public final class Affine implements Layer {
    private final int in;
    private final int out;
    private final double[] params;
    private final double[] grads;
    private final int wOffset;
    private final int bOffset;
    private final boolean needDx;
    private final boolean single;
    private Matrix x;
    private float[] x32;
    private float[] w32;

    /**
     * @param needDx false for the first layer, whose {@code dx} (the gradient for the input pixels) is
     *     never used: backward then returns {@code null} and skips a third of the layer's work
     */
    public Affine(int in, int out, double[] params, double[] grads, int wOffset, int bOffset, boolean needDx) {
        this(in, out, params, grads, wOffset, bOffset, needDx, false);
    }

    /** @param single whether the matrix products run in single precision ({@code sgemm}) */
    public Affine(int in, int out, double[] params, double[] grads, int wOffset, int bOffset, boolean needDx,
                  boolean single) {
        this.in = in;
        this.out = out;
        this.params = params;
        this.grads = grads;
        this.wOffset = wOffset;
        this.bOffset = bOffset;
        this.needDx = needDx;
        this.single = single;
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
        if (single) {
            x32 = Blas.toFloat(x.data(), 0, batch * in);
            w32 = Blas.toFloat(params, wOffset, in * out);
            float[] y32 = new float[batch * out];
            Blas.sgemm(false, false, batch, out, in, 1f, x32, 0, w32, 0, 0f, y32, 0);
            for (int i = 0; i < y.length; i++) {
                y[i] += y32[i];
            }
        } else {
            Blas.gemm(false, false, batch, out, in, 1.0, x.data(), 0, params, wOffset, 1.0, y, 0);
        }
        return Matrix.of(batch, out, y);
    }

    @Override
    public Matrix backward(Matrix dout) {
        int batch = dout.rows();
        double[] d = dout.data();
        if (single) {
            return backwardSingle(batch, d);
        }
        Blas.gemm(true, false, in, out, batch, 1.0, x.data(), 0, d, 0, 1.0, grads, wOffset);
        addBiasGradient(batch, d);
        if (!needDx) {
            return null;
        }
        double[] dx = new double[batch * in];
        Blas.gemm(false, true, batch, in, out, 1.0, d, 0, params, wOffset, 0.0, dx, 0);
        return Matrix.of(batch, in, dx);
    }

    private Matrix backwardSingle(int batch, double[] d) {
        float[] d32 = Blas.toFloat(d, 0, batch * out);
        float[] dW32 = new float[in * out];
        Blas.sgemm(true, false, in, out, batch, 1f, x32, 0, d32, 0, 0f, dW32, 0);
        for (int i = 0; i < dW32.length; i++) {
            grads[wOffset + i] += dW32[i];
        }
        addBiasGradient(batch, d);
        if (!needDx) {
            return null;
        }
        float[] dx32 = new float[batch * in];
        Blas.sgemm(false, true, batch, in, out, 1f, d32, 0, w32, 0, 0f, dx32, 0);
        double[] dx = new double[dx32.length];
        for (int i = 0; i < dx.length; i++) {
            dx[i] = dx32[i];
        }
        return Matrix.of(batch, in, dx);
    }

    private void addBiasGradient(int batch, double[] d) {
        for (int r = 0; r < batch; r++) {
            int row = r * out;
            for (int j = 0; j < out; j++) {
                grads[bOffset + j] += d[row + j];
            }
        }
    }
}
