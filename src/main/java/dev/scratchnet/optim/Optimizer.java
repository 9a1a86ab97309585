package dev.scratchnet.optim;

import dev.scratchnet.config.Choice;
import dev.scratchnet.math.Lanes;
import dev.scratchnet.math.Matrix;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The update rules of the book's §6.1 (common/optimizer.py): SGD, Momentum, AdaGrad and Adam, with their
 * state on the driver. {@link #update} modifies {@code params} (and the optimizer's state) in place.
 */
public abstract class Optimizer implements java.io.Serializable, Cloneable {
    protected final double lr;

    protected Optimizer(double lr) {
        this.lr = lr;
    }

    /** One step at the configured learning rate: {@code params -= f(grad)}; {@code params} is modified in place. */
    public final void update(double[] params, double[] grad) {
        update(params, grad, 1);
    }

    /**
     * One step at {@code rateFactor} times the configured learning rate (a {@link LearningRateSchedule}'s factor);
     * {@code params} is modified in place, {@code grad} only read.
     */
    public void update(double[] params, double[] grad, double rateFactor) {
        update(params, grad, begin(rateFactor), 0, params.length);
    }

    /**
     * Starts a step taken in ranges: counts it (Adam's bias correction) and returns the step size that every range
     * of this step is updated with.
     */
    public double begin(double rateFactor) {
        return lr * rateFactor;
    }

    /**
     * The step on elements {@code [from, to)} at step size {@code rate} (from {@link #begin}): element by element, so
     * the ranges of one step may run at once on separate threads, with the bits of one pass over all of them.
     */
    public abstract void update(double[] params, double[] grad, double rate, int from, int to);

    /**
     * {@link #update(double[], double[], double, int, int)}, then {@code working}'s elements {@code [from, to)} (null:
     * none) set to the new parameters in its precision; whether every new parameter is a finite number. One pass over
     * the elements where the rule has one ({@link Adam}), the same bits as the update, its check and the copy.
     */
    public boolean update(double[] params, double[] grad, double rate, int from, int to, Matrix working) {
        update(params, grad, rate, from, to);
        return Lanes.finiteInto(params, working, from, to);
    }

    /** A copy with a state of its own: what a task in the driver's JVM steps from, leaving the driver's as it was. */
    public Optimizer copy() {
        try {
            Optimizer c = (Optimizer) super.clone();
            c.restore(state()); // the arrays copied, not shared
            return c;
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }

    /** The optimizer's state as named arrays (for checkpoints); empty for SGD. */
    public Map<String, double[]> state() {
        return new LinkedHashMap<>();
    }

    /** Restores state written by {@link #state()}; arrays are copied. */
    public void restore(Map<String, double[]> state) {
        if (!state.isEmpty()) {
            throw new IllegalArgumentException(kind().id() + " has no state, got " + state.keySet());
        }
    }

    /** Which rule this is. */
    public abstract Kind kind();

    /**
     * The update rules, by the name users write: the book's four, {@code gd} (MLlib's name for minibatch gradient
     * descent: the same rule as {@code sgd}) and {@code l-bfgs} (full-batch L-BFGS, MLlib's default solver, which
     * {@link Lbfgs} runs: it is not a per-step update).
     */
    public enum Kind implements Choice {
        SGD, GD, MOMENTUM, ADAGRAD, ADAM, LBFGS;

        @Override
        public String id() {
            return this == LBFGS ? "l-bfgs" : name().toLowerCase(Locale.ROOT);
        }

        /** A fresh optimizer; {@code momentum} is the Momentum coefficient (also Adam's β1). */
        public Optimizer create(double lr, double momentum, int parameterCount) {
            return switch (this) {
                case SGD, GD -> new Sgd(lr, this);
                case MOMENTUM -> new Momentum(lr, momentum, parameterCount);
                case ADAGRAD -> new AdaGrad(lr, parameterCount);
                case ADAM -> new Adam(lr, momentum, 0.999, parameterCount);
                case LBFGS -> new Lbfgs(parameterCount);
            };
        }

        /** Copies of the parameter vector this rule's state holds. */
        public int stateCopies() {
            return switch (this) {
                case SGD, GD -> 0;
                case MOMENTUM, ADAGRAD -> 1;
                case ADAM -> 2;
                case LBFGS -> 2 * Lbfgs.HISTORY + 2;
            };
        }
    }

    /** {@code W -= lr · dW}. */
    public static final class Sgd extends Optimizer {
        private final Kind kind;

        public Sgd(double lr) {
            this(lr, Kind.SGD);
        }

        Sgd(double lr, Kind kind) {
            super(lr);
            this.kind = kind;
        }

        @Override
        public void update(double[] params, double[] grad, double rate, int from, int to) {
            for (int i = from; i < to; i++) {
                params[i] -= rate * grad[i];
            }
        }

        @Override
        public Kind kind() {
            return kind;
        }
    }

    /** {@code v = α·v − lr·dW; W += v}. */
    public static final class Momentum extends Optimizer {
        private final double momentum;
        private double[] v;

        public Momentum(double lr, double momentum, int n) {
            super(lr);
            this.momentum = momentum;
            this.v = new double[n];
        }

        @Override
        public void update(double[] params, double[] grad, double rate, int from, int to) {
            for (int i = from; i < to; i++) {
                v[i] = momentum * v[i] - rate * grad[i];
                params[i] += v[i];
            }
        }

        @Override
        public Map<String, double[]> state() {
            Map<String, double[]> s = new LinkedHashMap<>();
            s.put("v", v.clone());
            return s;
        }

        @Override
        public void restore(Map<String, double[]> state) {
            v = copyOf(state, "v", v.length);
        }

        @Override
        public Kind kind() {
            return Kind.MOMENTUM;
        }
    }

    /** {@code h += dW²; W −= lr·dW / (√h + 1e-7)}. */
    public static final class AdaGrad extends Optimizer {
        private double[] h;

        public AdaGrad(double lr, int n) {
            super(lr);
            this.h = new double[n];
        }

        @Override
        public void update(double[] params, double[] grad, double rate, int from, int to) {
            for (int i = from; i < to; i++) {
                h[i] += grad[i] * grad[i];
                params[i] -= rate * grad[i] / (Math.sqrt(h[i]) + 1e-7);
            }
        }

        @Override
        public Map<String, double[]> state() {
            Map<String, double[]> s = new LinkedHashMap<>();
            s.put("h", h.clone());
            return s;
        }

        @Override
        public void restore(Map<String, double[]> state) {
            h = copyOf(state, "h", h.length);
        }

        @Override
        public Kind kind() {
            return Kind.ADAGRAD;
        }
    }

    /** Adam as the book writes it: bias correction folded into the step size {@code lr_t}. */
    public static final class Adam extends Optimizer {
        private final double beta1;
        private final double beta2;
        private double[] m;
        private double[] v;
        private long iter;

        public Adam(double lr, double beta1, double beta2, int n) {
            super(lr);
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.m = new double[n];
            this.v = new double[n];
        }

        @Override
        public double begin(double rateFactor) {
            iter++;
            return lr * rateFactor * Math.sqrt(1.0 - Math.pow(beta2, iter)) / (1.0 - Math.pow(beta1, iter));
        }

        @Override
        public void update(double[] params, double[] grad, double lrT, int from, int to) {
            for (int i = from; i < to; i++) {
                double g = grad[i];
                m[i] += (1 - beta1) * (g - m[i]);
                v[i] += (1 - beta2) * (g * g - v[i]);
                params[i] -= lrT * m[i] / (Math.sqrt(v[i]) + 1e-7);
            }
        }

        @Override
        public boolean update(double[] params, double[] grad, double lrT, int from, int to, Matrix working) {
            return Lanes.adam(params, grad, m, v, 1 - beta1, 1 - beta2, lrT, 1e-7, working, from, to);
        }

        @Override
        public Map<String, double[]> state() {
            Map<String, double[]> s = new LinkedHashMap<>();
            s.put("m", m.clone());
            s.put("v", v.clone());
            s.put("iter", new double[] {iter});
            return s;
        }

        @Override
        public void restore(Map<String, double[]> state) {
            m = copyOf(state, "m", m.length);
            v = copyOf(state, "v", v.length);
            iter = (long) copyOf(state, "iter", 1)[0];
        }

        @Override
        public Kind kind() {
            return Kind.ADAM;
        }
    }

    static double[] copyOf(Map<String, double[]> state, String key, int length) {
        double[] a = state.get(key);
        if (a == null || a.length != length) {
            throw new IllegalArgumentException("optimizer state '" + key + "' missing or of the wrong size");
        }
        return a.clone();
    }
}
