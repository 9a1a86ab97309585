package dev.scratchnet.math;

/**
 * Which BLAS {@link Blas} computes with in this JVM, as decided by {@link NativeBlas#install}.
 *
 * @param isNative whether the products run in a native library (through netlib's {@code JNIBLAS})
 * @param nativeEnabled the value {@link NativeBlas#install} was called with
 * @param description one line for run logs and summaries: what loaded and from where, or why the
 *     pure-Java BLAS is in use, e.g. {@code native OpenBLAS 0.3.31 (bytedeco 1.5.13, /path/libopenblas.so.0,
 *     OPENBLAS_NUM_THREADS=1) via dev.ludovic.netlib.blas.JNIBLAS} or
 *     {@code dev.ludovic.netlib.blas.VectorBLAS (native disabled)}
 */
public record BlasChoice(boolean isNative, boolean nativeEnabled, String description) {}
