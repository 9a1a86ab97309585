package dev.scratchnet.network;

import dev.scratchnet.layers.Pass;
import dev.scratchnet.math.Matrix;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Gradient checking (§5.7.3): the mean absolute difference, per named parameter, between the numerical gradient
 * (central differences) and the backprop gradient on the same examples and the same pass (so the same dropout
 * masks).
 */
public final class GradientCheck {
    /** The largest mean absolute difference accepted for any parameter, in double precision. */
    public static final double DEFAULT_TOLERANCE = 1e-6;

    private GradientCheck() {}

    /** {@code name → mean |numerical − backprop|} for W1, b1, W2, b2, … in order, on a training pass. */
    public static Map<String, Double> meanAbsoluteDifferences(Network network, Matrix x, double[] t) {
        return meanAbsoluteDifferences(network, x, t, Pass.training(0, x.rows()));
    }

    /** The same on {@code pass}. */
    public static Map<String, Double> meanAbsoluteDifferences(Network network, Matrix x, double[] t, Pass pass) {
        return compare(network.spec(), network.gradient(x, t, pass), network.numericalGradient(x, t, pass));
    }

    /** {@code name → mean |numerical − backprop|} per parameter block of {@code spec}. */
    public static Map<String, Double> compare(NetworkSpec spec, double[] backprop, double[] numerical) {
        Map<String, Double> diffs = new LinkedHashMap<>();
        for (ParameterBlock block : spec.parameterBlocks()) {
            double sum = 0;
            for (int i = block.offset(); i < block.offset() + block.size(); i++) {
                sum += Math.abs(numerical[i] - backprop[i]);
            }
            diffs.put(block.name(), sum / block.size());
        }
        return diffs;
    }
}
