package dev.scratchnet.layers;

import dev.scratchnet.math.Matrix;

/**
 * The output layer of a regression (the book's §3.5.1 and §4.2.1: the identity function and the sum of squared
 * errors): with {@code u = (t − center) / scale} the standardized target, loss {@code Σ_i w_i · ½ (y_i − u_i)²} and
 * backward {@code dx = dout · w_i · (y − u)} — the same form as {@link SoftmaxWithLoss}'s, which is why the two pair
 * so; its output function is {@code y · scale + center}, in the target's units.
 */
public final class IdentityWithLoss implements LossLayer {
    private final Standardization target;
    private Matrix y;
    private double[] u;
    private double[] w;

    public IdentityWithLoss() {
        this(Standardization.NONE);
    }

    public IdentityWithLoss(Standardization target) {
        this.target = target;
    }

    @Override
    public double forward(Matrix x, double[] targets, double[] weights) {
        if (x.cols() != 1) {
            throw new IllegalArgumentException("a regression has one output, got " + x.cols());
        }
        if (targets.length != x.rows() || (weights != null && weights.length != x.rows())) {
            throw new IllegalArgumentException(targets.length + " targets for " + x.rows() + " rows");
        }
        y = x;
        u = new double[targets.length];
        w = weights;
        double loss = 0;
        for (int r = 0; r < u.length; r++) {
            u[r] = target.standardize(targets[r]);
            double e = x.get(r) - u[r];
            loss += (w == null ? 1 : w[r]) * 0.5 * e * e;
        }
        return loss;
    }

    @Override
    public Matrix backward(double dout) {
        Matrix dx = y.zerosLike();
        for (int r = 0; r < u.length; r++) {
            dx.set(r, dout * (w == null ? 1 : w[r]) * (y.get(r) - u[r]));
        }
        return dx;
    }

    @Override
    public Matrix output(Matrix x) {
        Matrix out = x.zerosLike();
        for (int i = 0; i < out.size(); i++) {
            out.set(i, target.unstandardize(x.get(i)));
        }
        return out;
    }
}
