package dev.scratchnet.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.layers.LayerSpec;
import dev.scratchnet.layers.Shape;
import dev.scratchnet.math.Matrix;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Convolutional networks as layer lists: the book's SimpleConvNet's shapes and blocks, text forms that parse back,
 * gradient checks of whole networks with convolution, pooling and batch normalization, and lists that do not fit.
 */
class ConvNetworkTest {
    private static final String SIMPLE_CONV_NET = "conv:30:5x5,relu,pool:2x2,affine:100,relu,affine";

    private static NetworkSpec spec(String input, String layers, int classes) {
        return new NetworkSpec(Shape.parse(input), LayerSpec.parseList(layers), Task.CLASSIFICATION, classes);
    }

    @Test
    void simpleConvNetHasTheBooksShapesAndBlocks() {
        NetworkSpec spec = spec("1x28x28", SIMPLE_CONV_NET, 10);
        assertEquals(new Shape(30, 24, 24), spec.inputOf(1));
        assertEquals(new Shape(30, 12, 12), spec.inputOf(3));
        assertEquals(List.of("W1", "b1", "W2", "b2", "W3", "b3"),
                spec.parameterBlocks().stream().map(ParameterBlock::name).toList());
        assertArrayEquals(new int[] {30, 1, 5, 5}, spec.block("W1").shape(), "the book's FN x C x FH x FW");
        assertEquals(25, spec.block("W1").fanIn());
        assertArrayEquals(new int[] {30 * 12 * 12, 100}, spec.block("W2").shape());
        assertEquals(30 * 25 + 30 + 4320 * 100 + 100 + 100 * 10 + 10, spec.parameterCount());
        assertEquals("1x28x28 conv:30:5x5 relu pool:2x2 affine:100 relu affine:10", spec.describe());
        assertEquals(SIMPLE_CONV_NET, spec.layerList());
        long perExample = 2L * 750 * 576 * 2 + 2L * 432_000 * 3 + 2L * 1000 * 3;
        assertEquals(perExample, spec.flopsPerTrainingExample(), "a filter once per output position");
    }

    @Test
    void textFormsParseBack() {
        for (String text : List.of("conv:30:5x5", "conv:16:3x3:s2:p1", "conv:8:3x5:p2", "pool:2x2", "pool:3x3:s2",
                "pool:2x2:s1:p1", "batchnorm")) {
            LayerSpec layer = LayerSpec.parse(text);
            assertEquals(text, layer.text());
            assertEquals(layer, LayerSpec.parse(layer.text()));
        }
        assertEquals("conv:30:5x5", LayerSpec.parse("conv:30:5:s1:p0").text(), "defaults are left out");
        assertEquals("pool:2x2", LayerSpec.parse("POOL:2x2:s2").text());
    }

    @Test
    void batchNormalizationBlocksAreNumberedByTheirLayersAndStartAsTheBooks() {
        NetworkSpec spec = spec("1x6x6", "conv:2:3x3,batchnorm,relu,pool:2x2,affine:5,batchnorm,relu,affine", 3);
        assertEquals(List.of("W1", "b1", "gamma1", "beta1", "running_mean1", "running_var1", "W2", "b2", "gamma2",
                "beta2", "running_mean2", "running_var2", "W3", "b3"),
                spec.parameterBlocks().stream().map(ParameterBlock::name).toList());
        assertArrayEquals(new int[] {2 * 4 * 4}, spec.block("gamma1").shape(), "one value a feature, as the book");
        double[] params = WeightInit.he().initialize(spec, 3);
        for (String name : List.of("gamma1", "gamma2")) {
            ParameterBlock b = spec.block(name);
            for (int i = b.offset(); i < b.offset() + b.size(); i++) {
                assertEquals(1.0, params[i], name + " starts at 1");
            }
        }
        for (String name : List.of("beta1", "running_mean1", "running_var2")) {
            ParameterBlock b = spec.block(name);
            for (int i = b.offset(); i < b.offset() + b.size(); i++) {
                assertEquals(0.0, params[i], name + " starts at 0");
            }
        }
        NetworkSpec plain = spec("1x6x6", "conv:2:3x3,relu,pool:2x2,affine:5,relu,affine", 3);
        double[] w = WeightInit.he().initialize(plain, 3);
        ParameterBlock w1 = spec.block("W1");
        for (int i = 0; i < w1.size(); i++) {
            assertEquals(w[plain.block("W1").offset() + i], params[w1.offset() + i], "the same draws for the weights");
        }
    }

    /**
     * {@link Network#writeGradient} into an array full of garbage gives the bits of {@link Network#accumulateGradient}
     * into zeros: every slot written (convolution, affine, batch normalization's slots of its statistics too), in both
     * precisions. A slot a layer only added to would keep its garbage here.
     */
    @Test
    void writingTheGradientIgnoresWhatTheArrayHeldAndEqualsAddingIntoZeros() {
        for (dev.scratchnet.math.Precision precision : dev.scratchnet.math.Precision.values()) {
            for (NetworkSpec spec : List.of(
                    NetworkSpec.mlp(16, List.of(8), Activation.RELU, 3),
                    spec("1x8x8", "conv:3:3x3,relu,pool:2x2,affine:6,relu,affine", 4),
                    spec("1x6x6", "conv:2:3x3,batchnorm,relu,pool:2x2,affine:5,batchnorm,relu,dropout:0.5,affine", 3),
                    spec("1x5x5", "batchnorm,conv:2:2x2,sigmoid,affine", 3))) {
                double[] params = WeightInit.std(0.5).initialize(spec, 7);
                Matrix p = Matrix.of(1, params.length, params).to(precision);
                Network net = new Network(spec, p, WeightDecay.NONE);
                Random random = new Random(5);
                Matrix x = Matrix.zeros(precision, 6, spec.inputSize());
                for (int i = 0; i < x.size(); i++) {
                    x.set(i, random.nextDouble());
                }
                double[] labels = random.ints(6, 0, spec.classes()).asDoubleStream().toArray();
                dev.scratchnet.layers.Pass pass = dev.scratchnet.layers.Pass.training(11, 2, new long[] {0, 1, 2, 3, 4, 5});
                Matrix added = p.zerosLike();
                double addedLoss = net.accumulateGradient(x, labels, null, pass, added);
                Matrix written = p.zerosLike();
                for (int i = 0; i < written.size(); i++) {
                    written.set(i, i % 2 == 0 ? Double.NaN : 1e30);
                }
                double writtenLoss = net.writeGradient(x, labels, null, pass, written);
                assertEquals(addedLoss, writtenLoss, spec.describe());
                assertArrayEquals(added.toDoubles(), written.toDoubles(), spec.describe() + " " + precision);
                net.writeGradient(x, labels, null, pass, written);
                assertArrayEquals(added.toDoubles(), written.toDoubles(), "written twice, " + spec.describe());
            }
        }
    }

    @Test
    void gradientCheckPassesForConvolutionalNetworks() {
        for (NetworkSpec spec : List.of(
                spec("1x8x8", "conv:3:3x3,relu,pool:2x2,affine:6,relu,affine", 4),
                spec("2x7x7", "conv:3:3x3:s2:p1,relu,pool:2x2:s1,affine", 3),
                spec("1x6x6", "conv:2:3x3,batchnorm,relu,pool:2x2,affine:5,batchnorm,relu,affine", 3),
                spec("1x5x5", "batchnorm,conv:2:2x2,sigmoid,affine", 3))) {
            double[] params = WeightInit.std(0.5).initialize(spec, 7);
            Network net = new Network(spec, Matrix.of(1, params.length, params), WeightDecay.NONE);
            Random random = new Random(3);
            Matrix x = Matrix.zeros(6, spec.inputSize());
            for (int i = 0; i < x.size(); i++) {
                x.set(i, random.nextDouble());
            }
            double[] labels = random.ints(6, 0, spec.classes()).asDoubleStream().toArray();
            Map<String, Double> diffs = GradientCheck.meanAbsoluteDifferences(net, x, labels);
            assertEquals(spec.parameterBlocks().size(), diffs.size());
            diffs.forEach((name, diff) -> assertTrue(diff < 1e-8, spec.describe() + " " + name + ": " + diff));
        }
    }

    @Test
    void singlePrecisionConvNetGradientsAgreeWithDoubleToFloatRounding() {
        NetworkTest.assertSingleAgreesWithDouble(
                spec("1x12x12", "conv:4:5x5,batchnorm,relu,pool:2x2,affine:10,relu,affine", 5), 20, 5, 1e-4);
    }

    @Test
    void listsThatDoNotFitTheirInputNameTheLayerAndWhat() {
        assertEquals("layer 1 (conv:30:5x5) on input 784: conv needs an image, got a flat vector of 784 values: give "
                        + "its shape C x H x W (spark.scratchnet.inputShape, e.g. 1x28x28)",
                message(() -> spec("784", SIMPLE_CONV_NET, 10)));
        assertEquals("layer 3 (pool:5x5) on input 2x4x4: 5x5 windows do not fit its 4x4 images",
                message(() -> spec("1x6x6", "conv:2:3x3,relu,pool:5x5,affine", 3)));
        assertEquals("layer 2 ('conv:3'): conv needs filters and a size: conv:<filters>:<height>x<width>[:s<stride>]"
                + "[:p<pad>]", message(() -> LayerSpec.parseList("relu,conv:3,affine")));
        assertEquals("layer 1 ('conv:0:3x3'): conv's filters must be ≥ 1", message(() -> LayerSpec.parseList("conv:0:3x3")));
        assertEquals("layer 1 ('pool:2x2:q3'): 'q3' is neither s<stride> nor p<pad> "
                + "(pool:<height>x<width>[:s<stride>][:p<pad>])", message(() -> LayerSpec.parseList("pool:2x2:q3")));
        assertEquals("layer 1 ('batchnorm:0.5'): batchnorm takes no arguments",
                message(() -> LayerSpec.parseList("batchnorm:0.5")));
        assertEquals("layer 1 ('pool:2x2x2'): pool's size must be <height>x<width>, got '2x2x2'",
                message(() -> LayerSpec.parseList("pool:2x2x2")));
    }

    private static String message(org.junit.jupiter.api.function.Executable e) {
        return assertThrows(IllegalArgumentException.class, e).getMessage();
    }
}
