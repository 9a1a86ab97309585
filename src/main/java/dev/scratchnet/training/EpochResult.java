package dev.scratchnet.training;

import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.partition.Evaluation;
import dev.scratchnet.partition.SumTree;
import java.io.Serializable;
import java.util.List;

/**
 * What a run of steps where the data is brings back: the parameters and optimizer after its last step, where it
 * stopped, each epoch it completed (its loss and weight sums, added step by step from where the epoch began, as the
 * driver would, its counts on the training blocks and when it ended), the running sums of an epoch it stopped inside,
 * and the best epoch it found with that epoch's parameters (a run of several epochs; else none).
 *
 * @param end the position after the last step
 */
public record EpochResult(double[] params, Optimizer optimizer, GradientEngine.StepPosition end,
                          List<Epoch> epochs, double partialLoss, double partialWeight, int bestEpoch,
                          double[] bestParams) implements Serializable {

    /**
     * One completed epoch (or the run's last, partial one).
     *
     * @param byPartition the counts on each training block, in partition order (none when nothing was counted)
     */
    public record Epoch(double lossSum, double weightSum, List<Evaluation> byPartition, long nanos)
            implements Serializable {
        /** The counts on every block, added in partition order. */
        public Evaluation training() {
            return SumTree.evaluations(byPartition);
        }
    }
}
