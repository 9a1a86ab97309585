/**
 * Dense row-major matrices and the BLAS calls the layers need.
 *
 * <p>Everything above this package sees row-major {@code double[]} arrays ({@code batch × features});
 * this package translates to the column-major convention of netlib BLAS, so that level-3 calls
 * ({@code dgemm}) do the heavy lifting. {@link dev.scratchnet.math.NativeBlas} puts native OpenBLAS, shipped in
 * the jar, under netlib, or chooses netlib's pure-Java BLAS. No Spark here.
 */
package dev.scratchnet.math;
