package dev.scratchnet.spark;

import dev.scratchnet.registry.EngineSettings;
import dev.scratchnet.registry.Settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.config.Configuration;
import dev.scratchnet.data.Mnist;
import dev.scratchnet.network.NetworkSettings;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.testing.Exports;
import dev.scratchnet.testing.SparkTestContext;
import dev.scratchnet.testing.TestData;
import dev.scratchnet.partition.BlockEvaluation;
import dev.scratchnet.partition.Evaluation;
import dev.scratchnet.partition.ExampleBlock;
import dev.scratchnet.training.GradientEngine;
import dev.scratchnet.partition.GradientSum;
import dev.scratchnet.training.LocalEngine;
import dev.scratchnet.training.MinibatchSchedule;
import dev.scratchnet.partition.PartitionStep;
import dev.scratchnet.run.RunOutputs;
import dev.scratchnet.training.Trainer;
import dev.scratchnet.run.TrainingRun;
import dev.scratchnet.training.TrainingSettings;
import dev.scratchnet.training.TrainingState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data read where it lives, on the executors: MNIST's IDX files (raw and gzip) and their LibSVM, Parquet and CSV
 * exports give the same blocks and the same training trajectory as the in-memory data set, whatever the
 * partitioning, with or without a validation split.
 */
class DataSourcesTest {
    @TempDir
    static Path tmp;
    static JavaSparkContext sc;
    static SparkSession spark;
    static Mnist.Split data;

    @BeforeAll
    static void start() {
        data = TestData.subset(3000, 500);
        Exports.idx(data.train(), tmp.resolve("raw"), "train", false);
        Exports.idx(data.test(), tmp.resolve("raw"), "t10k", false);
        Exports.idx(data.train(), tmp.resolve("gz"), "train", true);
        Exports.idx(data.test(), tmp.resolve("gz"), "t10k", true);
        sc = SparkTestContext.start();
        spark = SparkTestContext.session(sc);
        Exports.parquet(spark, data.train(), tmp.resolve("train.parquet"));
        Exports.parquet(spark, data.test(), tmp.resolve("test.parquet"));
        Exports.libsvm(data.train(), tmp.resolve("train.libsvm"));
        Exports.libsvm(data.test(), tmp.resolve("test.libsvm"));
        Exports.csv(data.train(), tmp.resolve("train.csv"));
    }

    @AfterAll
    static void stop() {
        sc.close();
    }

    static Configuration config(String... kv) {
        Map<String, String> m = new HashMap<>(Map.of(
                "spark.scratchnet.hidden", "24", "spark.scratchnet.weightInit", "he",
                "spark.scratchnet.batchSize", "250", "spark.scratchnet.optimizer", "momentum",
                "spark.scratchnet.learningRate", "0.1", "spark.scratchnet.epochs", "2", "spark.scratchnet.steps", "0",
                "spark.scratchnet.progressSeconds", "0", "spark.scratchnet.seed", "3",
                "spark.scratchnet.data.scale", Exports.SCALE));
        TestData.PLAIN.forEach((k, v) -> m.put("spark.scratchnet." + k, v));
        for (int i = 0; i < kv.length; i += 2) {
            m.put("spark.scratchnet." + kv[i], kv[i + 1]);
        }
        return Settings.parse(m);
    }

    static Trainer.Result train(Configuration config, GradientEngine engine, NetworkSpec spec) {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        TrainingState state = new TrainingRun(config, spec, RunOutputs.checkpointsOnly(null, config, spec), quiet)
                .startingState(engine);
        return new Trainer(config, spec, engine, quiet, Trainer.NO_LISTENER).run(state);
    }

    /** Trains on what {@code config} names, through the command line's data path. */
    static Trainer.Result trainOn(Configuration config) {
        DataSources.Loaded loaded = DataSources.load(spark, config);
        NetworkSpec spec = NetworkSettings.spec(config, loaded.features(), loaded.classes());
        try (SparkEngine engine = new SparkEngine(sc, spec, loaded.train(), loaded.test(), config, PartitionStep::gradientSum)) {
            return train(config, engine, spec);
        }
    }

    @Test
    void idxFilesReadByTheExecutorsHoldWhatTheDriverWouldHaveRead() {
        Configuration config = config("partitions", "3");
        NetworkSpec spec = NetworkSettings.spec(config, 784, 10);
        double[] params = config.get(NetworkSettings.WEIGHT_INIT).initialize(spec, 1);
        int[] batch = new MinibatchSchedule(data.train().size(), 600, 5).batch(1, 2);
        GradientSum expected;
        Evaluation expectedAccuracy;
        try (SparkEngine memory = SparkEngine.of(sc, spec, data.train(), data.test(), config)) {
            expected = memory.gradientSum(params, batch, new GradientEngine.StepPosition(1, 2, 0));
            expectedAccuracy = memory.evaluate(params, BlockEvaluation.Counted.VALIDATION_AND_TRAINING);
        }
        for (String dir : new String[] {"raw", "gz"}) {
            DataSources.Loaded loaded = DataSources.load(spark, config("partitions", "3",
                    "data.dir", tmp.resolve(dir).toUri().toString()));
            assertEquals(3000, loaded.train().count());
            assertEquals(500, loaded.test().count());
            assertEquals(784, loaded.features());
            assertEquals(10, loaded.classes());
            assertEquals(3000L * (784 + 8), loaded.train().bytes(), dir + ": a byte a pixel");
            try (SparkEngine engine = new SparkEngine(sc, spec, loaded.train(), loaded.test(), config,
                    PartitionStep::gradientSum)) {
                GradientSum got = engine.gradientSum(params, batch, new GradientEngine.StepPosition(1, 2, 0));
                assertEquals(0.0, TestData.maxRelativeDifference(got.grad(), expected.grad()), dir);
                assertEquals(expected.lossSum(), got.lossSum(), 0.0, dir);
                TestData.assertSameEvaluation(expectedAccuracy, engine.evaluate(params, BlockEvaluation.Counted.VALIDATION_AND_TRAINING), dir);
            }
        }
    }

    @Test
    void parquetLibsvmAndCsvExportsTrainToTheParametersOfTheIdxFiles() {
        Trainer.Result idx = trainOn(config("partitions", "3", "data.dir", tmp.resolve("raw").toString()));
        String[][] exports = {
                {"parquet", "train.parquet", "test.parquet"},
                {"libsvm", "train.libsvm", "test.libsvm"},
                {"csv", "train.csv", ""}};
        for (String[] e : exports) {
            Trainer.Result r = trainOn(config("partitions", "3", "data.format", e[0],
                    "data.train", tmp.resolve(e[1]).toString(),
                    "data.test", e[2].isEmpty() ? "" : tmp.resolve(e[2]).toString()));
            double diff = TestData.maxRelativeDifference(r.params(), idx.params());
            assertTrue(diff <= 1e-9, e[0] + ": parameters differ from the IDX run by " + diff);
            if (!e[2].isEmpty()) {
                assertEquals(idx.last().testAccuracy(), r.last().testAccuracy(), 1e-12, e[0]);
            }
        }
    }

    @Test
    void aValidationSplitDoesNotDependOnPartitioningAndMatchesTheOracle() {
        Configuration config = config("validationFraction", "0.1", "targetAccuracy", "0.5", "patience", "3");
        NetworkSpec spec = NetworkSettings.spec(config, 784, 10);
        Trainer.Result oracle = train(config, LocalEngine.of(spec, data.train(), data.test(), config), spec);
        assertTrue(oracle.last().validationAccuracy() > 0.5, "validated: " + oracle.last());
        int held = data.train().size() - TrainingSettings.validationSplit(config, data.train().size()).trainPositions(data.train().size()).length;
        assertTrue(held > 200 && held < 400, "about a tenth held out: " + held);
        for (int partitions : new int[] {1, 4}) {
            try (SparkEngine engine = SparkEngine.of(sc, spec, data.train(), data.test(),
                    config.with(EngineSettings.PARTITIONS, partitions))) {
                Trainer.Result r = train(config, engine, spec);
                double diff = TestData.maxRelativeDifference(r.params(), oracle.params());
                assertTrue(diff <= 1e-9, partitions + " partitions: " + diff);
                assertEquals(oracle.last().validationAccuracy(), r.last().validationAccuracy(), 0.0);
                assertEquals(oracle.metrics().size(), r.metrics().size(), "stopped on validation at the same epoch");
            }
        }
    }

    @Test
    void aRepartitionKeepsTheGlobalOrderAndOnlyHappensWhenTheCountDiffers() {
        Configuration natural = config("data.format", "parquet", "data.train", tmp.resolve("train.parquet").toString());
        try (DataSources.Loaded one = DataSources.load(spark, natural)) {
            assertEquals(1, one.train().partitions(), "a single Parquet file of this size is one input partition");
        }
        Trainer.Result a = trainOn(natural.with(EngineSettings.PARTITIONS, 5));
        Trainer.Result b = trainOn(natural.with(EngineSettings.PARTITIONS, 2));
        Trainer.Result c = trainOn(natural);
        assertTrue(TestData.maxRelativeDifference(a.params(), c.params()) <= 1e-9);
        assertTrue(TestData.maxRelativeDifference(b.params(), c.params()) <= 1e-9);
    }

    @Test
    void nothingStaysCachedWhenReadingFails() throws Exception {
        int before = sc.sc().getPersistentRDDs().size();
        Path broken = Files.createDirectories(tmp.resolve("broken"));
        Files.copy(tmp.resolve("raw/train-images-idx3-ubyte"), broken.resolve("train-images-idx3-ubyte"));
        Files.copy(tmp.resolve("raw/train-labels-idx1-ubyte"), broken.resolve("train-labels-idx1-ubyte"));
        Files.write(broken.resolve("t10k-images-idx3-ubyte.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
        Files.copy(tmp.resolve("raw/t10k-labels-idx1-ubyte"), broken.resolve("t10k-labels-idx1-ubyte"));
        ScratchnetException e = assertThrows(ScratchnetException.class,
                () -> DataSources.load(spark, config("data.dir", broken.toString())));
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte.gz: corrupt gzip stream"), e.getMessage());
        assertEquals(before, sc.sc().getPersistentRDDs().size(), "the training blocks cached first were released");
    }
}
