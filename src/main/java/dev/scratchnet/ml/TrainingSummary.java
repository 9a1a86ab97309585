package dev.scratchnet.ml;

import dev.scratchnet.report.EpochMetrics;
import dev.scratchnet.run.RunSummary;
import java.util.List;

/**
 * What a fit records beyond the model, with MLlib's {@code TrainingSummary} names ({@code objectiveHistory},
 * {@code totalIterations}) and scratchnet's own: the per-epoch history, the epoch the model's weights are from and
 * why training stopped.
 */
public interface TrainingSummary {
    /** What the fit recorded: the per-epoch history, the epoch the model's weights are from, why it stopped. */
    Record record();

    /** What a fit records beyond the model. */
    record Record(List<EpochMetrics> history, int modelEpoch, String stopReason) implements java.io.Serializable {
        public Record {
            history = List.copyOf(history);
        }

        static Record of(List<EpochMetrics> history, RunSummary run) {
            return new Record(history, run.outcome().modelEpoch(), run.outcome().stopReason());
        }
    }

    /** The per-epoch history. */
    default List<EpochMetrics> history() {
        return record().history();
    }

    /** The training loss of every epoch (for l-bfgs, every iteration), as MLlib's {@code objectiveHistory}. */
    default double[] objectiveHistory() {
        return history().stream().mapToDouble(EpochMetrics::loss).toArray();
    }

    /** The epochs (for l-bfgs, iterations) run. */
    default int totalIterations() {
        return history().size();
    }

    /** The epoch the model's weights are from (1-based): the best one when early stopping kept it. */
    default int modelEpoch() {
        return record().modelEpoch();
    }

    /** Why training stopped, e.g. {@code no_improvement}, {@code epoch_limit}. */
    default String stopReason() {
        return record().stopReason();
    }
}
