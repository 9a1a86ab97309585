/**
 * Labelled image data: reading IDX files (raw or gzip), loading MNIST, fetching MNIST, and the compact
 * in-memory {@link dev.scratchnet.data.ImageSet} (unsigned bytes, scaled to {@code [0, 1]} on demand).
 *
 * <p>Knows nothing of Spark; every user-facing failure is a one-line
 * {@link dev.scratchnet.ScratchnetException} that names the file and what is wrong with it.
 */
package dev.scratchnet.data;
