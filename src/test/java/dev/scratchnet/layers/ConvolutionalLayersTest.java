package dev.scratchnet.layers;

import static dev.scratchnet.layers.LayerGradientCheckTest.assertClose;
import static dev.scratchnet.layers.LayerGradientCheckTest.dot;
import static dev.scratchnet.layers.LayerGradientCheckTest.maxAbsDiff;
import static dev.scratchnet.layers.LayerGradientCheckTest.numerical;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.math.Im2col;
import dev.scratchnet.math.Matrix;
import dev.scratchnet.math.Precision;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Exchanger;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Convolution, Pooling and BatchNormalization against central differences of {@code f = Σ forward(x) ⊙ dout} for a
 * random upstream {@code dout} (as {@link LayerGradientCheckTest} checks the chapter 5 layers), with stride > 1 and
 * padding > 0 too, and their forward passes against direct loops over the definitions.
 */
class ConvolutionalLayersTest {
    private static final double H = 1e-5;
    private static final double TOLERANCE = 1e-7;
    private final Random random = new Random(17);

    /** Filters, biases and their gradients as views into one parameter and one gradient array, as a network binds them. */
    private record Bound(Matrix p, Matrix g, int filters, Im2col geometry) {
        Matrix W(Matrix of) {
            return of.view(0, filters, geometry.windowSize());
        }

        Matrix b(Matrix of) {
            return of.view(filters * geometry.windowSize(), 1, filters);
        }

        Convolution layer() {
            return new Convolution(W(p), b(p), W(g), b(g), geometry);
        }
    }

    private Bound bound(int filters, Im2col geometry, Precision precision) {
        int n = filters * geometry.windowSize() + filters;
        return new Bound(random(1, n, 0.5).to(precision), Matrix.zeros(precision, 1, n), filters, geometry);
    }

    @Test
    void convolutionForwardIsTheDefinition() {
        for (Im2col g : new Im2col[] {new Im2col(2, 5, 6, 3, 3, 1, 0), new Im2col(3, 7, 5, 3, 2, 2, 1)}) {
            Bound c = bound(4, g, Precision.DOUBLE);
            Matrix x = random(2, g.inputSize(), 1.0);
            Matrix out = c.layer().forward(x);
            int oh = g.outHeight();
            int ow = g.outWidth();
            assertEquals(4 * oh * ow, out.cols());
            for (int n = 0; n < 2; n++) {
                for (int f = 0; f < 4; f++) {
                    for (int oy = 0; oy < oh; oy++) {
                        for (int ox = 0; ox < ow; ox++) {
                            double sum = c.b(c.p).get(f);
                            for (int ch = 0; ch < g.channels(); ch++) {
                                for (int fy = 0; fy < g.filterHeight(); fy++) {
                                    for (int fx = 0; fx < g.filterWidth(); fx++) {
                                        int iy = oy * g.stride() - g.pad() + fy;
                                        int ix = ox * g.stride() - g.pad() + fx;
                                        if (iy >= 0 && iy < g.height() && ix >= 0 && ix < g.width()) {
                                            double w = c.W(c.p).get(f, (ch * g.filterHeight() + fy) * g.filterWidth() + fx);
                                            sum += w * x.get(n, (ch * g.height() + iy) * g.width() + ix);
                                        }
                                    }
                                }
                            }
                            assertEquals(sum, out.get(n, (f * oh + oy) * ow + ox), 1e-12, g + " at " + n + "," + f);
                        }
                    }
                }
            }
        }
    }

    @Test
    void convolutionBackwardMatchesNumericalGradientForInputFiltersAndBiases() {
        for (Im2col g : new Im2col[] {new Im2col(2, 6, 6, 3, 3, 1, 0), new Im2col(3, 7, 6, 3, 3, 2, 1),
                new Im2col(1, 5, 5, 2, 2, 3, 2)}) {
            Bound c = bound(3, g, Precision.DOUBLE);
            Matrix x = random(2, g.inputSize(), 1.0);
            Convolution layer = c.layer();
            Matrix dout = random(2, layer.forward(x).cols(), 1.0);
            Matrix dx = layer.backward(dout);
            Function<Matrix, Matrix> forward = m -> new Convolution(c.W(c.p), c.b(c.p), null, null, g).forward(m);
            assertClose(numerical(() -> dot(forward.apply(x), dout), x.data()), dx.toDoubles(), "dx " + g);
            assertClose(numerical(() -> dot(forward.apply(x), dout), c.p.data()), c.g.toDoubles(), "dW, db " + g);

            double[] grads = c.g.toDoubles();
            Bound fresh = new Bound(c.p, Matrix.zeros(1, c.p.size()), 3, g);
            Convolution first = fresh.layer();
            first.forward(x);
            first.backwardParameters(dout);
            assertArrayEquals(grads, fresh.g.toDoubles(), 1e-12, "the first layer's form adds the same dW, db");
        }
    }

    @Test
    void convolutionInSinglePrecisionAgreesWithDoubleToFloatRounding() {
        Im2col g = new Im2col(3, 9, 9, 3, 3, 2, 1);
        Bound exact = bound(5, g, Precision.DOUBLE);
        Bound single = new Bound(exact.p.to(Precision.SINGLE), Matrix.zeros(Precision.SINGLE, 1, exact.p.size()), 5, g);
        Matrix x = random(3, g.inputSize(), 1.0);
        Convolution c64 = exact.layer();
        Convolution c32 = single.layer();
        Matrix y64 = c64.forward(x);
        Matrix y32 = c32.forward(x.to(Precision.SINGLE));
        assertEquals(Precision.SINGLE, y32.precision());
        assertTrue(maxAbsDiff(y64.toDoubles(), y32.toDoubles()) < 1e-5);
        Matrix dout = random(3, y64.cols(), 1.0);
        Matrix dx64 = c64.backward(dout);
        Matrix dx32 = c32.backward(dout.to(Precision.SINGLE));
        assertEquals(Precision.SINGLE, dx32.precision());
        assertTrue(maxAbsDiff(dx64.toDoubles(), dx32.toDoubles()) < 1e-5, "dx");
        assertTrue(maxAbsDiff(exact.g.toDoubles(), single.g.toDoubles()) < 1e-4, "dW, db");
    }

    @Test
    void poolingForwardIsTheWindowsMaximum() {
        Im2col g = new Im2col(2, 6, 5, 3, 2, 2, 1);
        Matrix x = random(2, g.inputSize(), 1.0);
        Matrix out = new Pooling(g).forward(x);
        int oh = g.outHeight();
        int ow = g.outWidth();
        assertEquals(2 * oh * ow, out.cols());
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 2; c++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double max = Double.NEGATIVE_INFINITY;
                        for (int fy = 0; fy < 3; fy++) {
                            for (int fx = 0; fx < 2; fx++) {
                                int iy = oy * 2 - 1 + fy;
                                int ix = ox * 2 - 1 + fx;
                                boolean inside = iy >= 0 && iy < 6 && ix >= 0 && ix < 5;
                                max = Math.max(max, inside ? x.get(n, (c * 6 + iy) * 5 + ix) : 0); // zero padding
                            }
                        }
                        assertEquals(max, out.get(n, (c * oh + oy) * ow + ox), 0.0);
                    }
                }
            }
        }
    }

    @Test
    void poolingBackwardMatchesNumericalGradient() {
        for (Im2col g : new Im2col[] {new Im2col(3, 6, 6, 2, 2, 2, 0), new Im2col(2, 5, 5, 3, 3, 1, 0),
                new Im2col(2, 5, 6, 3, 3, 2, 1)}) {
            Matrix x = random(2, g.inputSize(), 1.0);
            Pooling layer = new Pooling(g);
            Matrix dout = random(2, layer.forward(x).cols(), 1.0);
            Matrix dx = layer.backward(dout);
            assertClose(numerical(() -> dot(new Pooling(g).forward(x), dout), x.data()), dx.toDoubles(), "dx " + g);
        }
    }

    @Test
    void poolingInSinglePrecisionPicksTheSameMaxima() {
        Im2col g = new Im2col(2, 8, 8, 2, 2, 2, 0);
        Matrix x = random(3, g.inputSize(), 1.0);
        Pooling p64 = new Pooling(g);
        Pooling p32 = new Pooling(g);
        assertTrue(maxAbsDiff(p64.forward(x).toDoubles(), p32.forward(x.to(Precision.SINGLE)).toDoubles()) < 1e-6);
        Matrix dout = random(3, 2 * 16, 1.0);
        assertTrue(maxAbsDiff(p64.backward(dout).toDoubles(), p32.backward(dout.to(Precision.SINGLE)).toDoubles()) < 1e-6);
    }

    /** γ, β, running mean and variance of {@code d} features as views into one array, with their gradient slots. */
    private record Norm(Matrix p, Matrix g, int d) {
        Matrix view(Matrix of, int k) {
            return of.view(k * d, 1, d);
        }

        BatchNormalization layer(BatchSums sums, int count) {
            return new BatchNormalization(view(p, 0), view(p, 1), view(p, 2), view(p, 3),
                    new Matrix[] {view(g, 0), view(g, 1), view(g, 2), view(g, 3)}, sums, count);
        }
    }

    private Norm norm(int d) {
        Matrix p = random(1, 4 * d, 0.5);
        for (int j = 0; j < d; j++) {
            p.set(3 * d + j, 0.5 + Math.abs(p.get(3 * d + j))); // a variance
        }
        return new Norm(p, Matrix.zeros(1, 4 * d), d);
    }

    @Test
    void batchNormalizationIsTheBooksForwardAndItsBackwardMatchesNumericalGradient() {
        Norm bn = norm(4);
        Matrix x = random(6, 4, 2.0);
        BatchNormalization layer = bn.layer(BatchSums.LOCAL, 0);
        Matrix out = layer.forward(x);
        for (int j = 0; j < 4; j++) {
            double mu = 0;
            for (int r = 0; r < 6; r++) {
                mu += x.get(r, j) / 6;
            }
            double var = 0;
            for (int r = 0; r < 6; r++) {
                var += (x.get(r, j) - mu) * (x.get(r, j) - mu) / 6;
            }
            for (int r = 0; r < 6; r++) {
                double expected = bn.p.get(j) * (x.get(r, j) - mu) / Math.sqrt(var + 10e-7) + bn.p.get(4 + j);
                assertEquals(expected, out.get(r, j), 1e-12);
            }
            assertEquals(6 * (mu - bn.p.get(8 + j)), bn.g.get(8 + j), 1e-12, "Σ(x − s) in the running mean's slot");
        }
        Matrix dout = random(6, 4, 1.0);
        Matrix dx = layer.backward(dout);
        DoubleSupplier f = () -> dot(new BatchNormalization(bn.view(bn.p, 0), bn.view(bn.p, 1), bn.view(bn.p, 2),
                bn.view(bn.p, 3), null, BatchSums.LOCAL, 0).forward(x), dout);
        assertClose(numerical(f, x.data()), dx.toDoubles(), "dx");
        double[] numerical = numerical(f, bn.p.data());
        double[] backprop = bn.g.toDoubles();
        for (int i = 0; i < 8; i++) {
            assertEquals(numerical[i], backprop[i], TOLERANCE, "dγ, dβ at " + i);
        }
        for (int i = 8; i < 16; i++) {
            assertEquals(0.0, numerical[i], 1e-6, "the training loss does not depend on the running statistics");
        }
    }

    @Test
    void batchNormalizationInInferenceUsesTheRunningStatistics() {
        Norm bn = norm(3);
        Matrix x = random(2, 3, 1.0);
        Matrix out = bn.layer(null, 0).forward(x);
        for (int r = 0; r < 2; r++) {
            for (int j = 0; j < 3; j++) {
                double xn = (x.get(r, j) - bn.p.get(6 + j)) / Math.sqrt(bn.p.get(9 + j) + 10e-7);
                assertEquals(bn.p.get(j) * xn + bn.p.get(3 + j), out.get(r, j), 1e-12);
            }
        }
        assertThrows(IllegalStateException.class, () -> bn.layer(null, 0).backward(x));
    }

    /**
     * Two shares of one minibatch, each in its own thread, exchanging their sums: each share's outputs and dx are
     * the whole minibatch's rows, and their gradient sums add up to the whole minibatch's.
     */
    @Test
    void sharesOfAMinibatchExchangingSumsComputeTheWholeMinibatch() throws Exception {
        Norm bn = norm(5);
        Matrix x = random(7, 5, 1.5);
        Matrix dout = random(7, 5, 1.0);
        BatchNormalization whole = bn.layer(BatchSums.LOCAL, 0);
        Matrix out = whole.forward(x);
        Matrix dx = whole.backward(dout);

        Exchanger<double[]> exchanger = new Exchanger<>();
        BatchSums sums = partial -> {
            try {
                double[] other = exchanger.exchange(partial);
                double[] total = partial.clone();
                for (int i = 0; i < total.length; i++) {
                    total[i] += other[i];
                }
                return total;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        };
        Norm a = new Norm(bn.p, Matrix.zeros(1, 20), 5);
        Norm b = new Norm(bn.p, Matrix.zeros(1, 20), 5);
        CompletableFuture<Matrix[]> first = CompletableFuture.supplyAsync(() -> share(a, sums, x, dout, 0, 3));
        Matrix[] second = share(b, sums, x, dout, 3, 7);
        Matrix[] firstResult = first.get();
        for (int r = 0; r < 7; r++) {
            Matrix[] s = r < 3 ? firstResult : second;
            int local = r < 3 ? r : r - 3;
            for (int j = 0; j < 5; j++) {
                assertEquals(out.get(r, j), s[0].get(local, j), 1e-12, "out");
                assertEquals(dx.get(r, j), s[1].get(local, j), 1e-12, "dx");
            }
        }
        for (int i = 0; i < 20; i++) {
            assertEquals(bn.g.get(i), a.g.get(i) + b.g.get(i), 1e-12, "gradient sums add up");
        }
    }

    private static Matrix[] share(Norm n, BatchSums sums, Matrix x, Matrix dout, int from, int to) {
        BatchNormalization layer = n.layer(sums, 7);
        Matrix out = layer.forward(x.view(from * 5, to - from, 5).copy());
        return new Matrix[] {out, layer.backward(dout.view(from * 5, to - from, 5).copy())};
    }

    /**
     * Regression: a feature with the same value in every example (MNIST's blank border through a convolution)
     * normalized to rounding noise times 1/sqrt(10e-7), so a ReLU after it passed gradients by the sign of that noise,
     * which changed with the partitioning. It now gives exactly β.
     */
    @Test
    void aFeatureConstantOverTheMinibatchNormalizesToExactlyBeta() {
        Norm bn = norm(2);
        bn.p.set(4, 0.731); // the running mean of feature 0: the shift, far from the values
        Matrix x = random(9, 2, 1.0);
        for (int r = 0; r < 9; r++) {
            x.set(r, 0, 0.1 + 0.2); // a value whose sums do not round exactly
        }
        Matrix out = bn.layer(BatchSums.LOCAL, 0).forward(x);
        for (int r = 0; r < 9; r++) {
            assertEquals(bn.p.get(2), out.get(r, 0), 0.0, "exactly β");
        }
        assertTrue(out.get(0, 1) != bn.p.get(3), "a feature that varies is normalized");
    }

    @Test
    void im2colRejectsWindowsLargerThanThePaddedInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Im2col(1, 4, 4, 5, 5, 1, 0));
        assertEquals("5x5 windows do not fit a 4x4 input", e.getMessage());
        assertEquals(2, new Im2col(1, 4, 4, 5, 5, 1, 1).outHeight(), "padding 1 makes it fit: (4 + 2 − 5) / 1 + 1");
    }

    private Matrix random(int rows, int cols, double scale) {
        double[] d = new double[rows * cols];
        for (int i = 0; i < d.length; i++) {
            d[i] = scale * random.nextGaussian();
        }
        return Matrix.of(rows, cols, d);
    }
}
