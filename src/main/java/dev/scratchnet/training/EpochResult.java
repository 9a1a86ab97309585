package dev.scratchnet.training;

import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.partition.Evaluation;
import dev.scratchnet.partition.SumTree;
import java.io.Serializable;
import java.util.List;

/**
 * What a {@link StepLoop} brings back: the parameters and optimizer after its last step, where it stopped (with the
 * running sums of an epoch it stopped inside), each epoch it completed (its loss and weight sums, added step by step
 * from where the epoch began, its counts on the training blocks and when it ended), and the best epoch it found with
 * that epoch's parameters (a run of several epochs; else 0 and null).
 */
public record EpochResult(double[] params, Optimizer optimizer, EpochSoFar end, List<Epoch> epochs, int bestEpoch,
                          double[] bestParams) implements Serializable {

    /** The same result with {@code epochs} instead (the counts of every task of a job). */
    public EpochResult withEpochs(List<Epoch> epochs) {
        return new EpochResult(params, optimizer, end, epochs, bestEpoch, bestParams);
    }

    /** Where it stopped and what it counted, without the parameters (a task's that another task's result carries). */
    public EpochResult countsOnly() {
        return new EpochResult(null, null, end, epochs, 0, null);
    }

    /**
     * One completed epoch (or the run's last, partial one).
     *
     * @param byPartition the counts on each training block, in partition order (none when nothing was counted)
     * @param nanos when it ended, from the start of the steps
     * @param countNanos how long its counts took, where the steps ran (part of {@code nanos})
     * @param test the counts on the test set where the steps ran (local mode), added in partition order; null when the
     *             driver evaluates it after
     */
    public record Epoch(double lossSum, double weightSum, List<Evaluation> byPartition, long nanos, long countNanos,
                        Evaluation test)
            implements Serializable {
        /** The counts on every block, added in partition order. */
        public Evaluation training() {
            return SumTree.evaluations(byPartition);
        }
    }
}
