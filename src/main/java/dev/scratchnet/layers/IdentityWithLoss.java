package dev.scratchnet.layers;

import dev.scratchnet.math.Matrix;

/**
 * The output layer of a regression (the book's §3.5.1 and §4.2.1: the identity function and the sum of squared
 * errors): {@code y = x} with one output, loss {@code Σ_i w_i · ½ (y_i − t_i)²}, backward
 * {@code dx = dout · w_i · (y − t)} — the same form as {@link SoftmaxWithLoss}'s, which is why the two pair so.
 */
public final class IdentityWithLoss implements LossLayer {
    private Matrix y;
    private double[] t;
    private double[] w;

    @Override
    public double forward(Matrix x, double[] targets, double[] weights) {
        if (x.cols() != 1) {
            throw new IllegalArgumentException("a regression has one output, got " + x.cols());
        }
        if (targets.length != x.rows() || (weights != null && weights.length != x.rows())) {
            throw new IllegalArgumentException(targets.length + " targets for " + x.rows() + " rows");
        }
        y = x;
        t = targets;
        w = weights;
        double loss = 0;
        for (int r = 0; r < t.length; r++) {
            double e = x.get(r) - t[r];
            loss += (w == null ? 1 : w[r]) * 0.5 * e * e;
        }
        return loss;
    }

    @Override
    public Matrix backward(double dout) {
        Matrix dx = y.zerosLike();
        for (int r = 0; r < t.length; r++) {
            dx.set(r, dout * (w == null ? 1 : w[r]) * (y.get(r) - t[r]));
        }
        return dx;
    }

    @Override
    public Matrix output(Matrix x) {
        return x.copy();
    }
}
