package dev.scratchnet.layers;

import dev.scratchnet.math.AffineProducts;
import dev.scratchnet.math.Matrix;

/**
 * The Affine layer (§5.6.2, batched): {@code out = x·W + b} with {@code x: batch × in},
 * {@code W: in × out}, {@code b: out}.
 *
 * <p>{@code W} and {@code b} are views into a flat parameter array at fixed offsets ({@code W} row-major);
 * backward <em>adds</em> {@code dW = xᵀ·dout} and {@code db = Σ_rows dout} into a flat gradient array at
 * the same offsets (gradients accumulate and are zeroed once per step). The matrix products are level-3
 * BLAS calls in the precision of the {@link AffineProducts} the layer is given.
 */
public final class Affine implements Layer {
    private final int in;
    private final int out;
    private final double[] params;
    private final double[] grads;
    private final int wOffset;
    private final int bOffset;
    private final boolean needDx;
    private final AffineProducts products;

    /**
     * @param needDx false for the first layer, whose {@code dx} (the gradient for the input pixels) is
     *     never used: backward then returns {@code null} and skips a third of the layer's work
     */
    public Affine(int in, int out, double[] params, double[] grads, int wOffset, int bOffset, boolean needDx,
                  AffineProducts products) {
        this.in = in;
        this.out = out;
        this.params = params;
        this.grads = grads;
        this.wOffset = wOffset;
        this.bOffset = bOffset;
        this.needDx = needDx;
        this.products = products;
    }

    @Override
    public Matrix forward(Matrix x) {
        if (x.cols() != in) {
            throw new IllegalArgumentException("Affine expects " + in + " inputs, got " + x.cols());
        }
        double[] y = new double[x.rows() * out];
        for (int r = 0; r < x.rows(); r++) {
            System.arraycopy(params, bOffset, y, r * out, out);
        }
        products.addXW(x, params, wOffset, out, y);
        return Matrix.of(x.rows(), out, y);
    }

    @Override
    public Matrix backward(Matrix dout) {
        products.addXtDout(dout, grads, wOffset);
        double[] d = dout.data();
        for (int r = 0; r < dout.rows(); r++) {
            for (int j = 0; j < out; j++) {
                grads[bOffset + j] += d[r * out + j];
            }
        }
        return needDx ? products.doutWt(dout) : null;
    }
}
