package dev.scratchnet.partition;

import dev.scratchnet.layers.BatchNormalization;
import dev.scratchnet.layers.BatchSums;
import dev.scratchnet.network.NetworkSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The sums a training step of a network with batch normalization exchanges between the shares of its minibatch
 * (the partitions), in the order every share makes them: forward, each batch-normalization layer's
 * {@code [Σ(x − s), Σ(x − s)²]} in list order; backward, each one's {@code [Σ dout, Σ dout·xn]} in reverse order,
 * except a first layer's (its {@code dx} is never computed). Each is {@code 2·D} values for a layer of {@code D}
 * features. A step's statistics are those of the whole minibatch, so the result does not depend on the partitioning.
 *
 * <p>Two ways to exchange: tasks that run at once hand each sum to the driver, which answers every
 * task with the total ({@link StepExchange}, {@link #through}); or one round trip per exchange, each round recomputing the pass up to the next
 * exchange with the totals of the earlier ones ({@link Replay}) — {@code K} exchanges cost {@code K + 1} jobs a step.
 */
public final class BatchNormExchange {
    private BatchNormExchange() {}

    /** The sizes of the exchanges of one training step of {@code spec}, in order (empty without batch normalization). */
    public static List<Integer> sizes(NetworkSpec spec) {
        List<Integer> forward = new ArrayList<>();
        List<Integer> backward = new ArrayList<>();
        for (int i = 0; i < spec.layers().size(); i++) {
            if (spec.layers().get(i) instanceof BatchNormalization.Spec) {
                int values = 2 * spec.inputOf(i).size();
                forward.add(values);
                if (i > 0) {
                    backward.add(0, values);
                }
            }
        }
        forward.addAll(backward);
        return forward;
    }

    /** Whether {@code spec} has batch normalization (a step exchanges sums). */
    public static boolean needed(NetworkSpec spec) {
        return spec.layers().stream().anyMatch(l -> l instanceof BatchNormalization.Spec);
    }

    /** The exchanges of a share with no rows in the step: zeros, in order, so that every other share's calls meet. */
    static void idle(NetworkSpec spec, BatchSums sums) {
        for (int size : sizes(spec)) {
            sums.total(new double[size]);
        }
    }

    /** Sums exchanged through {@code exchange}. */
    public static BatchSums through(StepExchange exchange) {
        return partial -> exchange.batchNormTotal(partial.clone());
    }

    /**
     * The sums of one round of a step taken in rounds: the totals of the exchanges before this round are known; the
     * next exchange ends the round, carrying this share's sums out ({@link Suspended}).
     */
    public static final class Replay implements BatchSums {
        private final double[][] known;
        private int calls;

        /** @param known the totals of the exchanges before this round, in order */
        public Replay(double[][] known) {
            this.known = known;
        }

        @Override
        public double[] total(double[] partial) {
            if (calls < known.length) {
                return known[calls++];
            }
            throw new Suspended(partial.clone());
        }
    }

    /** A round's end: this share's sums of the exchange the round has reached. */
    public static final class Suspended extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient double[] partial;

        Suspended(double[] partial) {
            super(null, null, false, false);
            this.partial = partial;
        }

        public double[] partial() {
            return partial;
        }
    }

    /**
     * Round {@code known.length} of {@code step} on {@code block} (first example at global position {@code start}):
     * this share's sums of that exchange as a {@link GradientSum} of count 0 while exchanges remain, else its gradient
     * sum.
     */
    public static GradientSum round(ExampleBlock block, int start, Step step, dev.scratchnet.math.Matrix params,
                                    double[][] known) {
        try {
            return PartitionStep.gradientSum(block, start, step, params, new Replay(known));
        } catch (Suspended s) {
            return GradientSum.of(s.partial(), 0, 0);
        }
    }
}
