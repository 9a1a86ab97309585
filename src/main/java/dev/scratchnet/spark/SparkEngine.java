package dev.scratchnet.spark;

import dev.scratchnet.data.Dataset;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.training.ExampleBlock;
import dev.scratchnet.training.GradientEngine;
import dev.scratchnet.training.GradientSum;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * files, tasks stay small (a range, not the data: {@code parallelize}d data would travel inside every
 * task of every step), and a partition lost with its executor is rebuilt from the broadcast. Each step ships the parameters as a broadcast
 * (destroyed after the step) and the step's example indices in the task closure; {@code treeAggregate}
 * brings back one gradient sum. The parameters live on the driver only, so the lineage of every job is
 * the cached RDD and nothing more: it does not grow with the number of steps.
 */
public final class SparkEngine implements GradientEngine {
    private final JavaSparkContext sc;
    private final NetworkSpec spec;
    private final JavaRDD<ExampleBlock> train;
    private final JavaRDD<ExampleBlock> test;
    private final int trainSize;
    private final int testSize;
    private final int partitions;
    private final int treeDepth;
    private final String failTaskOnce;
    private final long cachedBytes;
    private final boolean single;
    private final Broadcast<byte[][]> trainData;
    private final Broadcast<byte[][]> testData;

    /**
     * Cuts {@code train} and {@code test} into {@code partitions} blocks each, caches and materialises them.
     *
     * @param failTaskOnce test only: a marker file path; the first gradient task to find it missing
     *     creates it and fails, so that Spark retries it. Empty for normal runs.
     */
    public SparkEngine(JavaSparkContext sc, NetworkSpec spec, Dataset train, Dataset test, int partitions,
                       int treeDepth, String failTaskOnce) {
        this(sc, spec, train, test, partitions, treeDepth, failTaskOnce, false);
    }

    /** As above; {@code single}: the matrix products run in single precision ({@code sgemm}). */
    public SparkEngine(JavaSparkContext sc, NetworkSpec spec, Dataset train, Dataset test, int partitions,
                       int treeDepth, String failTaskOnce, boolean single) {
        this.single = single;
        this.sc = sc;
        this.spec = spec;
        this.partitions = partitions;
        this.treeDepth = treeDepth;
        this.failTaskOnce = failTaskOnce;
        this.trainSize = train.size();
        this.testSize = test.size();
        sc.setJobDescription("load: cache " + trainSize + " training and " + testSize + " test examples");
        this.trainData = sc.broadcast(new byte[][] {train.pixels(), train.labels()});
        this.testData = sc.broadcast(new byte[][] {test.pixels(), test.labels()});
        this.train = blocks(sc, trainData, train.features(), train.size(), partitions, "train-blocks");
        this.test = blocks(sc, testData, test.features(), test.size(), Math.min(partitions, test.size()), "test-blocks");
        long[] trainCached = examplesAndBytes(this.train);
        long[] testCached = examplesAndBytes(this.test);
        this.cachedBytes = trainCached[1] + testCached[1];
        long cachedTrain = trainCached[0];
        long cachedTest = testCached[0];
        if (cachedTrain != trainSize || cachedTest != testSize) {
            throw new IllegalStateException("cached " + cachedTrain + "/" + cachedTest + " examples, expected "
                    + trainSize + "/" + testSize);
        }
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

    @Override
    public int testSize() {
        return testSize;
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
        String marker = this.failTaskOnce;
        boolean single = this.single;
        try {
            return train.treeAggregate(GradientSum.empty(),
                    (acc, block) -> {
                        if (!marker.isEmpty()) {
                            failOnce(marker);
                        }
                        return acc.add(block.gradientSum(spec, weights.value(), batch, single));
                    },
                    GradientSum::add,
                    treeDepth);
        } finally {
            weights.destroy();
        }
    }

    @Override
    public long correctOnTrain(double[] params) {
        return countCorrect(train, params, "evaluate: train accuracy");
    }

    @Override
    public long correctOnTest(double[] params) {
        return countCorrect(test, params, "evaluate: test accuracy");
    }

    private long countCorrect(JavaRDD<ExampleBlock> blocks, double[] params, String description) {
        sc.setJobDescription(description);
        Broadcast<double[]> weights = sc.broadcast(params);
        NetworkSpec spec = this.spec;
        boolean single = this.single;
        try {
            return blocks.map(block -> block.countCorrect(spec, weights.value(), single)).reduce(Long::sum);
        } finally {
            weights.destroy();
        }
    }

    @Override
    public String describe() {
        return "spark " + sc.master() + ", " + partitions + " partitions, treeAggregate depth " + treeDepth
                + ", " + (single ? "single" : "double") + " precision";
    }

    @Override
    public void close() {
        train.unpersist(false);
        test.unpersist(false);
        trainData.destroy();
        testData.destroy();
    }

    private static void failOnce(String marker) {
        try {
            Files.createFile(Path.of(marker));
        } catch (FileAlreadyExistsException e) {
            return;
        } catch (IOException e) {
            throw new IllegalStateException("cannot create fault marker " + marker, e);
        }
        throw new IllegalStateException("injected task failure (spark.scratchnet.test.failTaskOnce=" + marker + ")");
    }
}
