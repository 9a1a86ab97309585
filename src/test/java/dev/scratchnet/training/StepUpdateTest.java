package dev.scratchnet.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.math.Matrix;
import dev.scratchnet.math.Precision;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.network.WeightDecay;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.partition.GradientSum;
import dev.scratchnet.partition.Parameters;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A step's update in two passes, on the caller's thread or cut into ranges run at once on a task's threads, gives the
 * bits of the update pass by pass, and keeps the float copy the steps compute with equal to the parameters, for every
 * optimizer, with weight decay, over several steps (Adam's bias correction counts each step once); a diverging step
 * stops with the same message.
 */
class StepUpdateTest {
    private static final ExecutorService THREADS = Executors.newFixedThreadPool(3);

    @AfterAll
    static void stop() {
        THREADS.shutdownNow();
    }

    static double[] random(int n, long seed) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }

    @ParameterizedTest
    @EnumSource(value = Optimizer.Kind.class, names = {"SGD", "MOMENTUM", "ADAGRAD", "ADAM"})
    void rangesOnThreadsGiveTheBitsOfOnePass(Optimizer.Kind kind) {
        NetworkSpec spec = NetworkSpec.mlp(784, java.util.List.of(30), dev.scratchnet.network.Activation.RELU, 10);
        StepUpdate update = new StepUpdate(spec, new WeightDecay(1e-3), "0.01");
        int n = spec.parameterCount();
        for (int ways : new int[] {1, 2, 3, 4}) {
            double[] serial = random(n, 1);
            double[] ranged = serial.clone();
            Matrix working = Parameters.forPrecision(ranged, Precision.SINGLE);
            Optimizer a = kind.create(0.01, 0.9, n);
            Optimizer b = kind.create(0.01, 0.9, n);
            for (int step = 0; step < 5; step++) {
                GradientSum sum = GradientSum.of(random(n, 10 + step), 3.0, 7, 6.5);
                GradientEngine.StepPosition at = new GradientEngine.StepPosition(0, step, step);
                update.apply(sum, serial, a, 0.5, at);
                double[] reused = new double[n];
                java.util.Arrays.fill(reused, Double.NaN); // a buffer a loop reuses: every element is written
                update.apply(sum, ranged, b, 0.5, at, ways == 1 ? null : THREADS, ways, working, reused);
                assertArrayEquals(serial, ranged, 0.0, kind.id() + ", " + ways + " ranges, step " + step);
                assertArrayEquals(Parameters.forPrecision(ranged, Precision.SINGLE).toDoubles(), working.toDoubles(), 0.0,
                        "the working float copy kept by the update, " + ways + " ranges, step " + step);
            }
            assertEquals(a.state().keySet(), b.state().keySet());
            a.state().forEach((k, v) -> assertArrayEquals(v, b.state().get(k), 0.0, k));
        }
    }

    @Test
    void aGradientThatIsNotFiniteStopsWithTheSameLineInRanges() {
        NetworkSpec spec = NetworkSpec.mlp(784, java.util.List.of(30), dev.scratchnet.network.Activation.RELU, 10);
        StepUpdate update = new StepUpdate(spec, WeightDecay.NONE, "0.01");
        int n = spec.parameterCount();
        double[] g = random(n, 3);
        g[n - 5] = Double.NaN;
        GradientSum sum = GradientSum.of(g, 3.0, 7, 7);
        GradientEngine.StepPosition at = new GradientEngine.StepPosition(1, 2, 12);
        String serial = assertThrows(ScratchnetException.class, () -> update.apply(GradientSum.of(g.clone(), 3.0, 7, 7),
                random(n, 1), Optimizer.Kind.ADAM.create(0.01, 0.9, n), 1, at)).getMessage();
        String ranged = assertThrows(ScratchnetException.class, () -> update.apply(sum, random(n, 1),
                Optimizer.Kind.ADAM.create(0.01, 0.9, n), 1, at, THREADS, 3, null, null)).getMessage();
        assertEquals(serial, ranged);
    }
}
