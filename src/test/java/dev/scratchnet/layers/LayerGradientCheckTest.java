package dev.scratchnet.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.math.Matrix;
import dev.scratchnet.math.Precision;
import java.util.Random;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * Every layer's backward against central differences of {@code f(x) = Σ forward(x) ⊙ dout} for a random
 * upstream {@code dout} (for the loss layers, of the loss itself), with explicit tolerances.
 */
class LayerGradientCheckTest {
    private static final double H = 1e-5;
    private static final double TOLERANCE = 1e-7;
    private final Random random = new Random(42);

    @Test
    void reluBackwardMatchesNumericalGradient() {
        checkInputGradient(Relu::new, randomAwayFromZero(4, 5));
    }

    @Test
    void sigmoidBackwardMatchesNumericalGradient() {
        checkInputGradient(Sigmoid::new, random(4, 5, 3.0));
    }

    @Test
    void dropoutBackwardMatchesNumericalGradientForItsMask() {
        long[] keys = {11, 12, 13, 14};
        checkInputGradient(() -> new Dropout(0.5, keys), random(4, 6, 1.0));
        Matrix x = random(4, 6, 1.0);
        Matrix out = new Dropout(0.5, keys).forward(x);
        int dropped = 0;
        for (int i = 0; i < out.size(); i++) {
            assertTrue(out.get(i) == 0 || out.get(i) == x.get(i), "a unit is dropped or passes unscaled");
            dropped += out.get(i) == 0 ? 1 : 0;
        }
        assertTrue(dropped > 2 && dropped < 22, "about half dropped: " + dropped);
        Matrix again = new Dropout(0.5, keys).forward(x);
        assertArrayEquals(out.toDoubles(), again.toDoubles(), "the mask is a function of the keys");
        Matrix inference = new Dropout(0.5, null).forward(x);
        assertEquals(x.get(3) * 0.5, inference.get(3), 1e-15, "inference scales by 1 - ratio, as the book does");
    }

    @Test
    void affineBackwardMatchesNumericalGradientForInputWeightsAndBias() {
        int in = 6;
        int out = 4;
        double[] params = random(1, in * out + out, 0.5).data();
        double[] grads = new double[params.length];
        Matrix p = Matrix.of(1, params.length, params);
        Matrix g = Matrix.of(1, grads.length, grads);
        Affine affine = new Affine(p.view(0, in, out), p.view(in * out, 1, out), g.view(0, in, out),
                g.view(in * out, 1, out));
        Matrix x = random(3, in, 1.0);
        Matrix dout = random(3, out, 1.0);
        ToDoubleFunction<Matrix> f = m -> dot(new Affine(p.view(0, in, out), p.view(in * out, 1, out), null, null)
                .forward(m), dout);

        affine.forward(x);
        Matrix dx = affine.backward(dout);
        assertClose(numerical(f, x), dx.toDoubles(), "dx");
        assertClose(numerical(() -> f.applyAsDouble(x), params), grads, "dW, db");
    }

    @Test
    void affineAddsIntoGradientsAndItsFirstLayerFormSkipsDx() {
        double[] params = {1, 2, 3, 4, 0.5, -0.5};
        double[] grads = {10, 10, 10, 10, 10, 10};
        Matrix p = Matrix.of(1, 6, params);
        Matrix g = Matrix.of(1, 6, grads);
        Affine affine = new Affine(p.view(0, 2, 2), p.view(4, 1, 2), g.view(0, 2, 2), g.view(4, 1, 2));
        Matrix y = affine.forward(Matrix.ofRows(new double[] {1, 1}));
        assertArrayEquals(new double[] {4.5, 5.5}, y.toDoubles(), 1e-12);
        affine.backwardParameters(Matrix.ofRows(new double[] {1, 2}));
        // dW = xᵀ·dout = [[1, 2], [1, 2]], db = [1, 2], added to the 10s already there.
        assertArrayEquals(new double[] {11, 12, 11, 12, 11, 12}, grads, 1e-12);
    }

    @Test
    void affineInSinglePrecisionComputesInFloatAndAgreesToFloatRounding() {
        int in = 30;
        int out = 8;
        Matrix p = random(1, in * out + out, 0.5);
        Matrix x = random(5, in, 1.0);
        Matrix exact = new Affine(p.view(0, in, out), p.view(in * out, 1, out), null, null).forward(x);
        Matrix p32 = p.to(Precision.SINGLE);
        Matrix single = new Affine(p32.view(0, in, out), p32.view(in * out, 1, out), null, null)
                .forward(x.to(Precision.SINGLE));
        assertEquals(Precision.SINGLE, single.precision());
        double maxDiff = 0;
        for (int i = 0; i < exact.size(); i++) {
            maxDiff = Math.max(maxDiff, Math.abs(exact.get(i) - single.get(i)));
        }
        assertTrue(maxDiff > 0 && maxDiff < 1e-5, "float rounding only: " + maxDiff);
    }

    @Test
    void softmaxWithLossBackwardMatchesNumericalGradientWithAndWithoutWeights() {
        Matrix x = random(5, 4, 2.0);
        double[] labels = {0, 3, 1, 1, 2};
        for (double[] w : new double[][] {null, {1, 0.5, 2, 0, 3}}) {
            SoftmaxWithLoss layer = new SoftmaxWithLoss();
            layer.forward(x, labels, w);
            double[] dx = layer.backward(1.0).toDoubles();
            assertClose(numerical(m -> new SoftmaxWithLoss().forward(m, labels, w), x), dx, "dx, weights " + (w != null));
        }
    }

    @Test
    void identityWithLossIsHalfTheSquaredErrorAndItsGradient() {
        Matrix x = random(4, 1, 2.0);
        double[] t = {0.5, -1, 2, 0};
        double[] w = {1, 2, 0.5, 1};
        IdentityWithLoss layer = new IdentityWithLoss();
        double loss = layer.forward(x, t, w);
        double expected = 0;
        for (int i = 0; i < 4; i++) {
            expected += w[i] * 0.5 * (x.get(i) - t[i]) * (x.get(i) - t[i]);
        }
        assertEquals(expected, loss, 1e-12);
        assertClose(numerical(m -> new IdentityWithLoss().forward(m, t, w), x), layer.backward(1.0).toDoubles(), "dx");
        assertThrows(IllegalArgumentException.class, () -> new IdentityWithLoss().forward(random(2, 2, 1), t, null));

        // Targets in the hundreds, learned standardized: the loss is on (t - center) / scale, the output in t's units.
        dev.scratchnet.layers.Standardization s = new dev.scratchnet.layers.Standardization(150, 75);
        double[] big = {75, 150, 300, 225};
        IdentityWithLoss standardized = new IdentityWithLoss(s);
        Matrix u = Matrix.ofRows(new double[] {-1}, new double[] {0}, new double[] {2}, new double[] {1});
        assertEquals(0.0, standardized.forward(u, big, null), 1e-12, "outputs -1, 0, 2, 1 are those targets exactly");
        assertArrayEquals(big, standardized.output(u).toDoubles(), 1e-12);
        assertClose(numerical(m -> new IdentityWithLoss(s).forward(m, big, w), x),
                standardizedGradient(s, x, big, w), "dx, standardized");
    }

    private static double[] standardizedGradient(dev.scratchnet.layers.Standardization s, Matrix x, double[] t,
                                                 double[] w) {
        IdentityWithLoss layer = new IdentityWithLoss(s);
        layer.forward(x, t, w);
        return layer.backward(1.0).toDoubles();
    }

    @Test
    void softmaxWithLossIsStableForHugeScoresAndSums() {
        Matrix x = Matrix.ofRows(new double[] {1000, 0, -1000}, new double[] {1000, 0, -1000});
        // Right and certain: loss 0. Wrong by 2000: loss 2000, where a naive exp/log gives NaN or infinity.
        assertEquals(0.0, new SoftmaxWithLoss().forward(x, new double[] {0, 0}, null), 1e-9);
        assertEquals(2000.0, new SoftmaxWithLoss().forward(x, new double[] {0, 2}, null), 1e-9);
        double sum = new SoftmaxWithLoss().forward(Matrix.ofRows(new double[] {0, 0}, new double[] {0, 0}),
                new double[] {0, 1}, null);
        assertEquals(2 * Math.log(2), sum, 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new SoftmaxWithLoss().forward(x, new double[] {0, 1.5}, null));
    }

    @Test
    void layersNeverModifyTheirArguments() {
        Matrix x = random(3, 4, 1.0);
        Matrix dout = random(3, 4, 1.0);
        double[] xCopy = x.toDoubles();
        double[] doutCopy = dout.toDoubles();
        for (Layer layer : new Layer[] {new Relu(), new Sigmoid(), new Dropout(0.3, new long[] {1, 2, 3})}) {
            layer.forward(x);
            layer.backward(dout);
        }
        assertArrayEquals(xCopy, x.toDoubles());
        assertArrayEquals(doutCopy, dout.toDoubles());
    }

    @Test
    void theCheckCatchesAWrongBackward() {
        Supplier<Layer> forgetsTheDerivative = () -> new Layer() {
            private final Sigmoid inner = new Sigmoid();

            @Override
            public Matrix forward(Matrix x) {
                return inner.forward(x);
            }

            @Override
            public Matrix backward(Matrix dout) {
                return dout.copy();
            }
        };
        assertThrows(AssertionFailedError.class, () -> checkInputGradient(forgetsTheDerivative, random(2, 3, 1.0)));
    }

    /** Runs the check of every layer test on a fresh layer from {@code layers}. */
    private void checkInputGradient(Supplier<Layer> layers, Matrix x) {
        Matrix dout = random(x.rows(), x.cols(), 1.0);
        Layer layer = layers.get();
        layer.forward(x);
        double[] dx = layer.backward(dout).toDoubles();
        assertClose(numerical(m -> dot(layers.get().forward(m), dout), x), dx, layer.getClass().getSimpleName());
    }

    private static double[] numerical(ToDoubleFunction<Matrix> f, Matrix x) {
        return numerical(() -> f.applyAsDouble(x), x.data());
    }

    /**
     * Central differences of {@code f} with respect to each entry of {@code d}, which {@code f} reads (also for
     * {@link ConvolutionalLayersTest}: the helpers below are the layer tests' one gradient check).
     */
    static double[] numerical(java.util.function.DoubleSupplier f, double[] d) {
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

    static void assertClose(double[] expected, double[] actual, String what) {
        double diff = maxAbsDiff(expected, actual);
        assertTrue(diff < TOLERANCE, what + ": max |numerical - backprop| = " + diff);
    }

    static double maxAbsDiff(double[] a, double[] b) {
        assertEquals(a.length, b.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    static double dot(Matrix a, Matrix b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) {
            s += a.get(i) * b.get(i);
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
