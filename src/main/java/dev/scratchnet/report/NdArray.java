package dev.scratchnet.report;

import java.util.Arrays;

/**
 * An n-dimensional array of doubles in C (row-major) order, as stored in one {@code .npy} entry.
 *
 * <p>A matrix {@code W: rows × cols} is {@code shape = {rows, cols}} with element (i, j) at
 * {@code data[i * cols + j]}; a vector is {@code shape = {n}}; a scalar is {@code shape = {}}.
 * The shape is copied; {@code data} is not (arrays of weights are large), so the record is only as
 * immutable as the caller leaves that array.
 *
 * @param shape the size of each dimension, all ≥ 0
 * @param data  the elements, {@code product(shape)} of them
 */
public record NdArray(int[] shape, double[] data) {

    /** Checks that {@code data} holds exactly {@code product(shape)} elements. */
    public NdArray {
        shape = shape.clone();
        long size = 1;
        for (int dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            size *= dim;
            if (size > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is too large");
            }
        }
        if (size != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + size
                    + " elements, data has " + data.length);
        }
    }

    /** A 1-D array of {@code data.length} elements. */
    public static NdArray vector(double[] data) {
        return new NdArray(new int[] {data.length}, data);
    }

    /** A {@code rows × cols} matrix from row-major {@code data}. */
    public static NdArray matrix(int rows, int cols, double[] data) {
        return new NdArray(new int[] {rows, cols}, data);
    }

    /** A copy of the shape. */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** The number of elements. */
    public int size() {
        return data.length;
    }

    /** Equal when shapes and elements are equal ({@link Arrays#equals(double[], double[])}). */
    @Override
    public boolean equals(Object o) {
        return o instanceof NdArray other && Arrays.equals(shape, other.shape) && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    /** The shape only: the elements may be millions. */
    @Override
    public String toString() {
        return "NdArray" + Arrays.toString(shape);
    }
}
