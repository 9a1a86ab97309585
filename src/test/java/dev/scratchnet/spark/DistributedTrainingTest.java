package dev.scratchnet.spark;

import dev.scratchnet.registry.EngineSettings;
import dev.scratchnet.registry.Settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.config.Configuration;
import dev.scratchnet.data.Mnist;
import dev.scratchnet.network.NetworkSettings;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.testing.SparkTestContext;
import dev.scratchnet.testing.TestData;
import dev.scratchnet.partition.BlockEvaluation;
import dev.scratchnet.partition.ExampleBlock;
import dev.scratchnet.training.GradientEngine;
import dev.scratchnet.partition.GradientSum;
import dev.scratchnet.training.LocalEngine;
import dev.scratchnet.training.MinibatchSchedule;
import dev.scratchnet.run.RunOutputs;
import dev.scratchnet.partition.PartitionStep;
import dev.scratchnet.training.Trainer;
import dev.scratchnet.run.TrainingRun;
import dev.scratchnet.training.TrainingSettings;
import dev.scratchnet.training.TrainingState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
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

    private static Configuration config(String... kv) {
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
        TestData.PLAIN.forEach((k, v) -> m.put("spark.scratchnet." + k, v));
        for (int i = 0; i < kv.length; i += 2) {
            m.put("spark.scratchnet." + kv[i], kv[i + 1]);
        }
        return Settings.parse(m);
    }

    private static Configuration partitions(Configuration config, int partitions) {
        return config.with(EngineSettings.PARTITIONS, partitions);
    }

    private static NetworkSpec spec(Configuration config) {
        return NetworkSettings.spec(config, 784, 10);
    }

    private static double[] initial(Configuration config, long seed) {
        return config.get(NetworkSettings.WEIGHT_INIT).initialize(spec(config), seed);
    }

    private static LocalEngine local(Configuration config) {
        return LocalEngine.of(spec(config), data.train(), data.test(), config);
    }

    private static Trainer.Result train(Configuration config, GradientEngine engine) {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        TrainingState state = new TrainingRun(config, spec(config), RunOutputs.checkpointsOnly(null, config, spec(config)),
                quiet).startingState(engine);
        return new Trainer(config, spec(config), engine, quiet, Trainer.NO_LISTENER).run(state);
    }

    /**
     * Starting the engine (the blocks cached, every executor's BLAS loaded) runs no shuffle: telling the executors'
     * BLAS apart with {@code distinct} was a second stage, 0.1-0.2 s of a cold run. Each answer is listed once. In
     * local mode the executor is this JVM: its BLAS is loaded here, without a job (one was 50 ms of a cold run).
     */
    @Test
    void startingTheEngineShufflesNothingAndListsEachBlasOnce() throws java.util.concurrent.TimeoutException {
        List<String> shuffles = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        List<String> engineStages = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
            @Override
            public void onStageSubmitted(org.apache.spark.scheduler.SparkListenerStageSubmitted submitted) {
                if (submitted.stageInfo().shuffleDepId().isDefined()) {
                    shuffles.add(submitted.stageInfo().name());
                }
                if (submitted.stageInfo().name().contains("SparkEngine.java")) {
                    engineStages.add(submitted.stageInfo().name());
                }
            }
        };
        sc.sc().addSparkListener(listener);
        try (SparkEngine engine = SparkEngine.of(sc, spec(config()), data.train(), data.test(), partitions(config(), 4))) {
            sc.sc().listenerBus().waitUntilEmpty();
            assertEquals(List.of(), shuffles, "shuffle stages while the engine started");
            assertEquals(List.of(), engineStages, "a job of the engine's own in local mode (the BLAS is this JVM's)");
            String blas = engine.describe().substring(engine.describe().indexOf("executors' BLAS: ") + 17);
            assertTrue(!blas.isEmpty() && blas.indexOf(blas.substring(0, Math.min(20, blas.length())), 1) < 0,
                    "four blocks in one JVM, one BLAS listed: " + blas);
        } finally {
            sc.sc().removeSparkListener(listener);
        }
    }

    @Test
    void aggregatedGradientEqualsTheInProcessGradientOnTheSameExamples() {
        Configuration config = config();
        double[] params = initial(config, 3);
        int[] batch = new MinibatchSchedule(data.train().size(), 500, 11).batch(2, 3);
        GradientSum local = local(config).gradientSum(params, batch, new GradientEngine.StepPosition(2, 3, 0));
        try (SparkEngine engine = SparkEngine.of(sc, spec(config), data.train(), data.test(), partitions(config, 4))) {
            GradientSum distributed = engine.gradientSum(params, batch, new GradientEngine.StepPosition(2, 3, 0));
            assertEquals(500, distributed.count());
            assertEquals(local.lossSum(), distributed.lossSum(), 1e-9 * Math.abs(local.lossSum()));
            double diff = TestData.maxRelativeDifference(distributed.grad(), local.grad());
            assertTrue(diff < 1e-10, "gradient sums differ by " + diff);
            for (BlockEvaluation.Counted counted : List.of(BlockEvaluation.Counted.VALIDATION,
                    BlockEvaluation.Counted.VALIDATION_AND_TRAINING)) {
                TestData.assertSameEvaluation(local(config).evaluate(params, counted), engine.evaluate(params, counted),
                        counted.name());
            }
        }
    }

    @Test
    void singlePrecisionGradientSumsAgreeAcrossPartitionsToFloatRounding() {
        Configuration config = config("precision", "single");
        double[] params = initial(config, 5);
        int[] batch = new MinibatchSchedule(data.train().size(), 1000, 3).batch(0, 1);
        GradientSum local = local(config).gradientSum(params, batch, new GradientEngine.StepPosition(0, 1, 0));
        GradientSum exact = local(config()).gradientSum(params, batch, new GradientEngine.StepPosition(0, 1, 0));
        try (SparkEngine engine = SparkEngine.of(sc, spec(config), data.train(), data.test(), partitions(config, 4))) {
            GradientSum distributed = engine.gradientSum(params, batch, new GradientEngine.StepPosition(0, 1, 0));
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
        Configuration config = config();
        Trainer.Result oracle = train(config, local(config));
        assertEquals(300, oracle.steps());
        for (int partitions : new int[] {1, 3, 4}) {
            double[] stepwise = null;
            for (EngineSettings.Mode mode : new EngineSettings.Mode[] {EngineSettings.Mode.STEP, EngineSettings.Mode.AUTO}) {
                try (SparkEngine engine = SparkEngine.of(sc, spec(config), data.train(), data.test(),
                        partitions(config, partitions).with(EngineSettings.MODE, mode))) {
                    Trainer.Result distributed = train(config, engine);
                    assertEquals(oracle.steps(), distributed.steps());
                    double diff = TestData.maxRelativeDifference(distributed.params(), oracle.params());
                    assertTrue(diff < 1e-9, partitions + " partitions, " + mode.id()
                            + ": parameters differ from the oracle by " + diff);
                    assertEquals(oracle.last().testAccuracy(), distributed.last().testAccuracy(), 1e-3);
                    if (stepwise == null) {
                        stepwise = distributed.params();
                    } else {
                        assertEquals(0.0, TestData.maxRelativeDifference(distributed.params(), stepwise),
                                partitions + " partitions (on local[2]: tasks of several partitions' threads when "
                                        + "more than 2): epoch runs give a job a step's bits");
                    }
                }
            }
        }
        assertTrue(oracle.last().testAccuracy() > 0.85, "learned something: " + oracle.last().testAccuracy());
    }

    @Test
    void withDropoutTheTrajectoryStillDoesNotDependOnPartitions() {
        Configuration config = config("dropout", "0.3", "epochs", "2");
        Trainer.Result oracle = train(config, local(config));
        for (int partitions : new int[] {1, 3}) {
            try (SparkEngine engine = SparkEngine.of(sc, spec(config), data.train(), data.test(),
                    partitions(config, partitions))) {
                double diff = TestData.maxRelativeDifference(train(config, engine).params(), oracle.params());
                assertTrue(diff < 1e-9, partitions + " partitions with dropout: " + diff);
            }
        }
    }

    @Test
    void epochRunsWhereTheDataIsGiveTheSameBitsAsAJobAStep() {
        Configuration config = config("epochs", "2", "validationFraction", "0.1", "patience", "5", "dropout", "0.2");
        for (int partitions : new int[] {1, 2, 3}) {
            Configuration c = partitions(config, partitions);
            Trainer.Result stepwise;
            try (SparkEngine engine = SparkEngine.of(sc, spec(c), data.train(), data.test(),
                    c.with(EngineSettings.MODE, EngineSettings.Mode.STEP))) {
                assertTrue(!engine.runsSteps());
                stepwise = train(c, engine);
            }
            try (SparkEngine engine = SparkEngine.of(sc, spec(c), data.train(), data.test(),
                    c.with(EngineSettings.MODE, partitions == 1 ? EngineSettings.Mode.AUTO : EngineSettings.Mode.EPOCH))) {
                assertTrue(engine.runsSteps(), "auto runs epochs");
                TestCounted counted = new TestCounted(engine);
                Trainer.Result epochwise = train(c, counted);
                // local mode: the epoch's task counted the test set (no job an epoch), to the same bits
                assertEquals(0, counted.driverEvaluations, partitions + " partitions: the driver evaluated the test set");
                assertEquals(0.0, TestData.maxRelativeDifference(epochwise.params(), stepwise.params()),
                        partitions + " partitions: the same parameters, bit for bit");
                assertEquals(stepwise.metrics().size(), epochwise.metrics().size());
                for (int i = 0; i < stepwise.metrics().size(); i++) {
                    var a = stepwise.metrics().get(i);
                    var b = epochwise.metrics().get(i);
                    assertEquals(a.loss(), b.loss(), 0.0);
                    assertEquals(a.validationLoss(), b.validationLoss(), 0.0);
                    assertEquals(a.validationAccuracy(), b.validationAccuracy(), 0.0);
                    assertEquals(a.testAccuracy(), b.testAccuracy(), 0.0);
                    assertEquals(a.testLoss(), b.testLoss(), 0.0);
                }
            }
        }
    }

    /** An engine that counts the driver's evaluations of the test set and otherwise is the engine it wraps. */
    private static final class TestCounted implements dev.scratchnet.training.GradientEngine {
        private final SparkEngine engine;
        int driverEvaluations;

        TestCounted(SparkEngine engine) {
            this.engine = engine;
        }

        @Override
        public dev.scratchnet.partition.Evaluation evaluateTest(double[] params) {
            driverEvaluations++;
            return engine.evaluateTest(params);
        }

        @Override
        public dev.scratchnet.partition.Evaluation evaluate(double[] params,
                                                             dev.scratchnet.partition.BlockEvaluation.Counted counted) {
            driverEvaluations++;
            return engine.evaluate(params, counted);
        }

        @Override
        public int trainSize() {
            return engine.trainSize();
        }

        @Override
        public int[] trainPositions() {
            return engine.trainPositions();
        }

        @Override
        public dev.scratchnet.partition.ValidationSplit validationSplit() {
            return engine.validationSplit();
        }

        @Override
        public boolean hasTest() {
            return engine.hasTest();
        }

        @Override
        public dev.scratchnet.partition.GradientSum gradientSum(double[] params, int[] batch, StepPosition at) {
            return engine.gradientSum(params, batch, at);
        }

        @Override
        public boolean runsSteps() {
            return engine.runsSteps();
        }

        @Override
        public int partitions() {
            return engine.partitions();
        }

        @Override
        public dev.scratchnet.training.EpochResult runSteps(dev.scratchnet.training.EpochTask task, double[] params,
                                                            dev.scratchnet.optim.Optimizer optimizer,
                                                            dev.scratchnet.training.StepWatcher watcher) {
            return engine.runSteps(task, params, optimizer, watcher);
        }

        @Override
        public String dataIdentity() {
            return engine.dataIdentity();
        }

        @Override
        public String describe() {
            return engine.describe();
        }
    }

    @Test
    void severalEpochsInOneJobGiveTheSameRunAsTheOracle() {
        Configuration config = partitions(config("epochs", "8", "validationFraction", "0.1", "patience", "2",
                "tol", "0.05", "dropout", "0.1"), 1);
        Trainer.Result oracle = train(config, new LocalEngine(spec(config), ExampleBlock.whole(data.train()), null,
                config.get(TrainingSettings.PRECISION), config.get(TrainingSettings.SEED),
                TrainingSettings.validationSplit(config, data.train().size()), config.get(TrainingSettings.BLOCK_SIZE)));
        try (SparkEngine engine = SparkEngine.of(sc, spec(config), data.train(), null, config)) {
            assertTrue(engine.runsSteps() && !engine.hasTest());
            Trainer.Result jobs = train(config, engine);
            assertEquals(oracle.stop(), jobs.stop());
            assertEquals(oracle.metrics().size(), jobs.metrics().size(), "stopped after the same epoch");
            assertEquals(oracle.modelEpoch(), jobs.modelEpoch(), "the same best epoch");
            assertTrue(TestData.maxRelativeDifference(jobs.params(), oracle.params()) < 1e-9,
                    "the best epoch's parameters");
            for (int i = 0; i < jobs.metrics().size(); i++) {
                assertEquals(oracle.metrics().get(i).validationLoss(), jobs.metrics().get(i).validationLoss(),
                        1e-9 * oracle.metrics().get(i).validationLoss());
            }
        }
    }

    /**
     * A task that fails is retried and the run ends with the same bits: in a job a step, the task alone; in an epoch
     * run of two partitions, the whole barrier stage from the run's start (the other task, waiting for the driver's
     * answer, is killed; the driver refuses the failed attempt's late sums).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = EngineSettings.Mode.class, names = {"STEP", "EPOCH"})
    void aFailedTaskIsRetriedAndTheResultIsUnchanged(EngineSettings.Mode mode, @TempDir Path tmp) {
        Configuration config = config("epochs", "1", "steps", "20", "partitions", "2").with(EngineSettings.MODE, mode);
        Trainer.Result clean;
        try (SparkEngine engine = SparkEngine.of(sc, spec(config), data.train(), data.test(), config)) {
            assertEquals(mode == EngineSettings.Mode.EPOCH, engine.runsSteps());
            clean = train(config, engine);
        }
        Path marker = tmp.resolve("failed-once");
        try (SparkEngine engine = SparkEngine.of(sc, spec(config), data.train(), data.test(), config,
                FaultInjection.failOnce(marker))) {
            Trainer.Result faulted = train(config, engine);
            assertTrue(java.nio.file.Files.exists(marker), "the fault was injected");
            assertEquals(0.0, TestData.maxRelativeDifference(faulted.params(), clean.params()),
                    "a retried task recomputes the identical gradient");
        }
    }

    /**
     * In {@code local[2]} one task runs both partitions: partition 0 on the task's own thread, partition 1 on a pool
     * thread. A share that fails on either ends the step with its own failure, not a wait: the other, waiting for the
     * step's total, is released (the pool's by a cancel, the task's own thread by an interrupt from the pool thread).
     * A sync timeout of 600 s makes a missed release a hang the test's bound catches.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 1})
    void aShareThatFailsInLocalModeEndsTheRunWithItsOwnFailure(int failing) {
        Configuration config = config("epochs", "1", "steps", "20", "partitions", "2", "syncTimeout", "600");
        SparkEngine.BlockGradient fails = (block, start, step, params, sums, scratch) -> {
            if (block.partition() == failing && step.globalStep() == 3) {
                throw new IllegalStateException("injected failure of partition " + failing);
            }
            return PartitionStep.gradientSum(block, start, step, params, sums, scratch);
        };
        try (SparkEngine engine = SparkEngine.of(sc, spec(config), data.train(), data.test(), config, fails)) {
            Throwable e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(120),
                    () -> org.junit.jupiter.api.Assertions.assertThrows(Throwable.class, () -> train(config, engine)));
            StringBuilder chain = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                chain.append(t).append(" <- ");
            }
            assertTrue(chain.toString().contains("injected failure of partition " + failing), chain.toString());
        }
    }

    @Test
    void aTaskThatNeverAnswersEndsTheRunWithOneLineNamingItsPartitionAndExecutor() {
        Configuration config = config("epochs", "1", "steps", "20", "partitions", "2", "syncTimeout", "2");
        SparkEngine.BlockGradient hangs = (block, start, step, params, sums, scratch) -> {
            if (block.partition() == 1 && step.globalStep() == 3) {
                while (!Thread.currentThread().isInterrupted()) { // a task stuck in the step, until Spark kills it
                    java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
                }
                throw new IllegalStateException("interrupted");
            }
            return PartitionStep.gradientSum(block, start, step, params, sums, scratch);
        };
        try (SparkEngine engine = SparkEngine.of(sc, spec(config), data.train(), data.test(), config, hangs)) {
            dev.scratchnet.ScratchnetException e = org.junit.jupiter.api.Assertions.assertThrows(
                    dev.scratchnet.ScratchnetException.class, () -> train(config, engine));
            assertEquals("partition 1 (executor driver) sent nothing for round 3 of stage attempt 0 within 2 s while the "
                    + "others waited (spark.scratchnet.syncTimeout): a task that hangs, or an executor that stopped "
                    + "answering", e.getMessage());
        }
        // The context is still usable: the hung task was stopped and the next run goes through.
        try (SparkEngine engine = SparkEngine.of(sc, spec(config), data.train(), data.test(), config)) {
            assertEquals(20, train(config, engine).steps());
        }
    }

    @Test
    void cachedRddsDoNotMultiplyWithSteps() {
        Configuration config = config("epochs", "1", "steps", "30", "partitions", "2");
        int before = sc.sc().getPersistentRDDs().size();
        try (SparkEngine engine = SparkEngine.of(sc, spec(config), data.train(), data.test(), config)) {
            train(config, engine);
            assertEquals(before + 2, sc.sc().getPersistentRDDs().size(), "only the train and test blocks are cached");
            assertEquals(6000 * (784 + 8) + 1000 * (784 + 8), engine.cachedBytes(), "a byte a pixel, a double a label");
        }
        assertEquals(before, sc.sc().getPersistentRDDs().size(), "close() unpersists");
    }
}
