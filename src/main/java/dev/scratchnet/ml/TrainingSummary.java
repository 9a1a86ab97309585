package dev.scratchnet.ml;

import dev.scratchnet.report.EpochMetrics;
import java.util.List;

/**
 * What a fit records beyond the model, with MLlib's {@code TrainingSummary} names ({@code objectiveHistory},
 * {@code totalIterations}) and scratchnet's own: the per-epoch history, the epoch the model's weights are from and
 * why training stopped.
 */
public interface TrainingSummary {
    /** The per-epoch history. */
    List<EpochMetrics> history();

    /** The training loss of every epoch (for l-bfgs, every iteration), as MLlib's {@code objectiveHistory}. */
    default double[] objectiveHistory() {
        return history().stream().mapToDouble(EpochMetrics::loss).toArray();
    }

    /** The epochs (for l-bfgs, iterations) run. */
    default int totalIterations() {
        return history().size();
    }

    /** The epoch the model's weights are from (1-based): the best one when early stopping kept it. */
    int modelEpoch();

    /** Why training stopped, e.g. {@code no_improvement}, {@code epoch_limit}. */
    String stopReason();
}
