package dev.scratchnet.report;

/**
 * What one epoch of training measured: one row of {@code metrics.csv} and one point per line of the
 * accuracy chart.
 *
 * @param epoch              the epoch number, as the trainer counts it
 * @param step               the global optimizer step count at the end of the epoch
 * @param seconds            training seconds since the run started
 * @param loss               the mean training loss over the epoch's minibatches
 * @param trainAccuracy      fraction of the training examples (outside the validation split) classified
 *                           correctly, in [0, 1]; {@code NaN} when train evaluation is off or for a regression
 * @param validationAccuracy the same on the validation split; {@code NaN} when there is none
 * @param testAccuracy       the same on the test set; {@code NaN} when there is none
 * @param validationLoss     the mean loss on the validation split; {@code NaN} when there is none
 * @param testLoss           the mean loss on the test set; {@code NaN} when there is none
 */
public record EpochMetrics(int epoch, long step, double seconds, double loss, double trainAccuracy,
                           double validationAccuracy, double testAccuracy, double validationLoss, double testLoss)
        implements java.io.Serializable {

    /** Accuracies only (no evaluation losses). */
    public EpochMetrics(int epoch, long step, double seconds, double loss, double trainAccuracy,
                        double validationAccuracy, double testAccuracy) {
        this(epoch, step, seconds, loss, trainAccuracy, validationAccuracy, testAccuracy, Double.NaN, Double.NaN);
    }

    /** The root mean squared error from a mean of {@code ½ (y − t)²}. */
    public static double rmse(double meanHalfSquaredError) {
        return Math.sqrt(2 * meanHalfSquaredError);
    }
}
