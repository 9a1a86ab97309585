package dev.scratchnet.partition;

import dev.scratchnet.math.Matrix;
import dev.scratchnet.math.Precision;

/**
 * The parameters as a network computes with them: the driver keeps {@code double}s, and a single-precision step
 * rounds them to {@code float} once, before they are shipped, so every partition and the in-process oracle compute
 * with the same numbers.
 */
public final class Parameters {
    private Parameters() {}

    /** {@code params} as a {@code 1 × n} matrix in {@code precision}: the array itself in double, a float copy in single. */
    public static Matrix forPrecision(double[] params, Precision precision) {
        return fromWire(wire(params, precision));
    }

    /**
     * Sets elements {@code [from, to)} of {@code working} (a {@link #forPrecision} of {@code params}; null for none)
     * to those of {@code params} after they changed: nothing to do in double, where it is the array itself.
     */
    public static void round(double[] params, Matrix working, int from, int to) {
        if (working == null || working.precision() == Precision.DOUBLE) {
            return;
        }
        if (working.size() != params.length) {
            throw new IllegalArgumentException(working + " is not a copy of " + params.length + " parameters");
        }
        working.setFrom(params, from, to); // rounded to float
    }

    /** What crosses the wire for {@code params} in {@code precision}: a {@code double[]} or a {@code float[]}. */
    public static Object wire(double[] params, Precision precision) {
        if (precision == Precision.DOUBLE) {
            return params;
        }
        float[] f = new float[params.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) params[i];
        }
        return f;
    }

    /** The matrix of an array {@link #wire} made. */
    public static Matrix fromWire(Object wire) {
        return wire instanceof float[] f ? Matrix.of(1, f.length, f) : Matrix.of(1, ((double[]) wire).length, (double[]) wire);
    }
}
