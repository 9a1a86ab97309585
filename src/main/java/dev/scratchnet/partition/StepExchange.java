package dev.scratchnet.partition;

/**
 * How the shares of a run of steps where the data is (one per partition, {@link dev.scratchnet.training.EpochRunner}) meet: every step each
 * share hands in its partition's gradient sum and gets back the step's total over every partition, added over the
 * fixed {@link SumTree} in partition order (the same bits in any arrival order); a network with batch normalization
 * meets the same way for each layer's statistics ({@link BatchNormExchange}). The driver may answer a step's total
 * with a request to stop after that step (an interrupt), the same answer for every share.
 */
public interface StepExchange {
    /** The step's total over every partition of {@code mine}-shaped sums; blocks until every share has handed in. */
    GradientSum stepTotal(GradientSum mine);

    /**
     * Hands in {@code mine} without waiting (so that one thread can hand in several partitions' sums); the returned
     * call waits for the step's total, as {@link #stepTotal} does.
     */
    default java.util.function.Supplier<GradientSum> handIn(GradientSum mine) {
        GradientSum total = stepTotal(mine);
        return () -> total;
    }

    /** The total over every partition of one batch-normalization exchange ({@code partial}: this share's values). */
    double[] batchNormTotal(double[] partial);

    /** Whether the answer to the last {@link #stepTotal} asked the run to stop after that step. */
    default boolean stopAfterStep() {
        return false;
    }

    /** The only share: its own sums are the totals, and nothing asks it to stop. */
    StepExchange ALONE = new StepExchange() {
        @Override
        public GradientSum stepTotal(GradientSum mine) {
            return mine;
        }

        @Override
        public double[] batchNormTotal(double[] partial) {
            return partial;
        }
    };
}
