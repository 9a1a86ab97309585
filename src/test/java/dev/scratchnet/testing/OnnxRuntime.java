package dev.scratchnet.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.scratchnet.data.ImageSet;
import dev.scratchnet.layers.SoftmaxWithLoss;
import dev.scratchnet.math.Matrix;
import dev.scratchnet.network.Network;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.network.Task;
import dev.scratchnet.onnx.OnnxModel;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/** Runs a {@code model.onnx} in onnxruntime and compares its outputs with the network's own. */
public final class OnnxRuntime {
    private OnnxRuntime() {}

    /**
     * Runs {@code model} in onnxruntime on {@code n} examples of {@code features} raw values each, laid out as
     * {@code shape} without the batch; returns the output row by row.
     */
    public static double[][] run(Path model, float[] raw, int n, long[] shape) throws OrtException {
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
    public static double[][] expected(NetworkSpec spec, double[] params, float[] raw, int n, double scale) {
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
    public static float[] pixels(ImageSet images, int n) {
        int d = images.features();
        float[] raw = new float[n * d];
        byte[] pixels = images.pixels();
        for (int i = 0; i < raw.length; i++) {
            raw[i] = pixels[i] & 0xFF;
        }
        return raw;
    }

    /** The same predicted class on every row, probabilities within 1e-5; returns the largest difference. */
    public static double assertSameClassifications(double[][] expected, double[][] actual) {
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

    public static int argmax(double[] row) {
        int best = 0;
        for (int c = 1; c < row.length; c++) {
            if (row[c] > row[best]) {
                best = c;
            }
        }
        return best;
    }
}
