package dev.scratchnet.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.scratchnet.testing.OnnxRuntime.assertSameClassifications;
import static dev.scratchnet.testing.OnnxRuntime.expected;
import static dev.scratchnet.testing.OnnxRuntime.pixels;
import static dev.scratchnet.testing.OnnxRuntime.run;


import dev.scratchnet.layers.LayerSpec;
import dev.scratchnet.layers.Shape;
import dev.scratchnet.layers.Standardization;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.network.ParameterBlock;
import dev.scratchnet.network.Task;
import dev.scratchnet.network.WeightInit;
import dev.scratchnet.run.ModelFile;
import dev.scratchnet.testing.TestData;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code model.onnx} run by the real ONNX runtime gives the network's own outputs: every layer kind (affine, ReLU,
 * sigmoid, dropout, convolution with stride and padding, pooling with padding, batch normalization), the data's
 * scale and a regression's label standardization inside the graph. Trained networks on all of MNIST's test set are
 * in {@link OnnxRunsTest}; here, networks with random weights and random statistics on a few hundred inputs.
 */
class OnnxRuntimeTest {
    /** Random weights, batch normalization's statistics random too (a variance in [0.5, 2]). */
    static double[] randomParams(NetworkSpec spec, long seed) {
        double[] params = WeightInit.he().initialize(spec, seed);
        Random random = new Random(seed);
        for (ParameterBlock b : spec.parameterBlocks()) {
            for (int i = b.offset(); i < b.offset() + b.size(); i++) {
                if (b.name().startsWith("running_var")) {
                    params[i] = 0.5 + 1.5 * random.nextDouble();
                } else if (!b.name().startsWith("W")) {
                    params[i] = 0.2 * random.nextGaussian() + (b.name().startsWith("gamma") ? 1 : 0);
                }
            }
        }
        return params;
    }

    @Test
    void everyLayerKindWithStrideAndPaddingMatchesTheNetwork(@TempDir Path tmp) throws Exception {
        NetworkSpec spec = new NetworkSpec(new Shape(1, 28, 28), LayerSpec.parseList(
                "conv:6:3x3:s2:p1,batchnorm,sigmoid,pool:3x3:s2:p1,conv:8:3x3,relu,pool:2x2,dropout:0.3,affine:30,"
                        + "batchnorm,relu,dropout:0.5,affine:20,sigmoid,affine"), Task.CLASSIFICATION, 10);
        double[] params = randomParams(spec, 7);
        ModelFile.save(tmp, spec, params, 1 / 255.0);
        int n = 300;
        float[] raw = pixels(TestData.mnist().test(), n);
        double[][] onnx = run(tmp.resolve(ModelFile.ONNX), raw, n, new long[] {1, 28, 28});
        assertSameClassifications(expected(spec, params, raw, n, 1 / 255.0), onnx);
    }

    @Test
    void aFullyConnectedNetworkTakesFlatVectors(@TempDir Path tmp) throws Exception {
        NetworkSpec spec = new NetworkSpec(Shape.flat(50), LayerSpec.parseList("affine:40,batchnorm,sigmoid,"
                + "dropout:0.2,affine:30,relu,affine"), Task.CLASSIFICATION, 4);
        double[] params = randomParams(spec, 11);
        ModelFile.save(tmp, spec, params, 0.5);
        int n = 200;
        float[] raw = new float[n * 50];
        Random random = new Random(3);
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (float) (4 * random.nextGaussian());
        }
        assertSameClassifications(expected(spec, params, raw, n, 0.5),
                run(tmp.resolve(ModelFile.ONNX), raw, n, new long[] {50}));
    }

    @Test
    void aRegressionPredictsInTheLabelsUnits(@TempDir Path tmp) throws Exception {
        NetworkSpec spec = new NetworkSpec(Shape.flat(10), LayerSpec.parseList("affine:16,relu,affine:8,sigmoid,affine"),
                Task.REGRESSION, 1, new Standardization(152.1, 77.0));
        double[] params = randomParams(spec, 5);
        ModelFile.save(tmp, spec, params, 0.01);
        int n = 300;
        float[] raw = new float[n * 10];
        Random random = new Random(9);
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (float) (100 * random.nextGaussian());
        }
        double[][] want = expected(spec, params, raw, n, 0.01);
        double[][] got = run(tmp.resolve(ModelFile.ONNX), raw, n, new long[] {10});
        double max = 0;
        for (int r = 0; r < n; r++) {
            assertEquals(1, got[r].length);
            max = Math.max(max, Math.abs(want[r][0] - got[r][0]) / Math.abs(want[r][0]));
        }
        assertTrue(max <= 1e-5, "largest relative difference " + max);
    }
}
