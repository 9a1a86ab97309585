package dev.scratchnet.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.math.Matrix;
import dev.scratchnet.math.Precision;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.ml.linalg.DenseMatrix;
import org.junit.jupiter.api.Test;

/** Whole networks: layout, gradient checks (§5.7.3) for several shapes, weights as ml.linalg. */
class NetworkTest {

    @Test
    void twoLayerNetHasTheBooksShapes() {
        NetworkSpec spec = NetworkSpec.twoLayerNet();
        assertEquals(784 * 50 + 50 + 50 * 10 + 10, spec.parameterCount());
        assertEquals(List.of("W1", "b1", "W2", "b2"),
                spec.parameterBlocks().stream().map(NetworkSpec.ParameterBlock::name).toList());
        assertEquals(784 * 50, spec.biasOffset(1));
        assertEquals("784-50-10 relu", spec.describe());
    }

    @Test
    void gradientCheckPassesForReluSigmoidAndDeeperNetworks() {
        for (NetworkSpec spec : List.of(
                new NetworkSpec(12, List.of(7), Activation.RELU, 4),
                new NetworkSpec(12, List.of(7), Activation.SIGMOID, 4),
                new NetworkSpec(9, List.of(8, 6, 5), Activation.RELU, 3),
                new NetworkSpec(9, List.of(8, 6), Activation.SIGMOID, 3))) {
            Network net = new Network(spec, WeightInit.std(0.5).initialize(spec, 7), Precision.DOUBLE);
            Random random = new Random(3);
            Matrix x = Matrix.zeros(5, spec.inputSize());
            for (int i = 0; i < x.data().length; i++) {
                x.data()[i] = random.nextDouble();
            }
            int[] labels = random.ints(5, 0, spec.classes()).toArray();
            Map<String, Double> diffs = GradientCheck.meanAbsoluteDifferences(net, x, labels);
            assertEquals(2 * spec.affineCount(), diffs.size());
            diffs.forEach((name, diff) -> assertTrue(diff < 1e-8, spec.describe() + " " + name + ": " + diff));
        }
    }

    @Test
    void gradientCheckFailsWhenBackpropIsWrong() {
        NetworkSpec spec = new NetworkSpec(6, List.of(5), Activation.SIGMOID, 3);
        Network net = new Network(spec, WeightInit.std(0.5).initialize(spec, 1), Precision.DOUBLE);
        Matrix x = Matrix.ofRows(new double[] {0.1, 0.2, 0.3, 0.4, 0.5, 0.6});
        int[] labels = {2};
        double[] right = net.gradient(x, labels);
        double[] numerical = net.numericalGradient(x, labels);
        right[spec.weightOffset(1)] += 1e-3; // a corrupted backprop value
        assertTrue(Math.abs(numerical[spec.weightOffset(1)] - right[spec.weightOffset(1)]) > 1e-4);
    }

    @Test
    void accumulateGradientAddsTheSumAndGradientIsTheMean() {
        NetworkSpec spec = new NetworkSpec(4, List.of(3), Activation.RELU, 2);
        Network net = new Network(spec, WeightInit.he().initialize(spec, 5), Precision.DOUBLE);
        Matrix x = Matrix.ofRows(new double[] {1, 0, 2, 1}, new double[] {0, 1, 1, 3});
        int[] labels = {1, 0};
        double[] sum = new double[spec.parameterCount()];
        double lossSum = net.accumulateGradient(x, labels, sum);
        double[] mean = net.gradient(x, labels);
        for (int i = 0; i < sum.length; i++) {
            assertEquals(sum[i] / 2, mean[i], 1e-15);
        }
        assertEquals(lossSum / 2, net.loss(x, labels), 1e-12);
        double[] twice = sum.clone();
        net.accumulateGradient(x, labels, twice);
        for (int i = 0; i < sum.length; i++) {
            assertEquals(2 * sum[i], twice[i], 1e-12);
        }
    }

    @Test
    void singlePrecisionGradientsAgreeWithDoubleToFloatRounding() {
        NetworkSpec spec = new NetworkSpec(64, List.of(32, 16), Activation.RELU, 10);
        double[] params = WeightInit.he().initialize(spec, 9);
        Random random = new Random(4);
        Matrix x = Matrix.zeros(50, 64);
        for (int i = 0; i < x.data().length; i++) {
            x.data()[i] = random.nextInt(256) / 255.0;
        }
        int[] labels = random.ints(50, 0, 10).toArray();
        double[] exact = new Network(spec, params, Precision.DOUBLE).gradient(x, labels);
        double[] single = new Network(spec, params, Precision.SINGLE).gradient(x, labels);
        double scale = 0;
        double maxDiff = 0;
        for (int i = 0; i < exact.length; i++) {
            scale = Math.max(scale, Math.abs(exact[i]));
            maxDiff = Math.max(maxDiff, Math.abs(exact[i] - single[i]));
        }
        assertTrue(maxDiff < 1e-5 * scale, "single vs double: " + maxDiff + " of " + scale);
        assertTrue(maxDiff > 0, "single precision really ran");
    }

    @Test
    void weightsAndBiasesReadAsMlLinalg() {
        NetworkSpec spec = new NetworkSpec(3, List.of(2), Activation.RELU, 2);
        double[] params = new double[spec.parameterCount()];
        for (int i = 0; i < params.length; i++) {
            params[i] = i;
        }
        Network net = new Network(spec, params, Precision.DOUBLE);
        DenseMatrix w1 = net.weight(1);
        assertEquals(3, w1.numRows());
        assertEquals(2, w1.numCols());
        assertEquals(1.0, w1.apply(0, 1)); // row-major: W1[0][1] is params[1]
        assertEquals(2.0, w1.apply(1, 0));
        assertArrayEquals(new double[] {6, 7}, net.bias(1).toArray());
        assertArrayEquals(new double[] {12, 13}, net.bias(2).toArray());
    }

    @Test
    void weightInitUsesTheRightScale() {
        NetworkSpec spec = new NetworkSpec(800, List.of(200), Activation.RELU, 10);
        double[] he = WeightInit.he().initialize(spec, 1);
        double var = 0;
        for (int i = 0; i < 800 * 200; i++) {
            var += he[i] * he[i];
        }
        assertEquals(2.0 / 800, var / (800 * 200), 0.05 * 2.0 / 800);
        assertEquals(0.0, he[spec.biasOffset(1)]);
        assertArrayEquals(he, WeightInit.he().initialize(spec, 1), "same seed, same weights");
        assertEquals("std:0.01", WeightInit.parse("0.01").toString());
        assertEquals(WeightInit.Kind.XAVIER, WeightInit.parse("Xavier").kind());
        assertThrows(IllegalArgumentException.class, () -> WeightInit.parse("-1"));
    }
}
