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
 * Consecutive steps of a run, as a {@link StepLoop} takes them: where the data is, as one Spark job
 * ({@link GradientEngine#runSteps}), or one at a time on the driver. The first three parts are the run's and the same
 * for every span of it; the last two say where this span starts and ends, and whether it may go on past its epoch.
 *
 * @param steps how every step is taken
 * @param shares what a partition computes its share of a step (and its counts) with
 * @param counting what a training block counts as an epoch ends
 * @param span where the steps start and where they must stop
 * @param goOn whether the steps go on into the next epochs
 */
public record EpochTask(Steps steps, Shares shares, Counting counting, Span span, GoOn goOn) implements Serializable {

    /**
     * How every step is taken: its minibatch from {@code schedule}, its learning rate from {@code rates} (after
     * {@code warmupSteps} of warm-up), and the update.
     */
    public record Steps(MinibatchSchedule schedule, LearningRateSchedule rates, long warmupSteps, StepUpdate update)
            implements Serializable {
        /** The factor of the configured learning rate at global step {@code step}. */
        double rateFactor(long step) {
            return rates.factor(step, schedule.stepsPerEpoch(), warmupSteps);
        }
    }

    /** The network a partition runs forward and backward, in {@code precision}, dropout's masks drawn from {@code seed}. */
    public record Shares(NetworkSpec spec, Precision precision, long seed) implements Serializable {}

    /**
     * What a training block counts as an epoch ends: the validation split, or also the other training examples
     * ({@code counted}), {@code evalChunk} rows at a time.
     */
    public record Counting(ValidationSplit split, BlockEvaluation.Counted counted, int evalChunk) implements Serializable {
        /** Whether there is anything to count (a validation split, or every training example). */
        boolean anything() {
            return split.fraction() > 0 || counted == BlockEvaluation.Counted.VALIDATION_AND_TRAINING;
        }
    }

    /**
     * Where the steps start ({@code from}: the next step and its epoch's sums so far) and the global step they must not
     * pass ({@code stopAt}: the step limit, the next checkpoint, or the next step for a job a step); {@code runEnd} is
     * the step limit of the whole training run (its last epoch may be partial).
     */
    public record Span(EpochSoFar from, long stopAt, long runEnd) implements Serializable {}

    /**
     * Whether the steps go on past an epoch's end: into epochs up to {@code lastEpoch} (0-based; the span's own epoch
     * for one epoch a span) until {@code stopRule} says stop (asked on {@code history}, the epochs before the span, and
     * those the span ends) or an epoch ends later than {@code budgetNanos} into the span.
     */
    public record GoOn(StopRule stopRule, int lastEpoch, long budgetNanos, List<EpochMetrics> history)
            implements Serializable {
        public GoOn {
            history = List.copyOf(history);
        }

        /** Steps that end with the epoch they start in. */
        static GoOn oneEpoch(StopRule stopRule, int epoch) {
            return new GoOn(stopRule, epoch, 0, List.of());
        }
    }

    /** Whether the steps may go on past the epoch they start in. */
    boolean multiEpoch() {
        return goOn.lastEpoch() > span.from().next().epoch();
    }
}
