package dev.scratchnet.math;

import java.util.Arrays;

/**
 * A dense row-major {@code rows × cols} matrix in single or double {@link Precision}: element {@code (r, c)} is
 * element {@code r · cols + c} of the matrix, which sits at {@code offset} of its backing array. A matrix may be a
 * view into a larger array: one flat parameter array holds every layer's {@code W} and {@code b}, and each layer
 * works on named views into it (as MLlib's {@code ml/ann} does).
 *
 * <p>The array is shared, not copied: a layer that returns a {@code Matrix} hands over its storage, and writing
 * into a view writes into the array it views. The layers read and write elements with {@link #get} and
 * {@link #set}, so that one layer's code serves both precisions; matrix products go to BLAS through
 * {@link #gemm}, {@code sgemm} or {@code dgemm} as the operands' precision says.
 */
public final class Matrix {
    private final int rows;
    private final int cols;
    private final int offset;
    /** Exactly one of the two is non-null. */
    private final double[] d;
    private final float[] f;

    private Matrix(int rows, int cols, int offset, double[] d, float[] f) {
        int length = d != null ? d.length : f.length;
        if (rows < 0 || cols < 0 || offset < 0 || (long) offset + (long) rows * cols > length) {
            throw new IllegalArgumentException("matrix " + rows + "x" + cols + " at " + offset + " does not fit in "
                    + length + " values");
        }
        this.rows = rows;
        this.cols = cols;
        this.offset = offset;
        this.d = d;
        this.f = f;
    }

    /** Wraps {@code data} (not copied) as a {@code rows × cols} row-major matrix in double precision. */
    public static Matrix of(int rows, int cols, double[] data) {
        requireWhole(rows, cols, data.length);
        return new Matrix(rows, cols, 0, data, null);
    }

    /** Wraps {@code data} (not copied) as a {@code rows × cols} row-major matrix in single precision. */
    public static Matrix of(int rows, int cols, float[] data) {
        requireWhole(rows, cols, data.length);
        return new Matrix(rows, cols, 0, null, data);
    }

    /** A new {@code rows × cols} matrix of zeros in {@code precision}. */
    public static Matrix zeros(Precision precision, int rows, int cols) {
        int n = Math.multiplyExact(rows, cols);
        return precision == Precision.SINGLE ? new Matrix(rows, cols, 0, null, new float[n])
                : new Matrix(rows, cols, 0, new double[n], null);
    }

    /** A new {@code rows × cols} matrix of zeros in double precision. */
    public static Matrix zeros(int rows, int cols) {
        return zeros(Precision.DOUBLE, rows, cols);
    }

    /** A double-precision matrix from nested rows (for tests and small examples). */
    public static Matrix ofRows(double[]... rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        double[] data = new double[rows.length * cols];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != cols) {
                throw new IllegalArgumentException("ragged rows: row " + r + " has " + rows[r].length);
            }
            System.arraycopy(rows[r], 0, data, r * cols, cols);
        }
        return of(rows.length, cols, data);
    }

    private static void requireWhole(int rows, int cols, int length) {
        if (rows < 0 || cols < 0 || (long) rows * cols != length) {
            throw new IllegalArgumentException("matrix " + rows + "x" + cols + " cannot hold " + length + " values");
        }
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** {@code rows × cols}. */
    public int size() {
        return rows * cols;
    }

    public Precision precision() {
        return f != null ? Precision.SINGLE : Precision.DOUBLE;
    }

    /** Element {@code i} in row-major order ({@code i = r · cols + c}). */
    public double get(int i) {
        return f != null ? f[offset + i] : d[offset + i];
    }

    public double get(int r, int c) {
        return get(r * cols + c);
    }

    /** Sets element {@code i} (rounded to float in single precision). */
    public void set(int i, double value) {
        if (f != null) {
            f[offset + i] = (float) value;
        } else {
            d[offset + i] = value;
        }
    }

    public void set(int r, int c, double value) {
        set(r * cols + c, value);
    }

    /**
     * Sets elements {@code [from, to)} to {@code source}'s (rounded to float in single precision); nothing to do when
     * this matrix is {@code source} itself.
     */
    public void setFrom(double[] source, int from, int to) {
        if (f != null) {
            for (int i = from; i < to; i++) {
                f[offset + i] = (float) source[i];
            }
        } else if (d != source || offset != 0) {
            System.arraycopy(source, from, d, offset + from, to - from);
        }
    }

    /** This matrix's values as a read-only buffer over its single-precision storage; null in double precision. */
    public java.nio.FloatBuffer floatValues() {
        return f == null ? null : java.nio.FloatBuffer.wrap(f, offset, size()).slice().asReadOnlyBuffer();
    }

    /** The single-precision storage (null in double precision), for {@link Lanes}. */
    float[] floats() {
        return f;
    }

    /** The double-precision storage (null in single precision), for {@link Lanes}. */
    double[] doubles() {
        return d;
    }

    /** Where this matrix starts in its storage. */
    int offset() {
        return offset;
    }

    /** Adds {@code value} to element {@code i}. */
    public void add(int i, double value) {
        if (f != null) {
            f[offset + i] += (float) value;
        } else {
            d[offset + i] += value;
        }
    }

    /** Sets every element of this matrix (of the view, not of the rest of its array) to zero. */
    public void zero() {
        int n = size();
        if (f != null) {
            Arrays.fill(f, offset, offset + n, 0f);
        } else {
            Arrays.fill(d, offset, offset + n, 0.0);
        }
    }

    /** A {@code rows × cols} view of this matrix's storage, starting at element {@code from} of this matrix. */
    public Matrix view(int from, int rows, int cols) {
        if (from < 0 || (long) from + (long) rows * cols > size()) {
            throw new IllegalArgumentException("view " + rows + "x" + cols + " at " + from + " outside " + this);
        }
        return new Matrix(rows, cols, offset + from, d, f);
    }

    /** The same elements seen as {@code rows × cols} (a view; {@code rows · cols} must equal {@link #size()}). */
    public Matrix reshape(int rows, int cols) {
        if ((long) rows * cols != size()) {
            throw new IllegalArgumentException("cannot reshape " + this + " to " + rows + "x" + cols);
        }
        return new Matrix(rows, cols, offset, d, f);
    }

    /** A new matrix of zeros of the given shape, in this matrix's precision. */
    public Matrix zerosLike(int rows, int cols) {
        return zeros(precision(), rows, cols);
    }

    /** A new matrix of zeros of this shape and precision. */
    public Matrix zerosLike() {
        return zerosLike(rows, cols);
    }

    /** A copy with its own array, in this matrix's precision. */
    public Matrix copy() {
        return f != null ? of(rows, cols, Arrays.copyOfRange(f, offset, offset + size()))
                : of(rows, cols, Arrays.copyOfRange(d, offset, offset + size()));
    }

    /** This matrix in {@code precision}: itself when it already is, else a converted copy. */
    public Matrix to(Precision precision) {
        if (precision == precision()) {
            return this;
        }
        Matrix m = zeros(precision, rows, cols);
        m.assign(this);
        return m;
    }

    /** Copies {@code source}'s elements (same size, any precision) into this matrix. */
    public void assign(Matrix source) {
        if (source.size() != size()) {
            throw new IllegalArgumentException("cannot assign " + source + " to " + this);
        }
        int n = size();
        if (f != null && source.f != null) {
            System.arraycopy(source.f, source.offset, f, offset, n);
        } else if (d != null && source.d != null) {
            System.arraycopy(source.d, source.offset, d, offset, n);
        } else if (f != null) {
            for (int i = 0; i < n; i++) {
                f[offset + i] = (float) source.d[source.offset + i];
            }
        } else {
            for (int i = 0; i < n; i++) {
                d[offset + i] = source.f[source.offset + i];
            }
        }
    }

    /** Every element as a new {@code double[]}. */
    public double[] toDoubles() {
        double[] out = new double[size()];
        if (f != null) {
            for (int i = 0; i < out.length; i++) {
                out[i] = f[offset + i];
            }
        } else {
            System.arraycopy(d, offset, out, 0, out.length);
        }
        return out;
    }

    /**
     * A new matrix of {@code max(x, value)} element by element (numpy's {@code np.maximum(x, value)}); for
     * {@code value = 0}, exactly what zeroing the elements {@code <= 0} of a copy gives (also for {@code -0.0}).
     */
    public Matrix maximum(double value) {
        Matrix out = zerosLike();
        if (f != null) {
            float v = (float) value;
            for (int i = 0; i < out.f.length; i++) {
                out.f[i] = Math.max(f[offset + i], v);
            }
        } else {
            for (int i = 0; i < out.d.length; i++) {
                out.d[i] = Math.max(d[offset + i], value);
            }
        }
        return out;
    }

    /**
     * A new matrix of this one's elements where {@code out}'s are above zero (or NaN) and {@code +0} elsewhere: a
     * ReLU's backward pass, {@code dx = dout; dx[x <= 0] = 0} (§5.5.1), from the forward's {@code out = max(x, 0)},
     * which is above zero exactly where {@code x} is, and NaN where {@code x} is. Done on the bits, with no branch and
     * no select: a mask {@code -(|bits(out)|) >> 31} (all ones for {@code out > 0} or NaN, zero for {@code +0}) ANDed
     * with {@code bits(dout)} keeps every kept element's bits, {@code -0.0} included; the JIT vectorizes it, where a
     * boolean mask and a select took 6x as long.
     */
    public Matrix whereAboveZero(Matrix out) {
        if (out.rows != rows || out.cols != cols || (out.f != null) != (f != null)) {
            throw new IllegalArgumentException("a mask of " + out + " for " + this);
        }
        Matrix dx = zerosLike();
        int o = out.offset;
        if (f != null) {
            for (int i = 0; i < dx.f.length; i++) {
                int keep = -(Float.floatToRawIntBits(out.f[o + i]) & 0x7fffffff) >> 31;
                dx.f[i] = Float.intBitsToFloat(Float.floatToRawIntBits(f[offset + i]) & keep);
            }
        } else {
            for (int i = 0; i < dx.d.length; i++) {
                long keep = -(Double.doubleToRawLongBits(out.d[o + i]) & 0x7fffffffffffffffL) >> 63;
                dx.d[i] = Double.longBitsToDouble(Double.doubleToRawLongBits(d[offset + i]) & keep);
            }
        }
        return dx;
    }

    /**
     * Adds the column sums of {@code m} into this {@code 1 × m.cols()} matrix (numpy's {@code += m.sum(axis=0)}), row
     * by row in this matrix's precision; modified in place.
     */
    public void addColumnSums(Matrix m) {
        int cols = m.cols;
        if (size() != cols || m.precision() != precision()) {
            throw new IllegalArgumentException("cannot add the column sums of " + m + " into " + this);
        }
        for (int r = 0; r < m.rows; r++) {
            int from = m.offset + r * cols;
            if (f != null) {
                for (int j = 0; j < cols; j++) {
                    f[offset + j] += m.f[from + j];
                }
            } else {
                for (int j = 0; j < cols; j++) {
                    d[offset + j] += m.d[from + j];
                }
            }
        }
    }

    /** A new {@code rows × b.size()} matrix whose every row is {@code b} (numpy's broadcast of a bias row). */
    public static Matrix repeatRows(Matrix b, int rows) {
        int cols = b.size();
        Matrix out = zeros(b.precision(), rows, cols);
        for (int r = 0; r < rows; r++) {
            if (b.f != null) {
                System.arraycopy(b.f, b.offset, out.f, r * cols, cols);
            } else {
                System.arraycopy(b.d, b.offset, out.d, r * cols, cols);
            }
        }
        return out;
    }

    /**
     * The backing array of a double-precision matrix that is not a view (what {@link #of(int, int, double[])}
     * wrapped); for tests and callers that built the array themselves.
     */
    public double[] data() {
        if (d == null || offset != 0 || d.length != size()) {
            throw new IllegalStateException(this + " is not a whole double-precision array");
        }
        return d;
    }

    /**
     * {@code C = alpha · op(A) · op(B) + beta · C} (C modified in place), as one BLAS call: all three in one
     * precision, {@code op(X) = Xᵀ} when its flag is set.
     */
    public static void gemm(boolean transA, boolean transB, double alpha, Matrix a, Matrix b, double beta, Matrix c) {
        int m = transA ? a.cols : a.rows;
        int k = transA ? a.rows : a.cols;
        int kb = transB ? b.cols : b.rows;
        int n = transB ? b.rows : b.cols;
        if (k != kb || c.rows != m || c.cols != n) {
            throw new IllegalArgumentException("gemm: " + (transA ? "A'" : "A") + " " + m + "x" + k + " times "
                    + (transB ? "B'" : "B") + " " + kb + "x" + n + " into C " + c.rows + "x" + c.cols);
        }
        if (a.f != null && b.f != null && c.f != null) {
            Blas.sgemm(transA, transB, m, n, k, (float) alpha, a.f, a.offset, b.f, b.offset, (float) beta, c.f, c.offset);
        } else if (a.d != null && b.d != null && c.d != null) {
            Blas.gemm(transA, transB, m, n, k, alpha, a.d, a.offset, b.d, b.offset, beta, c.d, c.offset);
        } else {
            throw new IllegalArgumentException("gemm: operands in mixed precision (" + a.precision() + ", "
                    + b.precision() + ", " + c.precision() + ")");
        }
    }

    @Override
    public String toString() {
        return "Matrix[" + rows + "x" + cols + " " + precision().id() + "]"
                + (size() <= 16 ? Arrays.toString(toDoubles()) : "");
    }
}
