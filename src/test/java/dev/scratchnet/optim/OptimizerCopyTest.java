package dev.scratchnet.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A copy of an optimizer (what a task in the driver's JVM steps from) steps as the original would, and stepping it
 * leaves the original's state as it was: the driver's optimizer is the one a failed or retried epoch starts from.
 */
class OptimizerCopyTest {
    @ParameterizedTest
    @EnumSource(value = Optimizer.Kind.class, names = {"SGD", "MOMENTUM", "ADAGRAD", "ADAM"})
    void aCopyStepsAloneAndAlike(Optimizer.Kind kind) {
        int n = 37;
        Optimizer original = kind.create(0.01, 0.9, n);
        double[] p = new double[n];
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            g[i] = Math.sin(i);
        }
        original.update(p, g, original.begin(1), 0, n);
        var before = original.state();
        Optimizer copy = original.copy();
        double[] q = p.clone();
        copy.update(q, g, copy.begin(1), 0, n);
        var after = original.state();
        assertEquals(before.keySet(), after.keySet());
        before.forEach((k, v) -> assertArrayEquals(v, after.get(k), 0.0, k + " changed by the copy's step"));
        double[] r = p.clone();
        original.update(r, g, original.begin(1), 0, n);
        assertArrayEquals(r, q, 0.0, "the copy steps as the original does");
    }
}
