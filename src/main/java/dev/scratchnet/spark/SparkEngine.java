package dev.scratchnet.spark;

import dev.scratchnet.config.Configuration;
import dev.scratchnet.data.Dataset;
import dev.scratchnet.math.NativeBlas;
import dev.scratchnet.math.Precision;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.math.Matrix;
import dev.scratchnet.training.BlockEvaluation;
import dev.scratchnet.training.Evaluation;
import dev.scratchnet.training.ExampleBlock;
import dev.scratchnet.training.GradientEngine;
import dev.scratchnet.training.GradientSum;
import dev.scratchnet.training.Parameters;
import dev.scratchnet.training.PartitionStep;
import dev.scratchnet.training.Step;
import dev.scratchnet.training.TrainingSettings;
import dev.scratchnet.training.ValidationSplit;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Gradients and evaluation on Spark executors, over training (and test) data cached there as
 * {@link CachedBlocks}.
 *
 * <p>Each step ships the parameters as a broadcast (destroyed after the step), and the step's global positions
 * and the partitions' start positions in the task closure; each block computes the gradient sum of the
 * positions that fall in its range, and a tree of sums in partition order ({@link OrderedSum}) brings back one. The parameters live on the
 * driver only, so the lineage of every job is the cached RDD and nothing more: it does not grow with the
 * number of steps.
 */
public final class SparkEngine implements GradientEngine {
    /**
     * What a task computes on its block for one step: {@link PartitionStep#gradientSum} in production. A seam
     * for tests, which wrap it to make a task fail.
     */
    @FunctionalInterface
    public interface BlockGradient extends Serializable {
        GradientSum compute(ExampleBlock block, int start, Step step, Matrix params);
    }

    private final JavaSparkContext sc;
    private final NetworkSpec spec;
    private final CachedBlocks train;
    private final CachedBlocks test;
    private final int treeDepth;
    private final Precision precision;
    private final long seed;
    private final int evalChunk;
    private final ValidationSplit split;
    private final BlockGradient gradient;
    private final int[] trainPositions;
    private final boolean nativeBlas;
    private final List<String> executorBlas;

    /**
     * Trains on {@code train} and evaluates on it and on {@code test} (null: no test set); both are closed with
     * this engine.
     */
    public SparkEngine(JavaSparkContext sc, NetworkSpec spec, CachedBlocks train, CachedBlocks test,
                       Configuration config, BlockGradient gradient) {
        this.sc = sc;
        this.spec = spec;
        this.train = train;
        this.test = test;
        this.treeDepth = config.get(EngineSettings.TREE_DEPTH);
        this.precision = config.get(TrainingSettings.PRECISION);
        this.seed = config.get(TrainingSettings.SEED);
        this.evalChunk = config.get(TrainingSettings.BLOCK_SIZE);
        this.split = TrainingSettings.validationSplit(config);
        this.gradient = gradient;
        this.trainPositions = split.trainPositions(train.count());
        this.nativeBlas = config.get(EngineSettings.NATIVE_BLAS);
        boolean arithmeticC2 = config.get(EngineSettings.C2_FOR_ARITHMETIC_ONLY);
        if (arithmeticC2) {
            ArithmeticJit.apply();
        }
        try {
            this.executorBlas = loadBlas(train, nativeBlas, arithmeticC2);
        } catch (Throwable e) { // SparkException too: checked in Java, thrown undeclared by Scala
            close();
            throw e;
        }
    }

    /**
     * Loads the configured BLAS in every executor that holds a block (and applies {@link ArithmeticJit} there when
     * asked), before the first step's clock, and says what loaded where (the same everywhere, normally).
     */
    private static List<String> loadBlas(CachedBlocks blocks, boolean nativeBlas, boolean arithmeticC2) {
        return blocks.rdd().map(b -> NativeBlas.install(nativeBlas).description()
                + (arithmeticC2 ? "; JIT: " + ArithmeticJit.apply() : "")).distinct().collect();
    }

    @Override
    public String dataIdentity() {
        return ExampleBlock.identity(train.count(), train.features(), train.digest());
    }

    /**
     * In-memory data sets (tests, benchmarks) broadcast and cached as {@link EngineSettings#PARTITIONS} blocks
     * ({@code auto}: Spark's default parallelism).
     */
    public static SparkEngine of(JavaSparkContext sc, NetworkSpec spec, Dataset train, Dataset test,
                                 Configuration config) {
        return of(sc, spec, train, test, config, PartitionStep::gradientSum);
    }

    /** As above, each task computing its share of a step with {@code gradient}. */
    public static SparkEngine of(JavaSparkContext sc, NetworkSpec spec, Dataset train, Dataset test,
                                 Configuration config, BlockGradient gradient) {
        int parts = partitions(sc, config);
        CachedBlocks trainBlocks = CachedBlocks.of(sc, train, parts, "train-blocks");
        try {
            CachedBlocks testBlocks = test == null ? null
                    : CachedBlocks.of(sc, test, Math.min(parts, test.size()), "test-blocks");
            return new SparkEngine(sc, spec, trainBlocks, testBlocks, config, gradient);
        } catch (Throwable e) { // SparkException too: checked in Java, thrown undeclared by Scala
            trainBlocks.close();
            throw e;
        }
    }

    /** The configured partition count, {@code auto} resolved to Spark's default parallelism. */
    public static int partitions(JavaSparkContext sc, Configuration config) {
        int configured = config.get(EngineSettings.PARTITIONS);
        return configured == 0 ? sc.defaultParallelism() : configured;
    }

    @Override
    public int trainSize() {
        return train.count();
    }

    @Override
    public int[] trainPositions() {
        return trainPositions;
    }

    /** Bytes of example data held in the cached blocks (train and test). */
    public long cachedBytes() {
        return train.bytes() + (test == null ? 0 : test.bytes());
    }

    public int partitions() {
        return train.partitions();
    }

    @Override
    public GradientSum gradientSum(double[] params, int[] batch, StepPosition at) {
        sc.setJobDescription("train: epoch " + (at.epoch() + 1) + " step " + (at.stepInEpoch() + 1));
        Broadcast<Object> weights = sc.broadcast(Parameters.wire(params, precision));
        Step step = new Step(spec, precision, seed, at.globalStep(), batch);
        BlockGradient gradient = this.gradient;
        int[] starts = train.starts();
        boolean nativeBlas = this.nativeBlas;
        try {
            JavaRDD<GradientSum> sums = train.rdd().map(block -> {
                NativeBlas.install(nativeBlas);
                return gradient.compute(block, starts[block.partition()], step, Parameters.fromWire(weights.value()));
            });
            return OrderedSum.of(sums, treeDepth);
        } finally {
            weights.destroy();
        }
    }

    /**
     * One job over the training blocks (for the validation rows, and every row when asked; skipped when neither is
     * there) and the test blocks together.
     */
    @Override
    public Evaluation evaluate(double[] params, BlockEvaluation.Counted counted) {
        sc.setJobDescription("evaluate");
        Broadcast<Object> weights = sc.broadcast(Parameters.wire(params, precision));
        try {
            JavaRDD<Evaluation> counts = counted == BlockEvaluation.Counted.VALIDATION_AND_TRAINING || split.fraction() > 0
                    ? evaluations(train, counted, weights) : null;
            if (test != null) {
                JavaRDD<Evaluation> tested = evaluations(test, BlockEvaluation.Counted.TEST, weights);
                counts = counts == null ? tested : counts.union(tested);
            }
            return counts == null ? Evaluation.NONE : counts.reduce(Evaluation::plus);
        } finally {
            weights.destroy();
        }
    }

    private JavaRDD<Evaluation> evaluations(CachedBlocks blocks, BlockEvaluation.Counted counted,
                                            Broadcast<Object> weights) {
        NetworkSpec spec = this.spec;
        ValidationSplit split = this.split;
        int chunk = this.evalChunk;
        int[] starts = blocks.starts();
        boolean nativeBlas = this.nativeBlas;
        return blocks.rdd().map(b -> {
            NativeBlas.install(nativeBlas);
            return BlockEvaluation.evaluate(b, starts[b.partition()], counted, split, spec,
                    Parameters.fromWire(weights.value()), chunk);
        });
    }

    @Override
    public String describe() {
        return "spark " + sc.master() + ", " + partitions() + " partitions, sum tree depth " + treeDepth
                + ", " + precision.id() + " precision | executors' BLAS: " + String.join("; ", executorBlas);
    }

    /** Unpersists the cached blocks and releases what they were built from. */
    @Override
    public void close() {
        CachedBlocks.closeBoth(train, test);
    }
}
