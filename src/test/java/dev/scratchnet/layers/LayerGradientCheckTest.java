package dev.scratchnet.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.math.Matrix;
import dev.scratchnet.math.Precision;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * Every layer's backward against central differences of {@code f(x) = Σ forward(x) ⊙ dout} for a random
 * upstream {@code dout} (for the loss layer, of the loss itself), with explicit tolerances.
 */
class LayerGradientCheckTest {
    private static final double H = 1e-5;
    private static final double TOLERANCE = 1e-7;
    private final Random random = new Random(42);

    @Test
    void reluBackwardMatchesNumericalGradient() {
        Matrix x = randomAwayFromZero(4, 5);
        checkInputGradient(new Relu(), x);
    }

    @Test
    void sigmoidBackwardMatchesNumericalGradient() {
        checkInputGradient(new Sigmoid(), random(4, 5, 3.0));
    }

    @Test
    void affineBackwardMatchesNumericalGradientForInputWeightsAndBias() {
        int in = 6;
        int out = 4;
        double[] params = random(1, in * out + out, 0.5).data();
        double[] grads = new double[params.length];
        Affine affine = new Affine(in, out, params, grads, 0, in * out, true, Precision.DOUBLE.newProducts());
        Matrix x = random(3, in, 1.0);
        Matrix dout = random(3, out, 1.0);
        ToDoubleFunction<Matrix> f = m -> dot(new Affine(in, out, params, null, 0, in * out, true, Precision.DOUBLE.newProducts()).forward(m), dout);

        affine.forward(x);
        Matrix dx = affine.backward(dout);
        assertClose(numerical(f, x), dx.data(), "dx");

        assertClose(numerical(() -> f.applyAsDouble(x), params), grads, "dW, db");
    }

    @Test
    void affineAddsIntoGradientsAndSkipsDxWhenNotNeeded() {
        double[] params = {1, 2, 3, 4, 0.5, -0.5};
        double[] grads = {10, 10, 10, 10, 10, 10};
        Affine affine = new Affine(2, 2, params, grads, 0, 4, false, Precision.DOUBLE.newProducts());
        Matrix y = affine.forward(Matrix.ofRows(new double[] {1, 1}));
        assertArrayEquals(new double[] {4.5, 5.5}, y.data(), 1e-12);
        assertNull(affine.backward(Matrix.ofRows(new double[] {1, 2})));
        // dW = xᵀ·dout = [[1, 2], [1, 2]], db = [1, 2], added to the 10s already there.
        assertArrayEquals(new double[] {11, 12, 11, 12, 11, 12}, grads, 1e-12);
    }

    @Test
    void softmaxWithLossBackwardMatchesNumericalGradientForIndexAndOneHotLabels() {
        Matrix x = random(5, 4, 2.0);
        int[] labels = {0, 3, 1, 1, 2};
        SoftmaxWithLoss layer = new SoftmaxWithLoss();
        layer.forward(x, labels);
        double[] dx = layer.backward(1.0).data();
        assertClose(numerical(m -> new SoftmaxWithLoss().forward(m, labels), x), dx, "dx (indices)");

        Matrix oneHot = Matrix.zeros(5, 4);
        for (int r = 0; r < labels.length; r++) {
            oneHot.set(r, labels[r], 1.0);
        }
        SoftmaxWithLoss oneHotLayer = new SoftmaxWithLoss();
        assertEquals(layer.forward(x, labels), oneHotLayer.forward(x, oneHot), 1e-12);
        assertClose(dx, oneHotLayer.backward(1.0).data(), "dx (one-hot)");
    }

    @Test
    void softmaxWithLossIsStableForHugeScoresAndSumsWhenAsked() {
        Matrix x = Matrix.ofRows(new double[] {1000, 0, -1000}, new double[] {1000, 0, -1000});
        // Right and certain: loss 0. Wrong by 2000: loss 2000, where a naive exp/log gives NaN or infinity.
        assertEquals(0.0, new SoftmaxWithLoss().forwardSum(x, new int[] {0, 0}), 1e-9);
        assertEquals(2000.0, new SoftmaxWithLoss().forward(x, new int[] {0, 2}) * 2, 1e-9);
        double sum = new SoftmaxWithLoss().forwardSum(Matrix.ofRows(new double[] {0, 0}, new double[] {0, 0}),
                new int[] {0, 1});
        assertEquals(2 * Math.log(2), sum, 1e-12);
    }

    @Test
    void layersNeverModifyTheirArguments() {
        Matrix x = random(3, 4, 1.0);
        Matrix dout = random(3, 4, 1.0);
        Matrix xCopy = Matrix.of(x.rows(), x.cols(), x.data().clone());
        Matrix doutCopy = Matrix.of(dout.rows(), dout.cols(), dout.data().clone());
        for (Layer layer : new Layer[] {new Relu(), new Sigmoid()}) {
            layer.forward(x);
            layer.backward(dout);
        }
        assertArrayEquals(xCopy.data(), x.data());
        assertArrayEquals(doutCopy.data(), dout.data());
    }

    @Test
    void gradientCheckCatchesAWrongBackward() {
        Layer wrong = new Layer() {
            private final Sigmoid inner = new Sigmoid();

            @Override
            public Matrix forward(Matrix x) {
                return inner.forward(x);
            }

            @Override
            public Matrix backward(Matrix dout) {
                return dout; // forgets the sigmoid's derivative
            }
        };
        Matrix x = random(2, 3, 1.0);
        Matrix dout = random(2, 3, 1.0);
        wrong.forward(x);
        double[] dx = wrong.backward(dout).data();
        double[] expected = numerical(m -> dot(new Sigmoid().forward(m), dout), x);
        assertTrue(maxAbsDiff(expected, dx) > 0.1, "a wrong backward must be caught");
    }

    private void checkInputGradient(Layer layer, Matrix x) {
        Matrix dout = random(x.rows(), x.cols(), 1.0);
        layer.forward(x);
        double[] dx = layer.backward(dout).data();
        Layer fresh = layer instanceof Relu ? new Relu() : new Sigmoid();
        assertClose(numerical(m -> dot(fresh.forward(m), dout), x), dx, layer.getClass().getSimpleName());
    }

    private static double[] numerical(ToDoubleFunction<Matrix> f, Matrix x) {
        return numerical(() -> f.applyAsDouble(x), x.data());
    }

    /** Central differences of {@code f} with respect to each entry of {@code d}, which {@code f} reads. */
    private static double[] numerical(java.util.function.DoubleSupplier f, double[] d) {
        double[] grad = new double[d.length];
        for (int i = 0; i < d.length; i++) {
            double saved = d[i];
            d[i] = saved + H;
            double plus = f.getAsDouble();
            d[i] = saved - H;
            double minus = f.getAsDouble();
            d[i] = saved;
            grad[i] = (plus - minus) / (2 * H);
        }
        return grad;
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        double diff = maxAbsDiff(expected, actual);
        assertTrue(diff < TOLERANCE, what + ": max |numerical - backprop| = " + diff);
    }

    private static double maxAbsDiff(double[] a, double[] b) {
        assertEquals(a.length, b.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    private static double dot(Matrix a, Matrix b) {
        double s = 0;
        for (int i = 0; i < a.data().length; i++) {
            s += a.data()[i] * b.data()[i];
        }
        return s;
    }

    private Matrix random(int rows, int cols, double scale) {
        double[] d = new double[rows * cols];
        for (int i = 0; i < d.length; i++) {
            d[i] = scale * random.nextGaussian();
        }
        return Matrix.of(rows, cols, d);
    }

    /** ReLU has a kink at 0: keep inputs at least 0.1 away so central differences do not straddle it. */
    private Matrix randomAwayFromZero(int rows, int cols) {
        Matrix m = random(rows, cols, 1.0);
        double[] d = m.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.copySign(0.1 + Math.abs(d[i]), d[i]);
        }
        return m;
    }
}
