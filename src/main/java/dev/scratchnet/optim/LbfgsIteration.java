package dev.scratchnet.optim;

/**
 * One L-BFGS iteration on a full-batch objective: the search direction from the pairs ({@link Lbfgs#direction}, the
 * steepest descent when that is not a descent direction), then a backtracking line search from step 1 (the first
 * iteration from {@code min(1, 1/√|slope|)}), halving until the Armijo condition holds, at most
 * {@value #MAX_HALVINGS} times; an accepted step records its pair. The objective's value and gradient at the current
 * point are kept from one iteration to the next (each evaluation is a gradient sum over every training example).
 */
public final class LbfgsIteration {
    private static final double ARMIJO = 1e-4;
    private static final int MAX_HALVINGS = 30;
    private final Lbfgs lbfgs;
    private double f = Double.NaN;
    private double[] g;

    /** The objective: its value at {@code x}, with its gradient at {@code x} into {@code gradientOut[0]}. */
    public interface Objective {
        double at(double[] x, double[][] gradientOut);
    }

    /** Checks that {@code values} at {@code value} are finite ({@code what} names them in the error). */
    public interface Check {
        void check(double value, double[] values, String what);
    }

    /**
     * How an iteration ended: whether the line search found a step that decreases the objective, and the relative
     * change of the objective's value when it did.
     */
    public record Outcome(boolean accepted, double change) {}

    public LbfgsIteration(Lbfgs lbfgs) {
        this.lbfgs = lbfgs;
    }

    /**
     * One iteration from {@code x}, which is set to the accepted point (left as it is when no step decreases the
     * objective). {@code check} sees the first gradient and the accepted point.
     */
    public Outcome iterate(double[] x, Objective objective, Check check) {
        double[][] out = new double[1][];
        if (g == null) {
            f = objective.at(x, out);
            g = out[0];
            check.check(f, g, "the gradient");
        }
        double[] d = lbfgs.direction(g);
        double slope = Lbfgs.dot(g, d);
        if (!(slope < 0)) {
            d = g.clone();
            for (int i = 0; i < d.length; i++) {
                d[i] = -d[i];
            }
            slope = -Lbfgs.dot(g, g);
        }
        double t = lbfgs.isEmpty() ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
        double[] xt = new double[x.length];
        double ft = Double.NaN;
        boolean accepted = false;
        for (int k = 0; k < MAX_HALVINGS && !accepted; k++, t *= 0.5) {
            for (int i = 0; i < x.length; i++) {
                xt[i] = x[i] + t * d[i];
            }
            ft = objective.at(xt, out);
            accepted = Double.isFinite(ft) && ft <= f + ARMIJO * t * slope;
        }
        if (!accepted) {
            return new Outcome(false, Double.NaN); // no step decreases the loss: as far as the line search can go
        }
        double[] gt = out[0];
        double[] s = new double[x.length];
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            s[i] = xt[i] - x[i];
            y[i] = gt[i] - g[i];
        }
        lbfgs.record(s, y);
        System.arraycopy(xt, 0, x, 0, x.length);
        double change = Math.abs(f - ft) / Math.max(1, Math.max(Math.abs(f), Math.abs(ft)));
        f = ft;
        g = gt;
        check.check(f, x, "the updated parameters");
        return new Outcome(true, change);
    }
}
