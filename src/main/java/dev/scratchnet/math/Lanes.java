package dev.scratchnet.math;

/**
 * The update's element-wise passes over the parameters, each one loop over memory: the mean gradient with weight
 * decay and its check, Adam's rule with the parameters' check and their float copy. A step's update is memory-bound
 * (203,530 parameters of 8 bytes in four arrays for the demo's network), so what costs is the number of passes: these
 * fuse what were six loops into two. Run on the JDK's Vector API ({@code jdk.incubator.vector}, which netlib's BLAS
 * needs too) when the JVM has that module, else as plain loops; the bits are the same either way: every operation is
 * one IEEE 754 operation on doubles (add, subtract, multiply, divide, square root; no fused multiply-add), in the
 * order of the scalar code, and the float copy is the same round-to-nearest narrowing as a {@code (float)} cast.
 */
public final class Lanes {
    private Lanes() {}

    /** Whether the Vector API can run these passes (the module is in the JVM); the plain loops otherwise. */
    public static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !Boolean.getBoolean("scratchnet.lanes.scalar");

    /**
     * Whether the Vector API's passes are compiled, so that they run: until then the plain loops do. The Vector API is
     * slow until C2 has compiled it (the interpreter and C1 make an object of every vector: a step's update took tens
     * of milliseconds), so a daemon thread started with this class calls each pass {@link #WARM_UP_CALLS} times on a
     * few dozen elements (HotSpot's tiered policy counts calls and loop iterations: about half a second of one core), then sets this. The bits
     * are the same either way.
     */
    private static volatile boolean vectorReady;

    static final int WARM_UP_CALLS = 3000;
    /** The warm-up's arrays: whole vectors and a tail, whatever the vector's length. */
    private static final int WARM_UP_LENGTH = 3 * 16 + 5;

    static {
        if (VECTOR) {
            Thread t = new Thread(() -> {
                try {
                    warmUp(WARM_UP_CALLS);
                    vectorReady = true;
                } catch (RuntimeException | LinkageError e) {
                    // the plain loops stay
                }
            }, "scratchnet-lanes-warm-up");
            t.setDaemon(true);
            t.start();
        }
    }

    /** Sets which passes run (tests compare both); returns what it was. */
    static boolean useVector(boolean vector) {
        boolean was = vectorReady;
        vectorReady = vector && VECTOR;
        return was;
    }

    /** Whether the passes run on the Vector API now (false until its warm-up has ended, or without the module). */
    public static boolean vectorReady() {
        return vectorReady;
    }

    /**
     * {@code out[i] = sum[i] * scale}, plus {@code lambda * params[i]} when {@code lambda != 0}, over {@code [from, to)};
     * whether every result is a finite number.
     */
    public static boolean meanWithDecay(double[] sum, double scale, double[] params, double lambda, double[] out,
                                        int from, int to) {
        if (vectorReady) {
            return VectorLanes.meanWithDecay(sum, scale, params, lambda, out, from, to);
        }
        return scalarMeanWithDecay(sum, scale, params, lambda, out, from, to);
    }

    static boolean scalarMeanWithDecay(double[] sum, double scale, double[] params, double lambda, double[] out,
                                       int from, int to) {
        long bad = 0;
        if (lambda == 0) {
            for (int i = from; i < to; i++) {
                out[i] = sum[i] * scale;
                bad |= notFinite(out[i]);
            }
        } else {
            for (int i = from; i < to; i++) {
                out[i] = sum[i] * scale + lambda * params[i];
                bad |= notFinite(out[i]);
            }
        }
        return bad >= 0;
    }

    /**
     * {@link #meanWithDecay(double[], double, double[], double, double[], int, int)} of the sum of {@code leaves}
     * (partitions' gradients, in partition order; null: a partition without examples) added as
     * {@code partition.SumTree} adds them: in pairs, level by level, in double, an absent partition passing its
     * sibling up unchanged. The sum is never stored: each element is added and scaled in one go.
     */
    public static boolean meanWithDecay(Matrix[] leaves, double scale, double[] params, double lambda, double[] out,
                                        int from, int to) {
        Matrix single = null;
        int present = 0;
        for (Matrix m : leaves) {
            if (m != null) {
                single = m;
                present++;
            }
        }
        if (present == 0) {
            throw new IllegalArgumentException("no partition's gradient to add");
        }
        if (present == 1 && single.floats() != null) {
            return leafMean(new Matrix[] {single}, scale, params, lambda, out, from, to);
        }
        if (present == 1 && single.offset() == 0) {
            return meanWithDecay(single.doubles(), scale, params, lambda, out, from, to);
        }
        if ((leaves.length == 2 || leaves.length == 4) && present == leaves.length && allFloats(leaves)) {
            return leafMean(leaves, scale, params, lambda, out, from, to); // local[2] with 2 or 4 partitions, each step
        }
        return treeMean(leaves, scale, params, lambda, out, from, to);
    }

    private static boolean allFloats(Matrix[] leaves) {
        for (Matrix m : leaves) {
            if (m.floats() == null) {
                return false;
            }
        }
        return true;
    }

    /** The mean of one, two or four float leaves (all present), element by element. */
    private static boolean leafMean(Matrix[] leaves, double scale, double[] params, double lambda, double[] out,
                                    int from, int to) {
        float[] a = leaves[0].floats();
        float[] b = leaves.length > 1 ? leaves[1].floats() : null;
        float[] c = leaves.length > 2 ? leaves[2].floats() : null;
        float[] d = leaves.length > 2 ? leaves[3].floats() : null;
        int ao = leaves[0].offset();
        int bo = leaves.length > 1 ? leaves[1].offset() : 0;
        int co = leaves.length > 2 ? leaves[2].offset() : 0;
        int dO = leaves.length > 2 ? leaves[3].offset() : 0;
        return vectorReady ? VectorLanes.leafMean(a, ao, b, bo, c, co, d, dO, scale, params, lambda, out, from, to)
                : scalarLeafMean(a, ao, b, bo, c, co, d, dO, scale, params, lambda, out, from, to);
    }

    /**
     * The mean of one, two or four float leaves ({@code b} null: one; {@code c} null: fewer than four),
     * {@code (a + b) + (c + d)}; a loop for each count, as {@link VectorLanes#leafMean}.
     */
    static boolean scalarLeafMean(float[] a, int ao, float[] b, int bo, float[] c, int co, float[] d, int dO,
                                  double scale, double[] params, double lambda, double[] out, int from, int to) {
        long bad = 0;
        if (b == null) {
            for (int i = from; i < to; i++) {
                bad |= notFinite(out[i] = decayed(a[ao + i] * scale, params, lambda, i));
            }
        } else if (c == null) {
            for (int i = from; i < to; i++) {
                bad |= notFinite(out[i] = decayed(((double) a[ao + i] + (double) b[bo + i]) * scale, params, lambda, i));
            }
        } else {
            for (int i = from; i < to; i++) {
                double g = ((double) a[ao + i] + (double) b[bo + i]) + ((double) c[co + i] + (double) d[dO + i]);
                bad |= notFinite(out[i] = decayed(g * scale, params, lambda, i));
            }
        }
        return bad >= 0;
    }

    private static double decayed(double scaled, double[] params, double lambda, int i) {
        return lambda == 0 ? scaled : scaled + lambda * params[i];
    }

    /** Elements at a time whose partitions' values are widened, added over the tree and scaled. */
    private static final int CHUNK = 512;

    /**
     * Any number of leaves, in either precision and anywhere in their storage: a chunk of each widened into a slot, the
     * tree's additions slot by slot.
     */
    private static boolean treeMean(Matrix[] leaves, double scale, double[] params, double lambda, double[] out,
                                    int from, int to) {
        int[] plan = plan(leaves);
        int root = plan[plan.length - 1];
        double[][] slots = new double[leaves.length][];
        for (int k = 0; k < leaves.length; k++) {
            slots[k] = leaves[k] == null ? null : new double[CHUNK];
        }
        boolean vector = vectorReady;
        long bad = 0;
        boolean finite = true;
        for (int c = from; c < to; c += CHUNK) {
            int n = Math.min(CHUNK, to - c);
            for (int k = 0; k < leaves.length; k++) {
                Matrix m = leaves[k];
                if (m != null) {
                    double[] slot = slots[k];
                    if (m.floats() == null) {
                        System.arraycopy(m.doubles(), m.offset() + c, slot, 0, n);
                    } else if (vector) {
                        VectorLanes.widen(m.floats(), m.offset() + c, slot, n);
                    } else {
                        float[] f = m.floats();
                        int o = m.offset() + c;
                        for (int j = 0; j < n; j++) {
                            slot[j] = f[o + j];
                        }
                    }
                }
            }
            for (int op = 0; op + 1 < plan.length; op += 2) {
                double[] x = slots[plan[op]];
                double[] y = slots[plan[op + 1]];
                if (vector) {
                    VectorLanes.addInto(x, y, n);
                } else {
                    for (int j = 0; j < n; j++) {
                        x[j] += y[j];
                    }
                }
            }
            double[] sum = slots[root];
            if (vector) {
                finite &= VectorLanes.scaled(sum, scale, params, lambda, out, c, n);
                continue;
            }
            for (int j = 0; j < n; j++) {
                int i = c + j;
                out[i] = lambda == 0 ? sum[j] * scale : sum[j] * scale + lambda * params[i];
                bad |= notFinite(out[i]);
            }
        }
        return finite & bad >= 0;
    }

    /**
     * The tree's additions over the present leaves, as pairs {@code (x, y)} meaning slot {@code x += y} in order,
     * then the slot that holds the root: level by level, node {@code 2j} with its sibling {@code 2j + 1} when both
     * are present, either alone passing up, the last of an odd level passing up unchanged.
     */
    static int[] plan(Matrix[] leaves) {
        int[] slot = new int[leaves.length];
        for (int k = 0; k < leaves.length; k++) {
            slot[k] = leaves[k] == null ? -1 : k;
        }
        java.util.List<Integer> ops = new java.util.ArrayList<>();
        for (int size = leaves.length; size > 1; size = (size + 1) / 2) {
            for (int j = 0; 2 * j < size; j++) {
                int a = slot[2 * j];
                int b = 2 * j + 1 < size ? slot[2 * j + 1] : -1;
                if (a >= 0 && b >= 0) {
                    ops.add(a);
                    ops.add(b);
                    slot[j] = a;
                } else {
                    slot[j] = a >= 0 ? a : b;
                }
            }
        }
        int[] plan = new int[ops.size() + 1];
        for (int i = 0; i < ops.size(); i++) {
            plan[i] = ops.get(i);
        }
        plan[ops.size()] = slot[0];
        return plan;
    }

    /**
     * Adam's rule over {@code [from, to)}: {@code m += c1 (g - m)}, {@code v += c2 (g² - v)},
     * {@code p -= rate · m / (√v + eps)}; then sets {@code working}'s elements (null: none) to the new parameters in
     * its precision. Whether every new parameter is a finite number.
     */
    public static boolean adam(double[] params, double[] grad, double[] m, double[] v, double c1, double c2,
                               double rate, double eps, Matrix working, int from, int to) {
        float[] w = working == null ? null : working.floats();
        int wo = working == null ? 0 : working.offset();
        boolean finite;
        if (vectorReady) {
            finite = VectorLanes.adam(params, grad, m, v, c1, c2, rate, eps, w, wo, from, to);
        } else {
            finite = scalarAdam(params, grad, m, v, c1, c2, rate, eps, w, wo, from, to);
        }
        if (working != null && w == null) {
            working.setFrom(params, from, to);
        }
        return finite;
    }

    static boolean scalarAdam(double[] params, double[] grad, double[] m, double[] v, double c1, double c2,
                              double rate, double eps, float[] w, int wo, int from, int to) {
        long bad = 0;
        for (int i = from; i < to; i++) {
            double g = grad[i];
            m[i] += c1 * (g - m[i]);
            v[i] += c2 * (g * g - v[i]);
            params[i] -= rate * m[i] / (Math.sqrt(v[i]) + eps);
            bad |= notFinite(params[i]);
            if (w != null) {
                w[wo + i] = (float) params[i];
            }
        }
        return bad >= 0;
    }

    /** Whether {@code values[from, to)} are all finite numbers; also sets {@code working}'s elements (null: none) to them. */
    public static boolean finiteInto(double[] values, Matrix working, int from, int to) {
        float[] w = working == null ? null : working.floats();
        int wo = working == null ? 0 : working.offset();
        boolean finite = vectorReady ? VectorLanes.finiteInto(values, w, wo, from, to) : scalarFiniteInto(values, w, wo, from, to);
        if (working != null && w == null) {
            working.setFrom(values, from, to);
        }
        return finite;
    }

    static boolean scalarFiniteInto(double[] values, float[] w, int wo, int from, int to) {
        long bad = 0;
        for (int i = from; i < to; i++) {
            bad |= notFinite(values[i]);
            if (w != null) {
                w[wo + i] = (float) values[i];
            }
        }
        return bad >= 0;
    }

    /** Calls every Vector API pass {@code calls} times on a few dozen elements of its own ({@link #vectorReady}). */
    static void warmUp(int calls) {
        int n = WARM_UP_LENGTH;
        double[] sum = new double[n];
        double[] params = new double[n];
        double[] out = new double[n];
        double[] m = new double[n];
        double[] v = new double[n];
        Matrix a = Matrix.zeros(Precision.SINGLE, 1, n);
        Matrix b = Matrix.zeros(Precision.SINGLE, 1, n);
        Matrix w = Matrix.zeros(Precision.SINGLE, 1, n);
        for (int i = 0; i < n; i++) {
            sum[i] = i - 20;
            params[i] = 0.01 * i;
            a.set(i, i);
            b.set(i, -i);
        }
        double[] slot = new double[n];
        float[] af = a.floats();
        float[] bf = b.floats();
        float[] wf = w.floats();
        for (int c = 0; c < calls; c++) {
            double lambda = (c & 1) == 0 ? 0 : 1e-4;
            VectorLanes.meanWithDecay(sum, 0.5, params, lambda, out, 0, n);
            VectorLanes.leafMean(af, 0, null, 0, null, 0, null, 0, 0.5, params, lambda, out, 0, n);
            VectorLanes.leafMean(af, 0, bf, 0, null, 0, null, 0, 0.5, params, lambda, out, 0, n);
            VectorLanes.leafMean(af, 0, bf, 0, bf, 0, af, 0, 0.5, params, lambda, out, 0, n);
            VectorLanes.adam(params, out, m, v, 0.1, 0.001, 1e-3, 1e-7, (c & 2) == 0 ? wf : null, 0, 0, n);
            VectorLanes.finiteInto(params, wf, 0, 0, n);
            VectorLanes.widen(af, 0, slot, n);
            VectorLanes.addInto(slot, sum, n);
            VectorLanes.scaled(slot, 0.5, params, lambda, out, 0, n);
        }
    }

    /** Negative (the sign bit set) when {@code x} is infinite or NaN (every exponent bit set), else not: branch-free. */
    static long notFinite(double x) {
        return (Double.doubleToRawLongBits(x) & 0x7ff0000000000000L) + 0x0010000000000000L;
    }
}
