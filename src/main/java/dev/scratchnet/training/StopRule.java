package dev.scratchnet.training;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.config.Configuration;
import dev.scratchnet.report.EpochMetrics;
import java.util.List;
import java.util.Locale;

/**
 * When a run stops, decided after each epoch from the epochs so far: early stopping (scikit-learn's
 * {@code n_iter_no_change}, Keras's {@code EarlyStopping} with {@code restore_best_weights}) — the monitored
 * quantity has not improved by {@code tol} for {@code patience} epochs, and the best epoch's weights are the model —
 * or a target accuracy reached. The epoch and step limits and interrupts are the trainer's.
 *
 * <p>The monitored quantity is the validation split's loss or accuracy, or, without a validation split, the
 * training loss (as scikit-learn does without {@code early_stopping}).
 *
 * @param target the target accuracy (0: none), on the validation split, or the test set without one
 * @param patience epochs without improvement before stopping (0: no early stopping)
 */
public record StopRule(double target, int patience, double tol, TrainingSettings.Monitor monitor, boolean validation)
        implements java.io.Serializable {

    /** Why a run ended. */
    public enum Reason {
        EPOCH_LIMIT("reached its epoch limit"),
        STEP_LIMIT("reached its step limit"),
        TARGET_REACHED("reached the target accuracy"),
        NO_IMPROVEMENT("stopped improving"),
        CONVERGED("converged"),
        INTERRUPTED("was interrupted");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        /** E.g. {@code stopped improving}. */
        public String text() {
            return text;
        }
    }

    /** The rule {@code config} asks for, on data with or without a validation split. */
    public static StopRule of(Configuration config, boolean hasValidation) {
        TrainingSettings.Monitor monitor = config.get(TrainingSettings.MONITOR);
        if (monitor == TrainingSettings.Monitor.ACCURACY && !hasValidation && config.get(TrainingSettings.PATIENCE) > 0) {
            throw new ScratchnetException(TrainingSettings.MONITOR.key() + "=accuracy needs a validation split ("
                    + TrainingSettings.VALIDATION_FRACTION.key() + " > 0), or " + TrainingSettings.PATIENCE.key() + "=0");
        }
        return new StopRule(config.get(TrainingSettings.TARGET_ACCURACY), config.get(TrainingSettings.PATIENCE),
                config.get(TrainingSettings.TOL), monitor, hasValidation);
    }

    /** Whether the model is the best epoch's weights rather than the last's. */
    public boolean keepsBest() {
        return patience > 0;
    }

    /** What early stopping watches, e.g. {@code validation loss}. */
    public String monitoredName() {
        return validation ? "validation " + monitor.id() : "training loss";
    }

    /** The monitored value of an epoch, as a cost: lower is better (an accuracy is negated). */
    double cost(EpochMetrics m) {
        if (!validation) {
            return m.loss();
        }
        return monitor == TrainingSettings.Monitor.LOSS ? m.validationLoss() : -m.validationAccuracy();
    }

    /** Whether the last epoch of {@code history} is strictly better than every one before it. */
    public boolean isBest(List<EpochMetrics> history) {
        double last = cost(history.get(history.size() - 1));
        if (Double.isNaN(last)) {
            return false;
        }
        for (int i = 0; i < history.size() - 1; i++) {
            if (!(last < cost(history.get(i))) && !Double.isNaN(cost(history.get(i)))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The epochs since the last one that improved on the best before it by more than {@code tol} (scikit-learn's
     * {@code _no_improvement_count}).
     */
    int epochsWithoutImprovement(List<EpochMetrics> history) {
        double best = Double.POSITIVE_INFINITY;
        int count = 0;
        for (EpochMetrics m : history) {
            double c = cost(m);
            if (Double.isNaN(c) || c > best - tol) {
                count++;
            } else {
                count = 0;
            }
            if (c < best) {
                best = c;
            }
        }
        return count;
    }

    /** The reason to stop after the last epoch of {@code history}, or null to go on. */
    public Reason decide(List<EpochMetrics> history) {
        EpochMetrics last = history.get(history.size() - 1);
        if (target > 0 && targetAccuracy(last) >= target) {
            return Reason.TARGET_REACHED;
        }
        if (patience > 0 && epochsWithoutImprovement(history) >= patience) {
            return Reason.NO_IMPROVEMENT;
        }
        return null;
    }

    /** One line on why the run stops, for the log. */
    public String explain(Reason reason, List<EpochMetrics> history) {
        EpochMetrics last = history.get(history.size() - 1);
        return switch (reason) {
            case TARGET_REACHED -> String.format(Locale.ROOT, "reached %s accuracy %.4f >= %.4f after %.1f s: stopping",
                    validation ? "validation" : "test", targetAccuracy(last), target, last.seconds());
            case NO_IMPROVEMENT -> String.format(Locale.ROOT,
                    "no improvement of the %s by more than %s for %d epochs: stopping", monitoredName(), tol, patience);
            case CONVERGED -> "the loss changed by less than " + tol + " (relative): converged";
            default -> "stopping: the run " + reason.text();
        };
    }

    private double targetAccuracy(EpochMetrics m) {
        return validation ? m.validationAccuracy() : m.testAccuracy();
    }
}
