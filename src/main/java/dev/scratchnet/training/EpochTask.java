package dev.scratchnet.training;

import dev.scratchnet.math.Precision;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.optim.LearningRateSchedule;
import dev.scratchnet.partition.BlockEvaluation;
import dev.scratchnet.partition.ValidationSplit;
import dev.scratchnet.report.EpochMetrics;
import java.io.Serializable;
import java.util.List;

/**
 * Consecutive steps as the partitions run them where the data is, in one Spark job ({@link GradientEngine#runSteps}):
 * everything a task needs to take each step exactly as the driver would, to count the validation (and training)
 * examples at the end of each epoch, and — when it is the only partition — to go on into the next epochs until the
 * stop rule, the limits or its time budget say stop.
 *
 * @param start where the run starts: epoch, step in it and global step
 * @param startLoss the loss sum of the epoch's steps before {@code start} (and {@code startWeight} their weights)
 * @param stopAt the global step the run must not pass: the step limit, or the next checkpoint
 * @param runEnd the step limit of the whole training run (the last epoch may be partial)
 * @param lastEpoch the last epoch (0-based) the run may go into: {@code start.epoch()} for one epoch a job
 * @param budgetNanos after an epoch that ends later than this into the run, the run returns (0: after one epoch)
 * @param history the epochs before {@code start}, for the stop rule and the best epoch
 */
public record EpochTask(NetworkSpec spec, Precision precision, long seed, MinibatchSchedule schedule,
                        LearningRateSchedule rates, long warmupSteps, StepUpdate update, ValidationSplit split,
                        BlockEvaluation.Counted counted, int evalChunk, StopRule stopRule,
                        GradientEngine.StepPosition start, double startLoss, double startWeight, long stopAt, long runEnd,
                        int lastEpoch, long budgetNanos, List<EpochMetrics> history) implements Serializable {

    public EpochTask {
        history = List.copyOf(history);
    }

    /** Whether the run may go on past the epoch it starts in. */
    boolean multiEpoch() {
        return lastEpoch > start.epoch();
    }
}
