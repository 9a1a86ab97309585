package dev.scratchnet.spark;

import dev.scratchnet.math.NativeBlas;
import dev.scratchnet.partition.BatchNormExchange;
import dev.scratchnet.partition.GradientSum;
import dev.scratchnet.partition.Parameters;
import dev.scratchnet.partition.Step;
import dev.scratchnet.partition.SumTree;
import java.util.Arrays;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * One step of a network with batch normalization as a job a round ({@link BatchNormExchange}): round {@code r}
 * computes every partition's sums of exchange {@code r} with the totals of the earlier ones, the driver adds them up
 * over the partitions' {@link SumTree}, and the last round returns the step's gradient sum. {@code K} exchanges cost
 * {@code K + 1} jobs and recompute the pass up to each exchange: the price of statistics over the whole minibatch
 * without tasks that wait for each other. The parameters are broadcast once for all rounds (destroyed after the step).
 */
final class BatchNormRounds {
    private BatchNormRounds() {}

    static GradientSum gradientSum(JavaSparkContext sc, CachedBlocks train, Step step, Object wireParams,
                                   boolean nativeBlas) {
        Broadcast<Object> weights = sc.broadcast(wireParams);
        int[] starts = train.starts();
        int exchanges = BatchNormExchange.sizes(step.spec()).size();
        double[][] known = new double[0][];
        try {
            for (int r = 0; ; r++) {
                double[][] before = known;
                JavaRDD<GradientSum> sums = train.rdd().map(block -> {
                    NativeBlas.install(nativeBlas);
                    return BatchNormExchange.round(block, starts[block.partition()], step,
                            Parameters.fromWire(weights.value()), before);
                });
                GradientSum total = SumTree.sum(sums.collect());
                if (r == exchanges) {
                    return total;
                }
                known = Arrays.copyOf(known, r + 1);
                known[r] = total.grad();
            }
        } finally {
            weights.destroy();
        }
    }
}
