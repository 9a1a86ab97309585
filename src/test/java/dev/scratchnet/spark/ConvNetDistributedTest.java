package dev.scratchnet.spark;

import dev.scratchnet.registry.EngineSettings;
import dev.scratchnet.registry.Settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.config.Configuration;
import dev.scratchnet.data.Mnist;
import dev.scratchnet.layers.Shape;
import dev.scratchnet.network.NetworkSettings;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.testing.SparkTestContext;
import dev.scratchnet.testing.TestData;
import dev.scratchnet.training.GradientEngine;
import dev.scratchnet.partition.GradientSum;
import dev.scratchnet.training.LocalEngine;
import dev.scratchnet.run.RunOutputs;
import dev.scratchnet.training.Trainer;
import dev.scratchnet.run.TrainingRun;
import dev.scratchnet.training.TrainingState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A small convolutional network (the book's SimpleConvNet with 4 filters) on 600 MNIST images, with and without
 * batch normalization, on Spark against the in-process oracle in double precision: the same trajectory on 1, 3 and
 * 4 partitions (a job a step; with batch normalization a job per round of sums) and in an epoch run's barrier stage,
 * and a full-batch step equal to the same step in one JVM.
 *
 * <p>Momentum, not Adam: batch normalization makes the gradient of the biases just before it exactly 0 in exact
 * arithmetic (it subtracts their effect with the mean), so what is computed there is rounding noise, which differs
 * with the summation order; Adam divides by its root mean square and turns it into steps of the full learning rate
 * (a walk of those biases that changes no output). Momentum keeps noise the size of noise.
 */
class ConvNetDistributedTest {
    private static final String CONV = "conv:4:5x5,relu,pool:2x2,affine:20,relu,affine";
    private static final String CONV_BN = "conv:4:5x5,batchnorm,relu,pool:2x2,affine:20,batchnorm,relu,affine";
    private static JavaSparkContext sc;
    private static Mnist.Split data;

    @BeforeAll
    static void start() {
        data = TestData.subset(600, 200);
        sc = SparkTestContext.start();
    }

    @AfterAll
    static void stop() {
        sc.close();
    }

    private static Configuration config(String network, String... kv) {
        Map<String, String> m = new HashMap<>(TestData.plain("network", network, "batchSize", "100",
                "optimizer", "momentum", "learningRate", "0.05", "epochs", "2", "steps", "0", "progressSeconds", "0",
                "seed", "5", "engine", "step"));
        for (int i = 0; i < kv.length; i += 2) {
            m.put("spark.scratchnet." + kv[i], kv[i + 1]);
        }
        return Settings.parse(m);
    }

    private static NetworkSpec spec(Configuration config) {
        return NetworkSettings.spec(config, new Shape(1, 28, 28), 10);
    }

    private static Trainer.Result train(Configuration config, GradientEngine engine) {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        NetworkSpec spec = spec(config);
        TrainingState state = new TrainingRun(config, spec, RunOutputs.checkpointsOnly(null, config, spec), quiet)
                .startingState(engine);
        return new Trainer(config, spec, engine, quiet, Trainer.NO_LISTENER).run(state);
    }

    private static void assertSameTrajectoryOnPartitions(Configuration config, int... partitionCounts) {
        Trainer.Result oracle = train(config, LocalEngine.of(spec(config), data.train(), data.test(), config));
        assertEquals(6L * config.get(dev.scratchnet.training.TrainingSettings.EPOCHS), oracle.steps());
        for (int partitions : partitionCounts) {
            try (SparkEngine engine = SparkEngine.of(sc, spec(config), data.train(), data.test(),
                    config.with(EngineSettings.PARTITIONS, partitions))) {
                Trainer.Result distributed = train(config, engine);
                assertEquals(oracle.steps(), distributed.steps());
                double diff = TestData.maxRelativeDifference(distributed.params(), oracle.params());
                assertTrue(diff < 1e-9, spec(config) + ", " + partitions + " partitions (" + config.text(EngineSettings.MODE)
                        + "): parameters differ from the oracle by " + diff);
                assertEquals(oracle.last().testAccuracy(), distributed.last().testAccuracy(), 1e-9);
            }
        }
        assertTrue(oracle.last().testAccuracy() > 0.3, "learned something: " + oracle.last().testAccuracy());
    }

    @Test
    void convNetTrajectoryDoesNotDependOnPartitions() {
        assertSameTrajectoryOnPartitions(config(CONV), 1, 3, 4);
    }

    @Test
    void withBatchNormalizationTheTrajectoryDoesNotDependOnPartitions() {
        assertSameTrajectoryOnPartitions(config(CONV_BN, "epochs", "1"), 1, 3, 4);
    }

    @Test
    void withBatchNormalizationAnEpochRunsBarrierStageEqualsTheOracle() {
        assertSameTrajectoryOnPartitions(config(CONV_BN, "engine", "epoch", "epochs", "1"), 2);
    }

    @Test
    void aFullBatchStepOnSparkEqualsTheSameStepInOneJvm() {
        for (String network : new String[] {CONV, CONV_BN}) {
            Configuration config = config(network, "batchSize", "600", "epochs", "1");
            NetworkSpec spec = spec(config);
            double[] params = config.get(NetworkSettings.WEIGHT_INIT).initialize(spec, 3);
            int[] all = IntStream.range(0, 600).toArray();
            GradientEngine.StepPosition at = new GradientEngine.StepPosition(0, 0, 0);
            GradientSum local = LocalEngine.of(spec, data.train(), data.test(), config).gradientSum(params, all, at);
            Trainer.Result oneJvm = train(config, LocalEngine.of(spec, data.train(), data.test(), config));
            assertEquals(1, oneJvm.steps());
            try (SparkEngine engine = SparkEngine.of(sc, spec, data.train(), data.test(),
                    config.with(EngineSettings.PARTITIONS, 3))) {
                GradientSum distributed = engine.gradientSum(params, all, at);
                assertEquals(600, distributed.count());
                assertEquals(local.lossSum(), distributed.lossSum(), 1e-9 * Math.abs(local.lossSum()));
                double diff = TestData.maxRelativeDifference(distributed.grad(), local.grad());
                assertTrue(diff < 1e-9, network + ": gradient sums differ by " + diff);
                Trainer.Result spark = train(config, engine);
                double after = TestData.maxRelativeDifference(spark.params(), oneJvm.params());
                assertTrue(after < 1e-9, network + ": parameters after the step differ by " + after);
            }
        }
    }
}
