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
     * {@code (a + b) + (c + d)}, the tree's order.
     */
    static boolean leafMean(float[] a, int ao, float[] b, int bo, float[] c, int co, float[] d, int dO, double scale,
                            double[] params, double lambda, double[] out, int from, int to) {
        if (F.length() != D.length()) {
            return Lanes.scalarLeafMean(a, ao, b, bo, c, co, d, dO, scale, params, lambda, out, from, to);
        }
        int i = from;
        DoubleVector s = DoubleVector.broadcast(D, scale);
        DoubleVector l = DoubleVector.broadcast(D, lambda);
        DoubleVector nan = DoubleVector.zero(D);
        int bound = from + D.loopBound(to - from);
        for (; i < bound; i += D.length()) {
            DoubleVector g = (DoubleVector) FloatVector.fromArray(F, a, ao + i).convertShape(VectorOperators.F2D, D, 0);
            if (b != null) {
                g = g.add((DoubleVector) FloatVector.fromArray(F, b, bo + i).convertShape(VectorOperators.F2D, D, 0));
            }
            if (c != null) {
                g = g.add(((DoubleVector) FloatVector.fromArray(F, c, co + i).convertShape(VectorOperators.F2D, D, 0))
                        .add((DoubleVector) FloatVector.fromArray(F, d, dO + i).convertShape(VectorOperators.F2D, D, 0)));
            }
            g = g.mul(s);
            if (lambda != 0) {
                g = g.add(l.mul(DoubleVector.fromArray(D, params, i)));
            }
            nan = nan.add(g.sub(g));
            g.intoArray(out, i);
        }
        return finite(nan) & Lanes.scalarLeafMean(a, ao, b, bo, c, co, d, dO, scale, params, lambda, out, i, to);
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
