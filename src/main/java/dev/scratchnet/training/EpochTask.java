package dev.scratchnet.training;

import dev.scratchnet.math.Precision;
import dev.scratchnet.network.NetworkSpec;
import java.io.Serializable;

/**
 * A run of consecutive steps of one epoch, {@code [fromStep, toStep)}, as the partitions run them where the data
 * is, in one Spark job ({@link GradientEngine#runSteps}): everything a task needs to take each step exactly as the
 * driver would, then to count the epoch's validation (and training) examples with the new parameters.
 *
 * @param firstGlobalStep the global step of {@code fromStep}
 * @param rateFactors the learning-rate factor of each step of the run, in order
 * @param evaluate whether the run ends its epoch (or the whole run), so that the training blocks are counted
 */
public record EpochTask(NetworkSpec spec, Precision precision, long seed, MinibatchSchedule schedule, int epoch,
                        int fromStep, int toStep, long firstGlobalStep, double[] rateFactors, StepUpdate update,
                        ValidationSplit split, BlockEvaluation.Counted counted, int evalChunk, boolean evaluate)
        implements Serializable {

    /** The steps in this run. */
    public int steps() {
        return toStep - fromStep;
    }

    /** The position of step {@code s} of the epoch. */
    GradientEngine.StepPosition at(int s) {
        return new GradientEngine.StepPosition(epoch, s, firstGlobalStep + (s - fromStep));
    }
}
