package dev.scratchnet.network;

import dev.scratchnet.layers.LayerSpec;

/**
 * L2 weight decay (§6.4.2): the loss gains {@code ½ λ Σ W²} over every weight (not the biases), and each weight's
 * gradient {@code λ W}. Added once per step to the mean gradient, never per example or per partition.
 */
public record WeightDecay(double lambda) implements java.io.Serializable {
    public static final WeightDecay NONE = new WeightDecay(0);

    public WeightDecay {
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("weight decay must be a finite number ≥ 0, got " + lambda);
        }
    }

    /** {@code ½ λ Σ W²} over the weights of {@code spec} in {@code params}. */
    public double penalty(NetworkSpec spec, double[] params) {
        if (lambda == 0) {
            return 0;
        }
        double sum = 0;
        for (ParameterBlock b : spec.parameterBlocks()) {
            if (b.role() == LayerSpec.Role.WEIGHT) {
                for (int i = b.offset(), end = b.offset() + b.size(); i < end; i++) {
                    sum += params[i] * params[i];
                }
            }
        }
        return 0.5 * lambda * sum;
    }

    /** Adds {@code λ W} into the weights' entries of {@code gradient} (modified in place). */
    public void addGradient(NetworkSpec spec, double[] params, double[] gradient) {
        addGradient(spec, params, gradient, 0, gradient.length);
    }

    /** The same, on elements {@code [from, to)} only (one of a step's ranges). */
    public void addGradient(NetworkSpec spec, double[] params, double[] gradient, int from, int to) {
        if (lambda == 0) {
            return;
        }
        for (ParameterBlock b : spec.parameterBlocks()) {
            if (b.role() == LayerSpec.Role.WEIGHT) {
                for (int i = Math.max(from, b.offset()), end = Math.min(to, b.offset() + b.size()); i < end; i++) {
                    gradient[i] += lambda * params[i];
                }
            }
        }
    }
}
