package dev.scratchnet.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.config.Configuration;
import dev.scratchnet.math.Matrix;
import dev.scratchnet.math.Precision;
import dev.scratchnet.partition.GradientSum;
import dev.scratchnet.registry.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The warm-up that runs while Spark starts takes real steps of the configured network (a loss that falls, for the
 * demo's MLP and for the convolutional net), and stays out of the way where it has nothing to do (L-BFGS) or cannot
 * build the network (that error is the run's to report).
 */
class JitWarmUpTest {
    private static Configuration config(Map<String, String> settings) {
        java.util.Map<String, String> properties = new java.util.HashMap<>();
        settings.forEach((k, v) -> properties.put("spark.scratchnet." + k, v));
        return Configuration.parse(Settings.ALL, properties);
    }

    @Test
    void stepsTheConfiguredMlpAndConvNet() {
        Configuration mlp = config(Map.of("hidden", "256", "precision", "single", "optimizer", "adam"));
        double first = JitWarmUp.run(mlp, 2, false, 1);
        double later = JitWarmUp.run(mlp, 2, false, 30);
        assertTrue(Double.isFinite(first) && Double.isFinite(later), first + ", " + later);
        assertTrue(later < first, "the warm-up's loss should fall as it steps: " + first + " then " + later);
        Configuration conv = config(Map.of("network", "conv:4:5x5,relu,pool:2x2,affine:20,relu,affine",
                "inputShape", "1x28x28"));
        assertTrue(Double.isFinite(JitWarmUp.run(conv, 1, false, 2)));
    }

    @Test
    void skipsANetworkBigBesideTheHeap() {
        assertTrue(JitWarmUp.tooBigFor(15_700_000, 480L << 20), "hidden=20000 beside a 480 MB driver");
        assertTrue(!JitWarmUp.tooBigFor(203_530, 1L << 30), "the demo's network beside 1 GB");
    }

    @Test
    void skipsLbfgsAndLeavesABadNetworkToTheRun() throws InterruptedException {
        assertTrue(Double.isNaN(JitWarmUp.run(config(Map.of("optimizer", "l-bfgs")), 1, false, 5)));
        Thread t = JitWarmUp.inBackground(config(Map.of("network", "conv:4:99x99,affine", "inputShape", "1x28x28")), 2,
                false);
        t.join(60_000);
        assertEquals(Thread.State.TERMINATED, t.getState(), "a warm-up that cannot build its network ends quietly");
    }

    @Test
    void addsItsSumsAsTheRunsPartitionsWillBeAdded() {
        Configuration mlp = config(Map.of("hidden", "16", "precision", "single"));
        for (int partitions : new int[] {1, 2, 3, 4}) {
            assertTrue(Double.isFinite(JitWarmUp.run(mlp, partitions, false, 9)), partitions + " partitions");
        }
        assertTrue(Double.isFinite(JitWarmUp.run(mlp, 2, true, 9)), "the job-a-step engine's added sums");
        GradientSum a = GradientSum.ofLeaves(new Matrix[] {Matrix.zeros(Precision.SINGLE, 1, 3)}, 1, 2, 2);
        GradientSum b = GradientSum.ofLeaves(new Matrix[] {Matrix.zeros(Precision.SINGLE, 1, 3)}, 3, 4, 4);
        assertSame(a, JitWarmUp.total(a, b, 1, false));
        for (int partitions : new int[] {2, 3, 4}) {
            GradientSum total = JitWarmUp.total(a, b, partitions, false);
            assertEquals(partitions, total.leaves().length, "a leaf a partition, as local[N] hands them to the update");
            assertSame(b.leaves()[0], total.leaves()[1]);
            assertEquals(6L, total.count());
        }
        GradientSum added = JitWarmUp.total(a, b, 4, true);
        assertTrue(added.leaves() == null && added.grad().length == 3, "treeAggregate adds the partitions' sums");
    }

    @Test
    void endsWhenTrainingBegins() {
        java.util.function.BooleanSupplier begun = JitWarmUp.trainingBegunSince();
        assertTrue(!begun.getAsBoolean());
        int[] asked = new int[1];
        JitWarmUp.run(config(Map.of("hidden", "16")), 2, false, 1000, Long.MAX_VALUE, () -> ++asked[0] == 3);
        assertEquals(3, asked[0], "the warm-up asks before each step, and ends when told");
        JitWarmUp.trainingBegins();
        assertTrue(begun.getAsBoolean(), "a run's training began after the warm-up started");
        assertTrue(!JitWarmUp.trainingBegunSince().getAsBoolean());
    }
}
