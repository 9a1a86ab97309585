package dev.scratchnet.training;

import java.io.Serializable;

/**
 * What one partition returns for one step, and what treeAggregate adds up: the <em>sum</em> of the
 * per-example gradients, the summed loss and the example count. The driver divides once, by the global
 * count. An empty sum has no gradient array, so the zero value shipped with every task is a few bytes.
 */
public final class GradientSum implements Serializable {
    private static final long serialVersionUID = 1L;
    private double[] grad;
    private double lossSum;
    private long count;

    private GradientSum(double[] grad, double lossSum, long count) {
        this.grad = grad;
        this.lossSum = lossSum;
        this.count = count;
    }

    /** The zero: no examples, no gradient array. */
    public static GradientSum empty() {
        return new GradientSum(null, 0.0, 0);
    }

    /** A sum over {@code count} examples; {@code grad} is owned by the result. */
    public static GradientSum of(double[] grad, double lossSum, long count) {
        return new GradientSum(grad, lossSum, count);
    }

    /**
     * Adds {@code other} into this one (modified in place) and returns this. Takes ownership of
     * {@code other}'s array when this one has none, so {@code other} must not be used afterwards.
     */
    public GradientSum add(GradientSum other) {
        if (other.count == 0 && other.grad == null) {
            return this;
        }
        if (grad == null) {
            grad = other.grad;
        } else if (other.grad != null) {
            double[] o = other.grad;
            for (int i = 0; i < grad.length; i++) {
                grad[i] += o[i];
            }
        }
        lossSum += other.lossSum;
        count += other.count;
        return this;
    }

    /** The gradient sum (null when empty). */
    public double[] grad() {
        return grad;
    }

    public double lossSum() {
        return lossSum;
    }

    public long count() {
        return count;
    }

    /** The mean gradient, {@code sum / count}, as a new array: the one division of a step. */
    public double[] meanGradient(int parameterCount) {
        double[] mean = new double[parameterCount];
        if (grad != null && count > 0) {
            double scale = 1.0 / count;
            for (int i = 0; i < mean.length; i++) {
                mean[i] = grad[i] * scale;
            }
        }
        return mean;
    }
}
