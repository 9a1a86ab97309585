package dev.scratchnet.report;

import java.util.Locale;

/** The lines a training run prints on the console: one per epoch, and the progress within an epoch. */
public final class ConsoleLines {
    private ConsoleLines() {}

    /**
     * {@code epoch 3 | 4.9 s (steps 1.10 s, eval 0.20 s) | step 321 | loss 0.0812 | validation loss, … | 0.0812, …},
     * with {@code (partial)} for an epoch the run ends in, and {@code *} when it is the best so far and early
     * stopping keeps the best.
     */
    public static String epoch(EpochMetrics m, boolean partial, double stepSeconds, double evalSeconds,
                               boolean regression, boolean best) {
        return String.format(Locale.ROOT, "epoch %d%s | %.1f s (steps %.2f s, eval %.2f s) | step %d | loss %.4f%s%s",
                m.epoch(), partial ? " (partial)" : "", m.seconds(), stepSeconds, evalSeconds, m.step(), m.loss(),
                figures(m, regression), best ? " *" : "");
    }

    /**
     * {@code  | validation loss, validation acc, test acc | 0.0812, 0.9741, 0.9730}, naming only the sets
     * evaluated; a regression shows RMSE.
     */
    static String figures(EpochMetrics m, boolean regression) {
        StringBuilder names = new StringBuilder();
        StringBuilder values = new StringBuilder();
        double[] figures = regression
                ? new double[] {EpochMetrics.rmse(m.validationLoss()), EpochMetrics.rmse(m.testLoss())}
                : new double[] {m.validationLoss(), m.trainAccuracy(), m.validationAccuracy(), m.testAccuracy()};
        String[] labels = regression ? new String[] {"validation rmse", "test rmse"}
                : new String[] {"validation loss", "train acc", "validation acc", "test acc"};
        for (int i = 0; i < figures.length; i++) {
            if (!Double.isNaN(figures[i])) {
                names.append(names.length() == 0 ? "" : ", ").append(labels[i]);
                values.append(values.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", figures[i]));
            }
        }
        return names.length() == 0 ? "" : " | " + names + " | " + values;
    }

    /**
     * {@code   epoch 2 step 150/428 | 95.1 steps/s, 12171 examples/s | epoch ETA 3 s | loss 0.1234}: after step
     * {@code step} (1-based) of {@code epoch} (1-based) at {@code rate} steps a second, {@code left} steps to go.
     */
    public static String progress(int epoch, int step, int stepsPerEpoch, double rate, int batchSize, long left,
                                  double meanLoss) {
        return String.format(Locale.ROOT, "  epoch %d step %d/%d | %.1f steps/s, %.0f examples/s | epoch ETA %.0f s | loss %.4f",
                epoch, step, stepsPerEpoch, rate, rate * batchSize, left / rate, meanLoss);
    }
}
