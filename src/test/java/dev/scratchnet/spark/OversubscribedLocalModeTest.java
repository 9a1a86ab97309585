package dev.scratchnet.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.config.Configuration;
import dev.scratchnet.data.Mnist;
import dev.scratchnet.network.NetworkSettings;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.partition.PartitionStep;
import dev.scratchnet.registry.EngineSettings;
import dev.scratchnet.registry.Settings;
import dev.scratchnet.run.RunOutputs;
import dev.scratchnet.run.TrainingRun;
import dev.scratchnet.testing.SparkTestContext;
import dev.scratchnet.testing.TestData;
import dev.scratchnet.training.GradientEngine;
import dev.scratchnet.training.Trainer;
import dev.scratchnet.training.TrainingState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code local[N]} with more task slots than the JVM has processors: the one task of an epoch run computes the
 * partitions' shares on no more threads than there are processors (more only took turns at every step's handoffs),
 * and the bits are a job a step's.
 */
class OversubscribedLocalModeTest {
    private static final int PROCESSORS = Runtime.getRuntime().availableProcessors();
    private static final int SLOTS = PROCESSORS + 2;
    /** The threads that computed a share, by global step (the gradient seam runs in this JVM in local mode). */
    private static final Map<Long, Set<String>> SHARE_THREADS = new ConcurrentHashMap<>();

    private static JavaSparkContext sc;
    private static Mnist.Split data;

    @BeforeAll
    static void start() {
        data = TestData.subset(2000, 500);
        sc = CachedCleanSparkContext.start(SparkTestContext.conf().setMaster("local[" + SLOTS + "]"), System.out);
    }

    @AfterAll
    static void stop() {
        sc.close();
    }

    private static Configuration config() {
        Map<String, String> m = new java.util.HashMap<>(Map.of(
                "spark.scratchnet.hidden", "20",
                "spark.scratchnet.batchSize", "100",
                "spark.scratchnet.optimizer", "adam",
                "spark.scratchnet.learningRate", "0.01",
                "spark.scratchnet.epochs", "2",
                "spark.scratchnet.progressSeconds", "0",
                "spark.scratchnet.partitions", String.valueOf(SLOTS),
                "spark.scratchnet.seed", "3"));
        TestData.PLAIN.forEach((k, v) -> m.put("spark.scratchnet." + k, v));
        return Settings.parse(m);
    }

    private static Trainer.Result train(Configuration config, NetworkSpec spec, GradientEngine engine) {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        TrainingState state = new TrainingRun(config, spec, RunOutputs.checkpointsOnly(null, config, spec), quiet)
                .startingState(engine);
        return new Trainer(config, spec, engine, quiet, Trainer.NO_LISTENER).run(state);
    }

    @Test
    void theSharesRunOnNoMoreThreadsThanProcessorsAndGiveAJobAStepsBits() {
        Configuration config = config();
        NetworkSpec spec = NetworkSettings.spec(config, 784, 10);
        SparkEngine.BlockGradient recorded = (block, start, step, params, sums, scratch) -> {
            SHARE_THREADS.computeIfAbsent(step.globalStep(), s -> ConcurrentHashMap.newKeySet())
                    .add(Thread.currentThread().getName() + "#" + Thread.currentThread().getId());
            return PartitionStep.gradientSum(block, start, step, params, sums, scratch);
        };
        Trainer.Result stepwise;
        try (SparkEngine engine = SparkEngine.of(sc, spec, data.train(), data.test(),
                config.with(EngineSettings.MODE, EngineSettings.Mode.STEP))) {
            stepwise = train(config, spec, engine);
        }
        SHARE_THREADS.clear();
        try (SparkEngine engine = SparkEngine.of(sc, spec, data.train(), data.test(), config, recorded)) {
            assertTrue(engine.runsSteps(), "auto runs epochs in local mode");
            Trainer.Result epochwise = train(config, spec, engine);
            assertEquals(0.0, TestData.maxRelativeDifference(epochwise.params(), stepwise.params()),
                    SLOTS + " partitions on local[" + SLOTS + "]: the same parameters as a job a step, bit for bit");
        }
        assertFalse(SHARE_THREADS.isEmpty(), "the seam saw the shares");
        for (Map.Entry<Long, Set<String>> e : SHARE_THREADS.entrySet()) {
            assertTrue(e.getValue().size() <= PROCESSORS, SLOTS + " partitions on local[" + SLOTS + "] with "
                    + PROCESSORS + " processors: step " + e.getKey() + " computed on " + e.getValue());
        }
    }

    @Test
    void localThreadsAreTheSlotsUpToTheProcessors() {
        assertEquals(2, EpochJob.localThreads(8, 2));
        assertEquals(3, EpochJob.localThreads(3, 8));
        assertEquals(1, EpochJob.localThreads(0, 4), "at least one");
    }
}
