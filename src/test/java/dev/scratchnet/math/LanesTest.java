package dev.scratchnet.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Vector API's passes give the bits of the plain loops (the scalar code the optimizers and the update had), on
 * every length around a vector's (the tail), on ±0, subnormals and huge values, and see a NaN or an infinity wherever
 * it is; the tests run with the module, so both paths are compared here.
 */
class LanesTest {
    private static double[] values(int n, long seed) {
        Random r = new Random(seed);
        double[] v = new double[n];
        double[] odd = {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_NORMAL / 3, 1e300, -1e-300, 3.4028235677973366e38};
        for (int i = 0; i < n; i++) {
            v[i] = i % 7 == 3 ? odd[i % odd.length] : r.nextGaussian() * Math.pow(10, r.nextInt(9) - 4);
        }
        return v;
    }

    @Test
    void theVectorApiIsHere() {
        assertTrue(Lanes.VECTOR, "the tests run with --add-modules=jdk.incubator.vector (pom.xml's spark.jvm.flags)");
    }

    private static void awaitVector() throws InterruptedException {
        for (int i = 0; i < 1200 && !Lanes.vectorReady(); i++) { // the warm-up thread's end, not its speed
            Thread.sleep(100);
        }
        assertTrue(Lanes.vectorReady(), "the Vector API's passes were not warmed up in two minutes");
    }

    @Test
    void theVectorPassesTakeOverOnceTheirWarmUpHasRun() throws InterruptedException {
        awaitVector();
    }

    @Test
    void meanWithDecayIsTheTwoLoopsItReplaces() {
        for (int n : new int[] {0, 1, 7, 8, 9, 17, 64, 203530}) {
            for (double lambda : new double[] {0, 1e-4}) {
                double[] sum = values(n, 1);
                double[] params = values(n, 2);
                double scale = 1.0 / 500;
                double[] expected = new double[n];
                for (int i = 0; i < n; i++) {
                    expected[i] = sum[i] * scale;
                }
                if (lambda != 0) {
                    for (int i = 0; i < n; i++) {
                        expected[i] += lambda * params[i];
                    }
                }
                double[] vector = new double[n];
                double[] scalar = new double[n];
                assertTrue(VectorLanes.meanWithDecay(sum, scale, params, lambda, vector, 0, n));
                assertTrue(Lanes.scalarMeanWithDecay(sum, scale, params, lambda, scalar, 0, n));
                assertArrayEquals(expected, vector, 0.0, "n " + n);
                assertArrayEquals(expected, scalar, 0.0, "n " + n);
            }
        }
    }

    @Test
    void adamIsTheBooksLoopWithItsCopyInFloats() {
        for (int n : new int[] {1, 8, 15, 16, 33, 203530}) {
            double[] p0 = values(n, 3);
            double[] p = p0.clone();
            double[] ps = p0.clone();
            double[] m = new double[n];
            double[] v = new double[n];
            double[] ms = new double[n];
            double[] vs = new double[n];
            double[] me = new double[n];
            double[] ve = new double[n];
            double[] pe = p0.clone();
            Matrix w = Matrix.zeros(Precision.SINGLE, 1, n);
            Matrix ws = Matrix.zeros(Precision.SINGLE, 1, n);
            for (int step = 0; step < 3; step++) {
                double[] g = values(n, 10 + step);
                double rate = 0.005 * (step + 1);
                for (int i = 0; i < n; i++) { // Optimizer.Adam's loop
                    me[i] += (1 - 0.9) * (g[i] - me[i]);
                    ve[i] += (1 - 0.999) * (g[i] * g[i] - ve[i]);
                    pe[i] -= rate * me[i] / (Math.sqrt(ve[i]) + 1e-7);
                }
                assertTrue(VectorLanes.adam(p, g, m, v, 1 - 0.9, 1 - 0.999, rate, 1e-7, w.floats(), 0, 0, n));
                assertTrue(Lanes.scalarAdam(ps, g, ms, vs, 1 - 0.9, 1 - 0.999, rate, 1e-7, ws.floats(), 0, 0, n));
                assertArrayEquals(pe, p, 0.0);
                assertArrayEquals(pe, ps, 0.0);
                assertArrayEquals(me, m, 0.0);
                assertArrayEquals(ve, v, 0.0);
                for (int i = 0; i < n; i++) {
                    assertEquals((float) pe[i], w.floats()[i]);
                    assertEquals((float) pe[i], ws.floats()[i]);
                }
            }
        }
    }

    @Test
    void partitionsGradientsAddUpToTheSameBitsOnVectorsAndInLoops() throws InterruptedException {
        awaitVector(); // then this test switches between the two itself
        Random pick = new Random(3);
        for (Precision precision : Precision.values()) {
            for (int parts = 1; parts <= 9; parts++) {
                for (int n : new int[] {1, 9, 511, 1030}) {
                    Matrix[] leaves = new Matrix[parts];
                    for (int p = 0; p < parts; p++) {
                        if (p == 0 || pick.nextInt(4) != 0) {
                            leaves[p] = Matrix.zeros(precision, 1, n);
                            double[] x = values(n, 31L * p + n);
                            for (int i = 0; i < n; i++) {
                                leaves[p].set(i, x[i]);
                            }
                        }
                    }
                    double[] params = values(n, 5);
                    double[] vector = new double[n];
                    double[] loops = new double[n];
                    boolean was = Lanes.useVector(true);
                    try {
                        Lanes.meanWithDecay(leaves, 1.0 / 7, params, 1e-4, vector, 0, n);
                        Lanes.useVector(false);
                        Lanes.meanWithDecay(leaves, 1.0 / 7, params, 1e-4, loops, 0, n);
                    } finally {
                        Lanes.useVector(was);
                    }
                    assertArrayEquals(loops, vector, 0.0, precision + ", " + parts + " partitions, " + n + " values");
                }
            }
        }
    }

    @Test
    void fourFloatLeavesAddUpAsTheTreeAddsThem() throws InterruptedException {
        awaitVector();
        for (int n : new int[] {1, 9, 511, 1030, 203530}) {
            Matrix[] four = new Matrix[4];
            for (int p = 0; p < 4; p++) {
                double[] x = values(n, 17L * p + n);
                four[p] = Matrix.zeros(Precision.SINGLE, 1, n + p).view(p, 1, n); // views at offsets, as shares' are
                for (int i = 0; i < n; i++) {
                    four[p].set(i, x[i]);
                }
            }
            Matrix[] tree = java.util.Arrays.copyOf(four, 5); // a fifth partition without examples: the general path
            double[] params = values(n, 6);
            for (double lambda : new double[] {0, 1e-4}) {
                double[] expected = new double[n];
                Lanes.meanWithDecay(tree, 1.0 / 500, params, lambda, expected, 0, n);
                for (boolean vector : new boolean[] {true, false}) {
                    double[] got = new double[n];
                    boolean was = Lanes.useVector(vector);
                    try {
                        Lanes.meanWithDecay(four, 1.0 / 500, params, lambda, got, 0, n);
                    } finally {
                        Lanes.useVector(was);
                    }
                    assertArrayEquals(expected, got, 0.0, n + " values, lambda " + lambda + ", vector " + vector);
                }
                double i0 = (((double) four[0].get(0) + four[1].get(0)) + ((double) four[2].get(0) + four[3].get(0)))
                        / 500 + lambda * params[0];
                assertEquals(i0, expected[0], Math.ulp(i0), "(a + b) + (c + d)");
            }
        }
    }

    @Test
    void aNanOrAnInfinityAnywhereIsSeen() {
        int n = 203;
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            for (int at : new int[] {0, 5, 8, 100, n - 1}) {
                double[] x = values(n, 4);
                x[at] = bad;
                Matrix w = Matrix.zeros(Precision.SINGLE, 1, n + 3).view(3, 1, n);
                assertEquals(false, Lanes.finiteInto(x, w, 0, n), bad + " at " + at);
                assertEquals(false, VectorLanes.finiteInto(x, null, 0, 0, n));
                assertEquals(false, Lanes.scalarFiniteInto(x, null, 0, 0, n));
                assertEquals(false, VectorLanes.meanWithDecay(x, 1.0, x, 0, new double[n], 0, n));
                assertEquals((float) x[at], w.get(at));
                assertTrue(Lanes.finiteInto(x, null, at + 1, n));
            }
        }
        assertEquals(false, Lanes.finiteInto(new double[] {Double.MAX_VALUE * 2}, null, 0, 1));
        assertTrue(Lanes.finiteInto(new double[] {Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE}, null, 0, 3));
    }
}
