/**
 * What a training run leaves on disk and prints: weights as NumPy {@code .npz}, per-epoch metrics as CSV, the
 * book's accuracy figure as PNG, JSON for summaries and descriptions, and the console's lines
 * ({@link dev.scratchnet.report.ConsoleLines}).
 *
 * <p>Every file is written atomically (temp file in the same folder, fsync, rename), so a reader or a
 * crashed run never sees a half-written file. Readers validate what they load and fail with a one-line
 * {@link dev.scratchnet.ScratchnetException} naming the file. Nothing here knows about Spark.
 */
package dev.scratchnet.report;
