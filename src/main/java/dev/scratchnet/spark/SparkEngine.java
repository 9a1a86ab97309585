package dev.scratchnet.spark;

import dev.scratchnet.Resources;
import dev.scratchnet.config.Configuration;
import dev.scratchnet.data.ImageSet;
import dev.scratchnet.math.NativeBlas;
import dev.scratchnet.math.Precision;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.partition.BatchNormExchange;
import dev.scratchnet.partition.BlockEvaluation;
import dev.scratchnet.partition.Evaluation;
import dev.scratchnet.partition.ExampleBlock;
import dev.scratchnet.partition.GradientSum;
import dev.scratchnet.partition.Parameters;
import dev.scratchnet.partition.PartitionStep;
import dev.scratchnet.partition.Step;
import dev.scratchnet.partition.SumTree;
import dev.scratchnet.partition.ValidationSplit;
import dev.scratchnet.registry.EngineSettings;
import dev.scratchnet.training.EpochResult;
import dev.scratchnet.training.EpochRunner;
import dev.scratchnet.training.EpochTask;
import dev.scratchnet.training.GradientEngine;
import dev.scratchnet.training.TrainingSettings;
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
 * positions that fall in its range, and a fixed tree of sums over the partitions ({@link SumTree}) brings back one. The parameters live on the
 * driver only, so the lineage of every job is the cached RDD and nothing more: it does not grow with the
 * number of steps.
 */
public final class SparkEngine implements GradientEngine {
    /**
     * What a task computes on its block for one step: {@link PartitionStep#gradientSum} in production. A seam
     * for tests, which wrap it to make a task fail.
     */
    @FunctionalInterface
    public interface BlockGradient extends EpochRunner.Gradient, Serializable {}

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
    private final EngineSettings.Mode mode;
    private final List<String> executorBlas;
    private final EpochJob.Sync syncSettings;

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
        this.split = TrainingSettings.validationSplit(config, train.count());
        this.gradient = gradient;
        this.mode = config.get(EngineSettings.MODE);
        this.syncSettings = EpochJob.Sync.of(config);
        this.trainPositions = split.trainPositions(train.count());
        this.nativeBlas = config.get(EngineSettings.NATIVE_BLAS);
        boolean arithmeticC2 = config.get(EngineSettings.C2_FOR_ARITHMETIC_ONLY);
        if (arithmeticC2) {
            ArithmeticJit.apply();
        }
        this.executorBlas = Resources.closeOnFailure(this::close, () -> sc.isLocal()
                ? List.of(blasHere(nativeBlas, arithmeticC2)) : loadBlas(train, nativeBlas, arithmeticC2));
    }

    /**
     * Loads the configured BLAS in every executor that holds a block (and applies {@link ArithmeticJit} there when
     * asked), before the first step's clock, and says what loaded where (the same everywhere, normally). One stage:
     * the blocks' answers are told apart on the driver, not by a shuffle ({@code distinct} was a second stage, 0.1-0.2 s
     * of a cold run).
     */
    private static List<String> loadBlas(CachedBlocks blocks, boolean nativeBlas, boolean arithmeticC2) {
        List<String> each = blocks.rdd().map(b -> blasHere(nativeBlas, arithmeticC2)).collect();
        return List.copyOf(new java.util.LinkedHashSet<>(each));
    }

    /**
     * The configured BLAS loaded in this JVM, and what loaded. In local mode the executor is the driver's JVM, so this
     * is {@link #loadBlas} without its Spark job (50 ms of a cold run).
     */
    private static String blasHere(boolean nativeBlas, boolean arithmeticC2) {
        return NativeBlas.install(nativeBlas).description() + (arithmeticC2 ? "; JIT: " + ArithmeticJit.apply() : "");
    }

    @Override
    public String dataIdentity() {
        return ExampleBlock.identity(train.count(), train.features(), train.digest());
    }

    /**
     * In-memory data sets (tests, benchmarks) broadcast and cached as {@link EngineSettings#PARTITIONS} blocks
     * ({@code auto}: Spark's default parallelism).
     */
    public static SparkEngine of(JavaSparkContext sc, NetworkSpec spec, ImageSet train, ImageSet test,
                                 Configuration config) {
        return of(sc, spec, train, test, config, PartitionStep::gradientSum);
    }

    /** As above, each task computing its share of a step with {@code gradient}. */
    public static SparkEngine of(JavaSparkContext sc, NetworkSpec spec, ImageSet train, ImageSet test,
                                 Configuration config, BlockGradient gradient) {
        int parts = partitions(sc, config);
        CachedBlocks trainBlocks = CachedBlocks.of(sc, train, parts, "train-blocks");
        return Resources.closeOnFailure(trainBlocks::close, () -> {
            CachedBlocks testBlocks = test == null ? null
                    : CachedBlocks.of(sc, test, Math.min(parts, test.size()), "test-blocks");
            return new SparkEngine(sc, spec, trainBlocks, testBlocks, config, gradient);
        });
    }

    /** The configured partition count, {@code auto} resolved to Spark's default parallelism. */
    public static int partitions(JavaSparkContext sc, Configuration config) {
        int configured = config.get(EngineSettings.PARTITIONS);
        return configured == 0 ? sc.defaultParallelism() : configured;
    }

    @Override
    public ValidationSplit validationSplit() {
        return split;
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

    @Override
    public int partitions() {
        return train.partitions();
    }

    /**
     * One job: a {@code treeAggregate} whose value is a set of nodes of the fixed {@link SumTree} over the partitions
     * ({@link SumTree.Nodes}), so that the root is the same bits whatever order the tasks finish in. The depth is
     * {@link EngineSettings#TREE_DEPTH}'s: with 1, every task's node goes to the driver, which adds them; deeper, Spark
     * adds levels of executor-side combining and the last addition happens on an executor too
     * ({@code finalAggregateOnExecutor}), so that the driver receives one sum, at the price of shuffle stages.
     */
    @Override
    public GradientSum gradientSum(double[] params, int[] batch, StepPosition at) {
        sc.setJobDescription("train: epoch " + (at.epoch() + 1) + " step " + (at.stepInEpoch() + 1));
        if (BatchNormExchange.needed(spec)) {
            return BatchNormRounds.gradientSum(sc, train, new Step(spec, precision, seed, at.globalStep(), batch),
                    Parameters.wire(params, precision), nativeBlas);
        }
        Broadcast<Object> weights = sc.broadcast(Parameters.wire(params, precision));
        Step step = new Step(spec, precision, seed, at.globalStep(), batch);
        BlockGradient gradient = this.gradient;
        int[] starts = train.starts();
        boolean nativeBlas = this.nativeBlas;
        try {
            return train.rdd().treeAggregate(SumTree.Nodes.over(train.partitions()), (nodes, block) -> {
                NativeBlas.install(nativeBlas);
                return nodes.add(block.partition(), gradient.compute(block, starts[block.partition()], step,
                        Parameters.fromWire(weights.value()), dev.scratchnet.layers.BatchSums.LOCAL, null));
            }, SumTree.Nodes::addAll, treeDepth, treeDepth > 1).root();
        } finally {
            weights.destroy();
        }
    }

    /** A partition's evaluation and its place in the order evaluations are added in. */
    private record Counted(int order, Evaluation evaluation) implements Serializable {}

    /**
     * One job over the training blocks (for the validation rows, and every row when asked; skipped when neither is
     * there) and the test blocks together, its counts added in partition order (training blocks, then test blocks)
     * through a {@code treeAggregate} ({@link SumTree.InOrder}).
     */
    @Override
    public Evaluation evaluate(double[] params, BlockEvaluation.Counted counted) {
        sc.setJobDescription("evaluate");
        Broadcast<Object> weights = sc.broadcast(Parameters.wire(params, precision));
        try {
            JavaRDD<Counted> counts = null;
            int parts = 0;
            if (counted == BlockEvaluation.Counted.VALIDATION_AND_TRAINING || split.fraction() > 0) {
                counts = evaluations(train, counted, weights, 0);
                parts = train.partitions();
            }
            if (test != null) {
                JavaRDD<Counted> tested = evaluations(test, BlockEvaluation.Counted.TEST, weights, parts);
                counts = counts == null ? tested : counts.union(tested);
                parts += test.partitions();
            }
            return counts == null ? Evaluation.NONE : inOrder(counts, parts);
        } finally {
            weights.destroy();
        }
    }

    private Evaluation inOrder(JavaRDD<Counted> counts, int parts) {
        return counts.treeAggregate(SumTree.InOrder.over(parts), (sum, c) -> sum.add(c.order(), c.evaluation()),
                SumTree.InOrder::addAll, treeDepth).total();
    }

    /** Each block's evaluation, placed at {@code first} + its partition. */
    private JavaRDD<Counted> evaluations(CachedBlocks blocks, BlockEvaluation.Counted counted,
                                         Broadcast<Object> weights, int first) {
        NetworkSpec spec = this.spec;
        ValidationSplit split = this.split;
        int chunk = this.evalChunk;
        int[] starts = blocks.starts();
        boolean nativeBlas = this.nativeBlas;
        return blocks.rdd().map(b -> {
            NativeBlas.install(nativeBlas);
            return new Counted(first + b.partition(), BlockEvaluation.evaluate(b, starts[b.partition()], counted, split,
                    spec, Parameters.fromWire(weights.value()), chunk));
        });
    }

    @Override
    public Evaluation evaluateTest(double[] params) {
        if (test == null) {
            return Evaluation.NONE;
        }
        sc.setJobDescription("evaluate: test");
        Broadcast<Object> weights = sc.broadcast(Parameters.wire(params, precision));
        try {
            return inOrder(evaluations(test, BlockEvaluation.Counted.TEST, weights, 0), test.partitions());
        } finally {
            weights.destroy();
        }
    }

    @Override
    public boolean hasTest() {
        return test != null;
    }

    /** Whether epochs run in one job: unless a job a step is asked for ({@code engine=step}). */
    @Override
    public boolean runsSteps() {
        return mode != EngineSettings.Mode.STEP;
    }

    /**
     * One job for {@code task}'s steps, every partition's task taking every step where its block is cached
     * ({@link EpochJob}).
     */
    @Override
    public EpochResult runSteps(EpochTask task, double[] params, Optimizer optimizer,
                                dev.scratchnet.training.StepWatcher watcher) {
        return new EpochJob(sc, train, test, nativeBlas, syncSettings, gradient).run(task, params, optimizer, watcher);
    }

    @Override
    public String describe() {
        int parts = partitions();
        return "spark " + sc.master() + ", " + parts + (parts == 1 ? " partition" : " partitions")
                + ", treeAggregate depth " + treeDepth
                + ", " + precision.id() + " precision | executors' BLAS: " + String.join("; ", executorBlas);
    }

    /** Unpersists the cached blocks and releases what they were built from. */
    @Override
    public void close() {
        CachedBlocks.closeBoth(train, test);
    }
}
