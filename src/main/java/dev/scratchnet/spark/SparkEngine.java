package dev.scratchnet.spark;

import dev.scratchnet.config.Configuration;
import dev.scratchnet.data.Dataset;
import dev.scratchnet.math.Precision;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.training.Accuracy;
import dev.scratchnet.training.ExampleBlock;
import dev.scratchnet.training.GradientEngine;
import dev.scratchnet.training.GradientSum;
import dev.scratchnet.training.TrainingSettings;
import java.io.Serializable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

/**
 * Gradients and evaluation on Spark executors.
 *
 * <p>The data goes out from the driver, once: the driver reads and validates the IDX files, broadcasts the
 * raw bytes, and each partition cuts its contiguous {@link ExampleBlock} out of the broadcast and caches
 * it deserialized (bytes, not doubles). So executors need no shared file system and no copy of the
 * files, tasks stay small (a range, not the data), and a partition lost with its executor is rebuilt from
 * the broadcast. Each step ships the parameters as a broadcast (destroyed after the step) and the step's
 * example indices in the task closure; {@code treeAggregate} brings back one gradient sum. The parameters
 * live on the driver only, so the lineage of every job is the cached RDD and nothing more: it does not grow
 * with the number of steps.
 */
public final class SparkEngine implements GradientEngine {
    /**
     * What a task computes on its block for one step: {@link ExampleBlock#gradientSum} in production. A seam
     * for tests, which wrap it to make a task fail.
     */
    @FunctionalInterface
    public interface BlockGradient extends Serializable {
        GradientSum compute(ExampleBlock block, NetworkSpec spec, double[] params, int[] batch, Precision precision);
    }

    private final JavaSparkContext sc;
    private final NetworkSpec spec;
    private final int partitions;
    private final int treeDepth;
    private final Precision precision;
    private final BlockGradient gradient;
    private final int trainSize;
    private final int testSize;
    private Broadcast<byte[][]> trainData;
    private Broadcast<byte[][]> testData;
    private JavaRDD<ExampleBlock> train;
    private JavaRDD<ExampleBlock> test;
    private long cachedBytes;

    /** Caches {@code train} and {@code test} as {@link EngineSettings#PARTITIONS} blocks each. */
    public SparkEngine(JavaSparkContext sc, NetworkSpec spec, Dataset train, Dataset test, Configuration config) {
        this(sc, spec, train, test, config, ExampleBlock::gradientSum);
    }

    /** As above, each task computing its share of a step with {@code gradient}. */
    public SparkEngine(JavaSparkContext sc, NetworkSpec spec, Dataset train, Dataset test, Configuration config,
                       BlockGradient gradient) {
        this.sc = sc;
        this.spec = spec;
        int configured = config.get(EngineSettings.PARTITIONS);
        this.partitions = configured == 0 ? sc.defaultParallelism() : configured;
        this.treeDepth = config.get(EngineSettings.TREE_DEPTH);
        this.precision = config.get(TrainingSettings.PRECISION);
        this.gradient = gradient;
        this.trainSize = train.size();
        this.testSize = test.size();
        try {
            cache(train, test);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    private void cache(Dataset trainSet, Dataset testSet) {
        sc.setJobDescription("load: cache " + trainSet.size() + " training and " + testSet.size() + " test examples");
        trainData = sc.broadcast(new byte[][] {trainSet.pixels(), trainSet.labels()});
        testData = sc.broadcast(new byte[][] {testSet.pixels(), testSet.labels()});
        train = blocks(sc, trainData, trainSet.features(), trainSet.size(), partitions, "train-blocks");
        test = blocks(sc, testData, testSet.features(), testSet.size(), Math.min(partitions, testSet.size()), "test-blocks");
        long[] trainCached = examplesAndBytes(train);
        long[] testCached = examplesAndBytes(test);
        if (trainCached[0] != trainSet.size() || testCached[0] != testSet.size()) {
            throw new IllegalStateException("cached " + trainCached[0] + "/" + testCached[0] + " examples, expected "
                    + trainSet.size() + "/" + testSet.size());
        }
        cachedBytes = trainCached[1] + testCached[1];
    }

    private static JavaRDD<ExampleBlock> blocks(JavaSparkContext sc, Broadcast<byte[][]> data, int features, int n,
                                                int parts, String name) {
        return sc.parallelize(ExampleBlock.ranges(n, parts), parts)
                .map(range -> ExampleBlock.slice(data.value()[0], data.value()[1], features, range[0], range[1]))
                .setName(name)
                .persist(StorageLevel.MEMORY_ONLY());
    }

    /** One job that fills the cache of {@code blocks} and returns {examples, bytes} held in it. */
    private static long[] examplesAndBytes(JavaRDD<ExampleBlock> blocks) {
        return blocks.map(b -> new long[] {b.count(), b.bytes()})
                .reduce((a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
    }

    @Override
    public int trainSize() {
        return trainSize;
    }

    /** Bytes of example data held in the cached blocks (train and test). */
    public long cachedBytes() {
        return cachedBytes;
    }

    public int partitions() {
        return partitions;
    }

    @Override
    public GradientSum gradientSum(double[] params, int[] batch, int epoch, int step) {
        sc.setJobDescription("train: epoch " + (epoch + 1) + " step " + (step + 1));
        Broadcast<double[]> weights = sc.broadcast(params);
        NetworkSpec spec = this.spec;
        Precision precision = this.precision;
        BlockGradient gradient = this.gradient;
        try {
            return train.treeAggregate(GradientSum.empty(),
                    (acc, block) -> acc.add(gradient.compute(block, spec, weights.value(), batch, precision)),
                    GradientSum::add,
                    treeDepth);
        } finally {
            weights.destroy();
        }
    }

    @Override
    public Accuracy accuracy(double[] params, boolean includeTrain) {
        sc.setJobDescription("evaluate");
        Broadcast<double[]> weights = sc.broadcast(params);
        try {
            long trainCorrect = includeTrain ? countCorrect(train, weights) : 0;
            return new Accuracy(trainCorrect, includeTrain ? trainSize : 0, 0, 0, countCorrect(test, weights),
                    testSize);
        } finally {
            weights.destroy();
        }
    }

    private long countCorrect(JavaRDD<ExampleBlock> blocks, Broadcast<double[]> weights) {
        NetworkSpec spec = this.spec;
        Precision precision = this.precision;
        return blocks.map(block -> block.countCorrect(spec, weights.value(), precision)).reduce(Long::sum);
    }

    @Override
    public String describe() {
        return "spark " + sc.master() + ", " + partitions + " partitions, treeAggregate depth " + treeDepth
                + ", " + precision.id() + " precision";
    }

    /** Unpersists the cached blocks and destroys the data broadcasts, whatever of them exists. */
    @Override
    public void close() {
        if (train != null) {
            train.unpersist(false);
        }
        if (test != null) {
            test.unpersist(false);
        }
        if (trainData != null) {
            trainData.destroy();
        }
        if (testData != null) {
            testData.destroy();
        }
    }
}
