package dev.scratchnet.partition;

import dev.scratchnet.layers.BatchSums;
import dev.scratchnet.layers.Pass;
import dev.scratchnet.math.Matrix;
import dev.scratchnet.network.Network;
import dev.scratchnet.network.WeightDecay;

/**
 * One partition's share of a synchronous step, the book's {@code grads = network.gradient(x_batch, t_batch)} on the
 * examples of the global minibatch that this block holds: their gradient <em>sum</em>, loss sum, count and weight
 * sum. The driver adds the shares and divides once.
 */
public final class PartitionStep {
    private PartitionStep() {}

    /**
     * The share of {@code step} held by {@code block}, whose first example is at global position {@code start},
     * with {@code params} in the step's precision; an empty share is {@link GradientSum#empty()}.
     */
    public static GradientSum gradientSum(ExampleBlock block, int start, Step step, Matrix params) {
        return gradientSum(block, start, step, params, BatchSums.LOCAL);
    }

    /**
     * The same, batch normalization taking the totals over every share of the step from {@code sums}
     * ({@link BatchNormExchange}); a share with no rows still makes its exchanges, with zeros.
     */
    public static GradientSum gradientSum(ExampleBlock block, int start, Step step, Matrix params, BatchSums sums) {
        return gradientSum(block, start, step, params, sums, null);
    }

    /**
     * The same, the share's rows decoded into {@code scratch}'s array and its gradient written into {@code scratch}'s
     * (null: new ones). The sum returned then holds that array: it is valid until the share's next step.
     */
    public static GradientSum gradientSum(ExampleBlock block, int start, Step step, Matrix params, BatchSums sums,
                                          ShareScratch scratch) {
        int[] rows = block.share(step.batch(), start);
        if (rows.length == 0) {
            if (sums != BatchSums.LOCAL) {
                BatchNormExchange.idle(step.spec(), sums);
            }
            return GradientSum.empty();
        }
        Matrix xBatch = block.rows(rows, step.precision(), scratch);
        double[] tBatch = block.labels(rows);
        double[] wBatch = block.weights(rows);
        long[] positions = positions(rows, start);
        Network network = new Network(step.spec(), params, WeightDecay.NONE);
        Pass pass = Pass.training(step.seed(), step.globalStep(), positions).share(sums, step.batch().length);
        double lossSum;
        Matrix grads;
        if (scratch == null) {
            grads = params.zerosLike();
            lossSum = network.accumulateGradient(xBatch, tBatch, wBatch, pass, grads);
        } else {
            grads = scratch.gradient(params);
            lossSum = network.writeGradient(xBatch, tBatch, wBatch, pass, grads);
        }
        // Not widened to double here: whoever adds the partitions' sums, or reads the mean, widens it as it goes.
        return GradientSum.ofLeaves(new Matrix[] {grads}, lossSum, rows.length, weightSum(wBatch, rows.length));
    }

    /**
     * The global positions of a share's rows. A method of its own: a loop this long inside {@link #gradientSum} made
     * HotSpot compile the whole of it (the network's forward and backward, inlined) once more on-stack, for the loop,
     * during the first epoch (236 ms of C2 beside the steps).
     */
    private static long[] positions(int[] rows, int start) {
        long[] positions = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            positions[i] = (long) start + rows[i];
        }
        return positions;
    }

    static double weightSum(double[] weights, int count) {
        if (weights == null) {
            return count;
        }
        double sum = 0;
        for (double w : weights) {
            sum += w;
        }
        return sum;
    }
}
