package dev.scratchnet.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.data.Mnist;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.testing.SparkTestContext;
import dev.scratchnet.testing.TestData;
import dev.scratchnet.training.GradientSum;
import dev.scratchnet.training.LocalEngine;
import dev.scratchnet.training.MinibatchSchedule;
import dev.scratchnet.training.Optimizer;
import dev.scratchnet.training.TrainConfig;
import dev.scratchnet.training.Trainer;
import dev.scratchnet.training.TrainingState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distributed step against the in-process oracle on real MNIST (a 6,000-image subset to stay fast):
 * the same gradient sums, and the same trajectory whatever the number of partitions.
 */
class DistributedTrainingTest {
    private static JavaSparkContext sc;
    private static Mnist.Split data;

    @BeforeAll
    static void start() {
        data = TestData.subset(6000, 1000);
        sc = SparkTestContext.start();
    }

    @AfterAll
    static void stop() {
        sc.close();
    }

    private static TrainConfig config(String... kv) {
        Map<String, String> m = new java.util.HashMap<>(Map.of(
                "spark.scratchnet.hidden", "30",
                "spark.scratchnet.weightInit", "he",
                "spark.scratchnet.batchSize", "100",
                "spark.scratchnet.optimizer", "momentum",
                "spark.scratchnet.learningRate", "0.1",
                "spark.scratchnet.epochs", "5",
                "spark.scratchnet.steps", "0",
                "spark.scratchnet.progressSeconds", "0",
                "spark.scratchnet.seed", "7"));
        for (int i = 0; i < kv.length; i += 2) {
            m.put("spark.scratchnet." + kv[i], kv[i + 1]);
        }
        return TrainConfig.parse(m);
    }

    private static Trainer.Result train(TrainConfig config, dev.scratchnet.training.GradientEngine engine) {
        NetworkSpec spec = config.network(784, 10);
        TrainingState state = TrainingState.fresh(config.weightInit().initialize(spec, config.seed()),
                Optimizer.create(config.optimizer(), config.learningRate(), config.momentum(), spec.parameterCount()));
        return new Trainer(config, engine, new PrintStream(new ByteArrayOutputStream()), new Trainer.Listener() {}).run(state);
    }

    @Test
    void aggregatedGradientEqualsTheInProcessGradientOnTheSameExamples() {
        NetworkSpec spec = config().network(784, 10);
        double[] params = config().weightInit().initialize(spec, 3);
        int[] batch = new MinibatchSchedule(data.train().size(), 500, 11).batch(2, 3);
        GradientSum local = new LocalEngine(spec, data.train(), data.test()).gradientSum(params, batch, 2, 3);
        try (SparkEngine engine = new SparkEngine(sc, spec, data.train(), data.test(), 4, 2, "")) {
            GradientSum distributed = engine.gradientSum(params, batch, 2, 3);
            assertEquals(500, distributed.count());
            assertEquals(local.lossSum(), distributed.lossSum(), 1e-9 * Math.abs(local.lossSum()));
            double diff = TestData.maxRelativeDifference(distributed.grad(), local.grad());
            assertTrue(diff < 1e-10, "gradient sums differ by " + diff);
            assertEquals(new LocalEngine(spec, data.train(), data.test()).correctOnTest(params), engine.correctOnTest(params));
            assertEquals(new LocalEngine(spec, data.train(), data.test()).correctOnTrain(params), engine.correctOnTrain(params));
        }
    }

    @Test
    void singlePrecisionGradientSumsAgreeAcrossPartitionsToFloatRounding() {
        NetworkSpec spec = config().network(784, 10);
        double[] params = config().weightInit().initialize(spec, 5);
        int[] batch = new MinibatchSchedule(data.train().size(), 1000, 3).batch(0, 1);
        GradientSum local = new LocalEngine(spec, data.train(), data.test(), true).gradientSum(params, batch, 0, 1);
        GradientSum exact = new LocalEngine(spec, data.train(), data.test()).gradientSum(params, batch, 0, 1);
        try (SparkEngine engine = new SparkEngine(sc, spec, data.train(), data.test(), 4, 2, "", true)) {
            GradientSum distributed = engine.gradientSum(params, batch, 0, 1);
            assertTrue(engine.describe().contains("single precision"), engine.describe());
            double scale = java.util.Arrays.stream(exact.grad()).map(Math::abs).max().orElseThrow();
            for (double[] g : new double[][] {distributed.grad(), local.grad()}) {
                double maxDiff = 0;
                for (int i = 0; i < g.length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(g[i] - exact.grad()[i]));
                }
                assertTrue(maxDiff < 1e-5 * scale, "single vs double gradient sums: " + maxDiff + " of " + scale);
            }
        }
    }

    @Test
    void trajectoryDoesNotDependOnPartitionsAndEqualsTheOracle() {
        TrainConfig config = config();
        NetworkSpec spec = config.network(784, 10);
        Trainer.Result oracle = train(config, new LocalEngine(spec, data.train(), data.test()));
        assertEquals(300, oracle.steps());
        for (int partitions : new int[] {1, 3, 4}) {
            try (SparkEngine engine = new SparkEngine(sc, spec, data.train(), data.test(), partitions, 2, "")) {
                Trainer.Result distributed = train(config, engine);
                assertEquals(oracle.steps(), distributed.steps());
                double diff = TestData.maxRelativeDifference(distributed.params(), oracle.params());
                assertTrue(diff < 1e-9, partitions + " partitions: parameters differ from the oracle by " + diff);
                assertEquals(oracle.last().testAccuracy(), distributed.last().testAccuracy(), 1e-3);
            }
        }
        assertTrue(oracle.last().testAccuracy() > 0.85, "learned something: " + oracle.last().testAccuracy());
    }

    @Test
    void aFailedTaskIsRetriedAndTheResultIsUnchanged(@TempDir Path tmp) {
        TrainConfig config = config("epochs", "1", "steps", "20");
        NetworkSpec spec = config.network(784, 10);
        Trainer.Result clean;
        try (SparkEngine engine = new SparkEngine(sc, spec, data.train(), data.test(), 2, 2, "")) {
            clean = train(config, engine);
        }
        Path marker = tmp.resolve("failed-once");
        try (SparkEngine engine = new SparkEngine(sc, spec, data.train(), data.test(), 2, 2, marker.toString())) {
            Trainer.Result faulted = train(config, engine);
            assertTrue(java.nio.file.Files.exists(marker), "the fault was injected");
            assertEquals(0.0, TestData.maxRelativeDifference(faulted.params(), clean.params()),
                    "a retried task recomputes the identical gradient");
        }
    }

    @Test
    void cachedRddsDoNotMultiplyWithSteps() {
        TrainConfig config = config("epochs", "1", "steps", "30");
        NetworkSpec spec = config.network(784, 10);
        int before = sc.sc().getPersistentRDDs().size();
        try (SparkEngine engine = new SparkEngine(sc, spec, data.train(), data.test(), 2, 2, "")) {
            train(config, engine);
            assertEquals(before + 2, sc.sc().getPersistentRDDs().size(), "only the train and test blocks are cached");
            assertTrue(engine.cachedBytes() < 6000 * 785 + 1000 * 785 + 1, "bytes, not doubles: " + engine.cachedBytes());
        }
        assertEquals(before, sc.sc().getPersistentRDDs().size(), "close() unpersists");
    }
}
