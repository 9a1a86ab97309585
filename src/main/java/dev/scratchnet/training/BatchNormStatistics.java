package dev.scratchnet.training;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.layers.BatchNormalization;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.network.ParameterBlock;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.partition.BatchNormExchange;
import dev.scratchnet.partition.GradientSum;
import java.util.ArrayList;
import java.util.List;

/**
 * The driver's half of batch normalization: once per step, the running mean and variance move towards the step's
 * minibatch statistics with the book's momentum 0.9 ({@code running = 0.9·running + 0.1·batch}, the variance biased
 * as {@code np.mean(xc**2)}). The statistics come with the step's gradient sum: each share adds its
 * {@code Σ(x − s)} and {@code Σ(x − s)²} (around the running mean {@code s} it computed with) into the running
 * statistics' gradient slots, so their totals arrive with the gradient, summed like it, on every engine.
 */
public final class BatchNormStatistics {
    private BatchNormStatistics() {}

    /**
     * The running statistics after step {@code sum} (as {@code {offset, values}} pairs), or null when {@code spec} has
     * none; their slots in {@code gradient} are set to 0, so the optimizer leaves them alone.
     */
    static List<Object[]> moved(NetworkSpec spec, GradientSum sum, double[] params, double[] gradient) {
        List<Object[]> moved = null;
        double n = sum.count();
        double[] raw = sum.grad();
        double m = BatchNormalization.Spec.MOMENTUM;
        for (int i = 0; i < spec.layers().size(); i++) {
            if (!(spec.layers().get(i) instanceof BatchNormalization.Spec)) {
                continue;
            }
            List<ParameterBlock> blocks = spec.blocksOf(i);
            ParameterBlock mean = blocks.get(2);
            ParameterBlock var = blocks.get(3);
            double[] newMean = new double[mean.size()];
            double[] newVar = new double[var.size()];
            for (int j = 0; j < newMean.length; j++) {
                double s = params[mean.offset() + j];
                double shifted = raw == null || n == 0 ? 0 : raw[mean.offset() + j] / n;
                double batchVar = raw == null || n == 0 ? 0 : Math.max(0, raw[var.offset() + j] / n - shifted * shifted);
                newMean[j] = m * s + (1 - m) * (s + shifted);
                newVar[j] = m * params[var.offset() + j] + (1 - m) * batchVar;
                gradient[mean.offset() + j] = 0;
                gradient[var.offset() + j] = 0;
            }
            if (moved == null) {
                moved = new ArrayList<>();
            }
            moved.add(new Object[] {mean.offset(), newMean});
            moved.add(new Object[] {var.offset(), newVar});
        }
        return moved;
    }

    /** Writes what {@link #moved} returned into {@code params}. */
    static void set(List<Object[]> moved, double[] params) {
        if (moved != null) {
            for (Object[] m : moved) {
                double[] values = (double[]) m[1];
                System.arraycopy(values, 0, params, (Integer) m[0], values.length);
            }
        }
    }

    /** Refuses what batch normalization cannot train with: full-batch L-BFGS (its line search has no running statistics). */
    public static void check(NetworkSpec spec, Optimizer.Kind optimizer) {
        if (optimizer == Optimizer.Kind.LBFGS && BatchNormExchange.needed(spec)) {
            throw new ScratchnetException(TrainingSettings.OPTIMIZER.key() + "=l-bfgs cannot train batchnorm layers "
                    + "(their running statistics move once per minibatch step): use adam, sgd or momentum");
        }
    }
}
