package dev.scratchnet.report;

/**
 * What one epoch of training measured: one row of {@code metrics.csv} and one point per line of the
 * accuracy chart.
 *
 * @param epoch         the epoch number, as the trainer counts it
 * @param step          the global optimizer step count at the end of the epoch
 * @param seconds       wall-clock seconds since training started
 * @param loss          the mean training loss over the epoch's minibatches
 * @param trainAccuracy fraction of the training set classified correctly, in [0, 1]; {@code NaN} when
 *                      train evaluation is switched off
 * @param testAccuracy  fraction of the test set classified correctly, in [0, 1]
 */
public record EpochMetrics(int epoch, long step, double seconds, double loss, double trainAccuracy,
                           double testAccuracy) {
}
