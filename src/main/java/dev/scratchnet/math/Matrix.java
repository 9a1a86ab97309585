package dev.scratchnet.math;

import java.util.Arrays;

/**
 * A dense row-major matrix: element {@code (r, c)} is {@code data[r * cols + c]}.
 *
 * <p>The array is shared, not copied: a layer that returns a {@code Matrix} hands over its array.
 */
public final class Matrix {
    private final int rows;
    private final int cols;
    private final double[] data;

    private Matrix(int rows, int cols, double[] data) {
        if (rows < 0 || cols < 0 || (long) rows * cols != data.length) {
            throw new IllegalArgumentException(
                    "matrix " + rows + "x" + cols + " cannot hold " + data.length + " values");
        }
        this.rows = rows;
        this.cols = cols;
        this.data = data;
    }

    /** Wraps {@code data} (not copied) as a {@code rows × cols} row-major matrix. */
    public static Matrix of(int rows, int cols, double[] data) {
        return new Matrix(rows, cols, data);
    }

    /** A new {@code rows × cols} matrix of zeros. */
    public static Matrix zeros(int rows, int cols) {
        return new Matrix(rows, cols, new double[Math.multiplyExact(rows, cols)]);
    }

    /** A matrix from nested rows (for tests and small examples). */
    public static Matrix ofRows(double[]... rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        double[] data = new double[rows.length * cols];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != cols) {
                throw new IllegalArgumentException("ragged rows: row " + r + " has " + rows[r].length);
            }
            System.arraycopy(rows[r], 0, data, r * cols, cols);
        }
        return new Matrix(rows.length, cols, data);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** The backing row-major array (shared, not a copy). */
    public double[] data() {
        return data;
    }

    public void set(int r, int c, double value) {
        data[r * cols + c] = value;
    }

    @Override
    public String toString() {
        return "Matrix[" + rows + "x" + cols + "]" + (data.length <= 16 ? Arrays.toString(data) : "");
    }
}
