package dev.scratchnet.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.layers.LayerSpec;
import dev.scratchnet.layers.Pass;
import dev.scratchnet.layers.Shape;
import dev.scratchnet.math.Matrix;
import dev.scratchnet.math.Precision;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Whole networks: layout, gradient checks (§5.7.3) for several shapes, with dropout and weight decay, for a
 * regression, in single precision; layer lists and what does not fit.
 */
class NetworkTest {

    @Test
    void twoLayerNetHasTheBooksShapes() {
        NetworkSpec spec = NetworkSpec.twoLayerNet();
        assertEquals(784 * 50 + 50 + 50 * 10 + 10, spec.parameterCount());
        assertEquals(List.of("W1", "b1", "W2", "b2"),
                spec.parameterBlocks().stream().map(ParameterBlock::name).toList());
        assertEquals(784 * 50, spec.biasOffset(1));
        assertEquals("784-50-10 relu", spec.describe());
        assertArrayEquals(new int[] {784, 50, 10}, spec.layerSizes());
        assertEquals("affine:50,relu,affine", spec.layerList());
    }

    @Test
    void gradientCheckPassesForReluSigmoidDeeperAndDropoutNetworks() {
        for (NetworkSpec spec : List.of(
                NetworkSpec.mlp(12, List.of(7), Activation.RELU, 4),
                NetworkSpec.mlp(12, List.of(7), Activation.SIGMOID, 4),
                NetworkSpec.mlp(9, List.of(8, 6, 5), Activation.RELU, 3),
                NetworkSpec.mlp(9, List.of(8, 6), Activation.SIGMOID, 3),
                new NetworkSpec(Shape.flat(9), LayerSpec.parseList("affine:8,relu,dropout:0.5,affine:6,sigmoid,affine"),
                        Task.CLASSIFICATION, 3))) {
            Map<String, Double> diffs = check(spec, WeightDecay.NONE);
            assertEquals(spec.parameterBlocks().size(), diffs.size());
            diffs.forEach((name, diff) -> assertTrue(diff < 1e-8, spec.describe() + " " + name + ": " + diff));
        }
    }

    @Test
    void gradientCheckPassesWithWeightDecayWhichAddsLambdaWToTheWeightsOnly() {
        NetworkSpec spec = NetworkSpec.mlp(9, List.of(8, 6), Activation.RELU, 3);
        check(spec, new WeightDecay(0.3)).forEach((name, diff) -> assertTrue(diff < 1e-8, name + ": " + diff));
        double[] params = WeightInit.std(0.5).initialize(spec, 2);
        Matrix x = inputs(4, 9);
        double[] t = {0, 1, 2, 1};
        double[] plain = new Network(spec, params).gradient(x, t);
        double[] decayed = new Network(spec, Matrix.of(1, params.length, params), new WeightDecay(0.3)).gradient(x, t);
        int w1 = spec.weightOffset(1);
        int b1 = spec.biasOffset(1);
        assertEquals(plain[w1] + 0.3 * params[w1], decayed[w1], 1e-12, "dW gains λW");
        assertEquals(plain[b1], decayed[b1], 0.0, "biases are not decayed");
    }

    @Test
    void gradientCheckPassesForARegression() {
        NetworkSpec spec = new NetworkSpec(Shape.flat(5), LayerSpec.parseList("affine:6,relu,affine"), Task.REGRESSION, 1);
        assertEquals("5-6-1 relu regression", spec.describe());
        Network net = new Network(spec, WeightInit.std(0.5).initialize(spec, 4));
        double[] t = {0.3, -1.2, 2.0};
        Map<String, Double> diffs = GradientCheck.meanAbsoluteDifferences(net, inputs(3, 5), t);
        diffs.forEach((name, diff) -> assertTrue(diff < 1e-8, name + ": " + diff));
    }

    @Test
    void theCheckReportsAWrongBackpropValue() {
        NetworkSpec spec = NetworkSpec.mlp(6, List.of(5), Activation.SIGMOID, 3);
        Network net = new Network(spec, WeightInit.std(0.5).initialize(spec, 1));
        Matrix x = Matrix.ofRows(new double[] {0.1, 0.2, 0.3, 0.4, 0.5, 0.6});
        double[] labels = {2};
        double[] backprop = net.gradient(x, labels);
        double[] numerical = net.numericalGradient(x, labels);
        assertTrue(GradientCheck.compare(spec, backprop, numerical).get("W1") < GradientCheck.DEFAULT_TOLERANCE);
        backprop[spec.weightOffset(1)] += 1e-2; // a corrupted backprop value
        assertTrue(GradientCheck.compare(spec, backprop, numerical).get("W1") > GradientCheck.DEFAULT_TOLERANCE,
                "a wrong gradient fails the check");
    }

    @Test
    void accumulateGradientAddsTheWeightedSumAndGradientIsTheMean() {
        NetworkSpec spec = NetworkSpec.mlp(4, List.of(3), Activation.RELU, 2);
        Network net = new Network(spec, WeightInit.he().initialize(spec, 5));
        Matrix x = Matrix.ofRows(new double[] {1, 0, 2, 1}, new double[] {0, 1, 1, 3});
        double[] labels = {1, 0};
        Matrix sum = Matrix.zeros(1, spec.parameterCount());
        Pass pass = Pass.training(0, 2);
        double lossSum = net.accumulateGradient(x, labels, null, pass, sum);
        double[] mean = net.gradient(x, labels);
        for (int i = 0; i < mean.length; i++) {
            assertEquals(sum.get(i) / 2, mean[i], 1e-15);
        }
        assertEquals(lossSum / 2, net.loss(x, labels), 1e-12);
        Matrix twice = sum.copy();
        net.accumulateGradient(x, labels, null, pass, twice);
        for (int i = 0; i < mean.length; i++) {
            assertEquals(2 * sum.get(i), twice.get(i), 1e-12);
        }
        Matrix weighted = Matrix.zeros(1, spec.parameterCount());
        double weightedLoss = net.accumulateGradient(x, labels, new double[] {2, 2}, pass, weighted);
        assertEquals(2 * lossSum, weightedLoss, 1e-12, "weight 2 counts an example twice");
        assertEquals(2 * sum.get(0), weighted.get(0), 1e-12);
    }

    @Test
    void singlePrecisionGradientsAgreeWithDoubleToFloatRounding() {
        assertSingleAgreesWithDouble(NetworkSpec.mlp(64, List.of(32, 16), Activation.RELU, 10), 50, 10, 1e-5);
    }

    /**
     * The gradient of {@code examples} random pixel rows with labels below {@code classes}, in single precision, is
     * the double one to within {@code relative} of its largest entry, and not equal to it (single really ran).
     */
    static void assertSingleAgreesWithDouble(NetworkSpec spec, int examples, int classes, double relative) {
        double[] params = WeightInit.he().initialize(spec, 9);
        Random random = new Random(4);
        Matrix x = Matrix.zeros(examples, spec.inputSize());
        for (int i = 0; i < x.size(); i++) {
            x.set(i, random.nextInt(256) / 255.0);
        }
        double[] labels = random.ints(examples, 0, classes).asDoubleStream().toArray();
        double[] exact = new Network(spec, params).gradient(x, labels);
        Matrix p32 = Matrix.of(1, params.length, params).to(Precision.SINGLE);
        double[] single = new Network(spec, p32, WeightDecay.NONE).gradient(x.to(Precision.SINGLE), labels);
        double scale = 0;
        double maxDiff = 0;
        for (int i = 0; i < exact.length; i++) {
            scale = Math.max(scale, Math.abs(exact[i]));
            maxDiff = Math.max(maxDiff, Math.abs(exact[i] - single[i]));
        }
        assertTrue(maxDiff < relative * scale, "single vs double: " + maxDiff + " of " + scale);
        assertTrue(maxDiff > 0, "single precision really ran");
    }

    @Test
    void dropoutMasksDependOnStepAndPositionNotOnTheRestOfTheBatch() {
        NetworkSpec spec = new NetworkSpec(Shape.flat(6), LayerSpec.parseList("affine:20,relu,dropout:0.5,affine"),
                Task.CLASSIFICATION, 3);
        Network net = new Network(spec, WeightInit.he().initialize(spec, 3));
        Matrix x = inputs(3, 6);
        Matrix all = net.predict(x, Pass.training(7, 5, new long[] {40, 41, 42}));
        Matrix alone = net.predict(x.view(6, 1, 6), Pass.training(7, 5, new long[] {41}));
        for (int c = 0; c < 3; c++) {
            assertEquals(all.get(1, c), alone.get(0, c), 1e-12, "row 41 alone as in its batch");
        }
        Matrix otherStep = net.predict(x, Pass.training(7, 6, new long[] {40, 41, 42}));
        assertTrue(all.get(0, 0) != otherStep.get(0, 0), "another step, another mask");
        Matrix inference = net.predict(x);
        assertTrue(inference.get(0, 0) != all.get(0, 0), "inference drops nothing");
    }

    @Test
    void layerListsParseAndShapesThatDoNotFitNameTheLayer() {
        List<LayerSpec> list = LayerSpec.parseList("affine:100, relu,dropout:0.25 ,affine");
        assertEquals("affine:100,relu,dropout:0.25,affine",
                new NetworkSpec(Shape.flat(784), list, Task.CLASSIFICATION, 10).layerList());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> LayerSpec.parseList("affine:10,tanh,affine"));
        assertTrue(unknown.getMessage().startsWith("layer 2 ('tanh'): unknown layer 'tanh'"), unknown.getMessage());
        IllegalArgumentException last = assertThrows(IllegalArgumentException.class,
                () -> new NetworkSpec(Shape.flat(4), LayerSpec.parseList("affine:10,relu"), Task.CLASSIFICATION, 3));
        assertTrue(last.getMessage().contains("the last layer must be the output layer"), last.getMessage());
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> new NetworkSpec(Shape.flat(4), LayerSpec.parseList("affine:10,relu,affine:5"), Task.CLASSIFICATION, 3));
        assertTrue(size.getMessage().contains("must have 3 outputs"), size.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LayerSpec.parseList("dropout:1"));
    }

    @Test
    void weightInitUsesTheRightScale() {
        NetworkSpec spec = NetworkSpec.mlp(800, List.of(200), Activation.RELU, 10);
        double[] he = WeightInit.he().initialize(spec, 1);
        double var = 0;
        for (int i = 0; i < 800 * 200; i++) {
            var += he[i] * he[i];
        }
        assertEquals(2.0 / 800, var / (800 * 200), 0.05 * 2.0 / 800);
        assertEquals(0.0, he[spec.biasOffset(1)]);
        assertArrayEquals(he, WeightInit.he().initialize(spec, 1), "same seed, same weights");
        assertArrayEquals(he, WeightInit.auto().initialize(spec, 1), "auto is He for a ReLU network");
        NetworkSpec sigmoid = NetworkSpec.mlp(800, List.of(200), Activation.SIGMOID, 10);
        assertArrayEquals(WeightInit.xavier().initialize(sigmoid, 1), WeightInit.auto().initialize(sigmoid, 1),
                "auto is Xavier for a sigmoid network");
        assertEquals("std:0.01", WeightInit.parse("0.01").toString());
        assertEquals(WeightInit.Kind.XAVIER, WeightInit.parse("Xavier").kind());
        assertThrows(IllegalArgumentException.class, () -> WeightInit.parse("-1"));
    }

    private static Map<String, Double> check(NetworkSpec spec, WeightDecay decay) {
        double[] params = WeightInit.std(0.5).initialize(spec, 7);
        Network net = new Network(spec, Matrix.of(1, params.length, params), decay);
        Random random = new Random(3);
        double[] labels = random.ints(5, 0, spec.classes()).asDoubleStream().toArray();
        return GradientCheck.meanAbsoluteDifferences(net, inputs(5, spec.inputSize()), labels);
    }

    private static Matrix inputs(int rows, int cols) {
        Random random = new Random(rows * 31L + cols);
        Matrix x = Matrix.zeros(rows, cols);
        for (int i = 0; i < x.size(); i++) {
            x.set(i, random.nextDouble());
        }
        return x;
    }
}
