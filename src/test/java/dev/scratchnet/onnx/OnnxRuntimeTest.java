package dev.scratchnet.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.scratchnet.data.ImageSet;
import dev.scratchnet.layers.SoftmaxWithLoss;
import dev.scratchnet.math.Matrix;
import dev.scratchnet.network.LayerSpec;
import dev.scratchnet.network.Network;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.network.Shape;
import dev.scratchnet.network.Standardization;
import dev.scratchnet.network.Task;
import dev.scratchnet.network.WeightInit;
import dev.scratchnet.testing.TestData;
import dev.scratchnet.training.ModelFile;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
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
    /**
     * Runs {@code model} in onnxruntime on {@code n} examples of {@code features} raw values each, laid out as
     * {@code shape} without the batch; returns the output row by row.
     */
    static double[][] run(Path model, float[] raw, int n, long[] shape) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] dims = new long[shape.length + 1];
        dims[0] = n;
        System.arraycopy(shape, 0, dims, 1, shape.length);
        try (OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(raw), dims);
             OrtSession.Result result = session.run(Map.of(OnnxModel.INPUT, input))) {
            float[][] out = (float[][]) result.get(0).getValue();
            double[][] d = new double[out.length][];
            for (int r = 0; r < out.length; r++) {
                d[r] = new double[out[r].length];
                for (int c = 0; c < out[r].length; c++) {
                    d[r][c] = out[r][c];
                }
            }
            return d;
        }
    }

    /** The network's own outputs (double precision, in batches): softmax probabilities or the regression's value. */
    static double[][] expected(NetworkSpec spec, double[] params, float[] raw, int n, double scale) {
        Network net = new Network(spec, params);
        int d = spec.inputSize();
        double[][] out = new double[n][];
        for (int from = 0; from < n; from += 500) {
            int rows = Math.min(500, n - from);
            double[] x = new double[rows * d];
            for (int i = 0; i < x.length; i++) {
                x[i] = raw[from * d + i] * scale;
            }
            Matrix y = net.predict(Matrix.of(rows, d, x));
            if (spec.task() == Task.REGRESSION) {
                y = spec.newLossLayer().output(y);
            }
            for (int r = 0; r < rows; r++) {
                double[] row = new double[y.cols()];
                for (int c = 0; c < row.length; c++) {
                    row[c] = y.get(r, c);
                }
                if (spec.task() == Task.CLASSIFICATION) {
                    SoftmaxWithLoss.softmaxInPlace(row);
                }
                out[from + r] = row;
            }
        }
        return out;
    }

    /** MNIST's pixels (0 … 255) of the first {@code n} examples as floats. */
    static float[] pixels(ImageSet images, int n) {
        int d = images.features();
        float[] raw = new float[n * d];
        byte[] pixels = images.pixels();
        for (int i = 0; i < raw.length; i++) {
            raw[i] = pixels[i] & 0xFF;
        }
        return raw;
    }

    /** The same predicted class on every row, probabilities within 1e-5; returns the largest difference. */
    static double assertSameClassifications(double[][] expected, double[][] actual) {
        assertEquals(expected.length, actual.length);
        double max = 0;
        for (int r = 0; r < expected.length; r++) {
            assertEquals(argmax(expected[r]), argmax(actual[r]), "row " + r);
            for (int c = 0; c < expected[r].length; c++) {
                max = Math.max(max, Math.abs(expected[r][c] - actual[r][c]));
            }
        }
        assertTrue(max <= 1e-5, "largest probability difference " + max);
        return max;
    }

    static int argmax(double[] row) {
        int best = 0;
        for (int c = 1; c < row.length; c++) {
            if (row[c] > row[best]) {
                best = c;
            }
        }
        return best;
    }

    /** Random weights, batch normalization's statistics random too (a variance in [0.5, 2]). */
    static double[] randomParams(NetworkSpec spec, long seed) {
        double[] params = WeightInit.he().initialize(spec, seed);
        Random random = new Random(seed);
        for (NetworkSpec.ParameterBlock b : spec.parameterBlocks()) {
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
