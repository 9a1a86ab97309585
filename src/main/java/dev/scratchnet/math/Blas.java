package dev.scratchnet.math;

import dev.ludovic.netlib.blas.BLAS;

/**
 * Row-major level-3 BLAS over netlib's {@link BLAS}: native OpenBLAS shipped in the jar, or the pure-Java
 * {@code VectorBLAS}, as {@link NativeBlas#install} chose (native, if nobody chose before the first call).
 *
 * <p>netlib is column-major; a row-major {@code m × n} array is the column-major {@code n × m}
 * transpose, so {@code C = op(A)·op(B)} in row-major is {@code Cᵀ = op(B)ᵀ·op(A)ᵀ} in column-major.
 */
public final class Blas {
    private Blas() {}

    /** What computes the products and why, one line for run logs and summaries: {@link BlasChoice#description}. */
    public static String implementation() {
        return NativeBlas.current().description();
    }

    /**
     * {@code C = alpha · op(A) · op(B) + beta · C}, all row-major; {@code C} is modified in place.
     *
     * @param transA whether {@code op(A) = Aᵀ}; {@code op(A)} is {@code m × k}
     * @param transB whether {@code op(B) = Bᵀ}; {@code op(B)} is {@code k × n}
     * @param a {@code A} at {@code aOff}: {@code m × k} row-major, or {@code k × m} when transposed
     * @param b {@code B} at {@code bOff}: {@code k × n} row-major, or {@code n × k} when transposed
     * @param c {@code C} at {@code cOff}: {@code m × n} row-major
     */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                            double[] a, int aOff, double[] b, int bOff, double beta, double[] c, int cOff) {
        if (m == 0 || n == 0) {
            return;
        }
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        NativeBlas.blas().dgemm(transB ? "T" : "N", transA ? "T" : "N", n, m, k, alpha,
                b, bOff, Math.max(1, ldb), a, aOff, Math.max(1, lda), beta, c, cOff, n);
    }

    /** {@link #gemm} in single precision (sgemm), same conventions. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, float[] b, int bOff, float beta, float[] c, int cOff) {
        if (m == 0 || n == 0) {
            return;
        }
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        NativeBlas.blas().sgemm(transB ? "T" : "N", transA ? "T" : "N", n, m, k, alpha,
                b, bOff, Math.max(1, ldb), a, aOff, Math.max(1, lda), beta, c, cOff, n);
    }
}
