package dev.scratchnet.math;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Lanes}' passes on the Vector API: loaded only when the JVM has {@code jdk.incubator.vector}. A vector's
 * finiteness is {@code x - x}, zero for a finite number and NaN otherwise, added up lane by lane: one NaN lane makes
 * the sum NaN, with no branch in the loop. The tail that fills no whole vector takes the plain loop.
 */
final class VectorLanes {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Floats as many as {@link #D}'s doubles: the narrowed copy of one vector of parameters. */
    private static final VectorSpecies<Float> F =
            VectorSpecies.of(float.class, VectorShape.forBitSize(Math.max(64, D.vectorBitSize() / 2)));

    private VectorLanes() {}

    static boolean meanWithDecay(double[] sum, double scale, double[] params, double lambda, double[] out, int from,
                                 int to) {
        int i = from;
        DoubleVector s = DoubleVector.broadcast(D, scale);
        DoubleVector nan = DoubleVector.zero(D);
        int bound = from + D.loopBound(to - from);
        if (lambda == 0) {
            for (; i < bound; i += D.length()) {
                DoubleVector g = DoubleVector.fromArray(D, sum, i).mul(s);
                nan = nan.add(g.sub(g));
                g.intoArray(out, i);
            }
        } else {
            DoubleVector l = DoubleVector.broadcast(D, lambda);
            for (; i < bound; i += D.length()) {
                DoubleVector g = DoubleVector.fromArray(D, sum, i).mul(s).add(l.mul(DoubleVector.fromArray(D, params, i)));
                nan = nan.add(g.sub(g));
                g.intoArray(out, i);
            }
        }
        return finite(nan) & Lanes.scalarMeanWithDecay(sum, scale, params, lambda, out, i, to);
    }

    /**
     * The mean of one, two or four float leaves ({@code b} null: one; {@code c} and {@code d} null: fewer than four),
     * {@code (a + b) + (c + d)}, the tree's order. One loop for each count, with no test of the count inside: a loop
     * that tested which leaves were there took C2 four times as long to compile (100-200 ms, during Spark's start,
     * ahead of the layers' code in its queue), and again when a new count deoptimized it.
     */
    static boolean leafMean(float[] a, int ao, float[] b, int bo, float[] c, int co, float[] d, int dO, double scale,
                            double[] params, double lambda, double[] out, int from, int to) {
        if (F.length() != D.length()) {
            return Lanes.scalarLeafMean(a, ao, b, bo, c, co, d, dO, scale, params, lambda, out, from, to);
        }
        int bound = from + D.loopBound(to - from);
        boolean finite = b == null ? leafMean1(a, ao, scale, params, lambda, out, from, bound)
                : c == null ? leafMean2(a, ao, b, bo, scale, params, lambda, out, from, bound)
                : leafMean4(a, ao, b, bo, c, co, d, dO, scale, params, lambda, out, from, bound);
        return finite & Lanes.scalarLeafMean(a, ao, b, bo, c, co, d, dO, scale, params, lambda, out, bound, to);
    }

    private static boolean leafMean1(float[] a, int ao, double scale, double[] params, double lambda, double[] out,
                                     int from, int bound) {
        DoubleVector s = DoubleVector.broadcast(D, scale);
        DoubleVector l = DoubleVector.broadcast(D, lambda);
        DoubleVector nan = DoubleVector.zero(D);
        for (int i = from; i < bound; i += D.length()) {
            DoubleVector g = written(widened(a, ao + i), s, lambda, l, params, out, i);
            nan = nan.add(g.sub(g));
        }
        return finite(nan);
    }

    private static boolean leafMean2(float[] a, int ao, float[] b, int bo, double scale, double[] params,
                                     double lambda, double[] out, int from, int bound) {
        DoubleVector s = DoubleVector.broadcast(D, scale);
        DoubleVector l = DoubleVector.broadcast(D, lambda);
        DoubleVector nan = DoubleVector.zero(D);
        for (int i = from; i < bound; i += D.length()) {
            DoubleVector g = written(widened(a, ao + i).add(widened(b, bo + i)), s, lambda, l, params, out, i);
            nan = nan.add(g.sub(g));
        }
        return finite(nan);
    }

    private static boolean leafMean4(float[] a, int ao, float[] b, int bo, float[] c, int co, float[] d, int dO,
                                     double scale, double[] params, double lambda, double[] out, int from, int bound) {
        DoubleVector s = DoubleVector.broadcast(D, scale);
        DoubleVector l = DoubleVector.broadcast(D, lambda);
        DoubleVector nan = DoubleVector.zero(D);
        for (int i = from; i < bound; i += D.length()) {
            DoubleVector g = widened(a, ao + i).add(widened(b, bo + i))
                    .add(widened(c, co + i).add(widened(d, dO + i)));
            g = written(g, s, lambda, l, params, out, i);
            nan = nan.add(g.sub(g));
        }
        return finite(nan);
    }

    private static DoubleVector widened(float[] f, int at) {
        return (DoubleVector) FloatVector.fromArray(F, f, at).convertShape(VectorOperators.F2D, D, 0);
    }

    /** {@code g * scale}, plus {@code lambda * params} when {@code lambda != 0}, stored at {@code out[i]}; returned. */
    private static DoubleVector written(DoubleVector g, DoubleVector s, double lambda, DoubleVector l, double[] params,
                                        double[] out, int i) {
        DoubleVector r = g.mul(s);
        if (lambda != 0) {
            r = r.add(l.mul(DoubleVector.fromArray(D, params, i)));
        }
        r.intoArray(out, i);
        return r;
    }

    /** {@code d[0, n) = f[fo, fo + n)}, widened. */
    static void widen(float[] f, int fo, double[] d, int n) {
        int i = 0;
        if (F.length() == D.length()) {
            for (int bound = D.loopBound(n); i < bound; i += D.length()) {
                ((DoubleVector) FloatVector.fromArray(F, f, fo + i).convertShape(VectorOperators.F2D, D, 0)).intoArray(d, i);
            }
        }
        for (; i < n; i++) {
            d[i] = f[fo + i];
        }
    }

    /** {@code x[0, n) += y[0, n)}. */
    static void addInto(double[] x, double[] y, int n) {
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            DoubleVector.fromArray(D, x, i).add(DoubleVector.fromArray(D, y, i)).intoArray(x, i);
        }
        for (; i < n; i++) {
            x[i] += y[i];
        }
    }

    /** {@code out[from + j] = sum[j] · scale (+ lambda · params[from + j])} for {@code j < n}; whether all finite. */
    static boolean scaled(double[] sum, double scale, double[] params, double lambda, double[] out, int from, int n) {
        int j = 0;
        DoubleVector s = DoubleVector.broadcast(D, scale);
        DoubleVector l = DoubleVector.broadcast(D, lambda);
        DoubleVector nan = DoubleVector.zero(D);
        for (int bound = D.loopBound(n); j < bound; j += D.length()) {
            DoubleVector g = DoubleVector.fromArray(D, sum, j).mul(s);
            if (lambda != 0) {
                g = g.add(l.mul(DoubleVector.fromArray(D, params, from + j)));
            }
            nan = nan.add(g.sub(g));
            g.intoArray(out, from + j);
        }
        long bad = 0;
        for (; j < n; j++) {
            int i = from + j;
            out[i] = lambda == 0 ? sum[j] * scale : sum[j] * scale + lambda * params[i];
            bad |= Lanes.notFinite(out[i]);
        }
        return finite(nan) & bad >= 0;
    }

    static boolean adam(double[] params, double[] grad, double[] m, double[] v, double c1, double c2, double rate,
                        double eps, float[] w, int wo, int from, int to) {
        int i = from;
        DoubleVector a = DoubleVector.broadcast(D, c1);
        DoubleVector b = DoubleVector.broadcast(D, c2);
        DoubleVector r = DoubleVector.broadcast(D, rate);
        DoubleVector e = DoubleVector.broadcast(D, eps);
        DoubleVector nan = DoubleVector.zero(D);
        boolean narrow = w != null && F.length() == D.length();
        int bound = from + D.loopBound(to - from);
        for (; i < bound; i += D.length()) {
            DoubleVector g = DoubleVector.fromArray(D, grad, i);
            DoubleVector mm = DoubleVector.fromArray(D, m, i);
            mm = mm.add(a.mul(g.sub(mm)));
            mm.intoArray(m, i);
            DoubleVector vv = DoubleVector.fromArray(D, v, i);
            vv = vv.add(b.mul(g.mul(g).sub(vv)));
            vv.intoArray(v, i);
            DoubleVector p = DoubleVector.fromArray(D, params, i).sub(r.mul(mm).div(vv.sqrt().add(e)));
            nan = nan.add(p.sub(p));
            p.intoArray(params, i);
            if (narrow) {
                ((FloatVector) p.convertShape(VectorOperators.D2F, F, 0)).intoArray(w, wo + i);
            } else if (w != null) {
                for (int k = i; k < i + D.length(); k++) {
                    w[wo + k] = (float) params[k];
                }
            }
        }
        return finite(nan) & Lanes.scalarAdam(params, grad, m, v, c1, c2, rate, eps, w, wo, i, to);
    }

    static boolean finiteInto(double[] values, float[] w, int wo, int from, int to) {
        int i = from;
        DoubleVector nan = DoubleVector.zero(D);
        boolean narrow = w != null && F.length() == D.length();
        int bound = from + D.loopBound(to - from);
        for (; i < bound; i += D.length()) {
            DoubleVector x = DoubleVector.fromArray(D, values, i);
            nan = nan.add(x.sub(x));
            if (narrow) {
                ((FloatVector) x.convertShape(VectorOperators.D2F, F, 0)).intoArray(w, wo + i);
            } else if (w != null) {
                for (int k = i; k < i + D.length(); k++) {
                    w[wo + k] = (float) values[k];
                }
            }
        }
        return finite(nan) & Lanes.scalarFiniteInto(values, w, wo, i, to);
    }

    private static boolean finite(DoubleVector nan) {
        return !nan.test(VectorOperators.IS_NAN).anyTrue();
    }
}
