package dev.scratchnet.training;

import dev.scratchnet.data.ImageSet;
import dev.scratchnet.math.Precision;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.partition.BlockEvaluation;
import dev.scratchnet.partition.Evaluation;
import dev.scratchnet.partition.ExampleBlock;
import dev.scratchnet.partition.GradientSum;
import dev.scratchnet.partition.Parameters;
import dev.scratchnet.partition.PartitionStep;
import dev.scratchnet.partition.Step;
import dev.scratchnet.partition.ValidationSplit;

/**
 * The oracle: the same per-block arithmetic as a Spark partition ({@link PartitionStep}, {@link BlockEvaluation}),
 * over the whole data set as one block, in this JVM, on one thread. What the distributed trainer must match.
 */
public final class LocalEngine implements GradientEngine {
    private final NetworkSpec spec;
    private final ExampleBlock train;
    private final ExampleBlock test;
    private final Precision precision;
    private final long seed;
    private final int evalChunk;
    private final ValidationSplit split;
    private final int[] trainPositions;
    private final String dataIdentity;

    /** {@code test} may be null (no test set). */
    public LocalEngine(NetworkSpec spec, ExampleBlock train, ExampleBlock test, Precision precision, long seed,
                       ValidationSplit split, int evalChunk) {
        this.spec = spec;
        this.train = train;
        this.test = test;
        this.precision = precision;
        this.seed = seed;
        this.split = split;
        this.evalChunk = evalChunk;
        this.trainPositions = split.trainPositions(train.count());
        this.dataIdentity = ExampleBlock.identity(train.count(), train.features(), train.digest());
    }

    /** MNIST-like data sets in memory, with the settings of {@code config}. */
    public static LocalEngine of(NetworkSpec spec, ImageSet train, ImageSet test, dev.scratchnet.config.Configuration config) {
        return new LocalEngine(spec, ExampleBlock.whole(train), test == null ? null : ExampleBlock.whole(test),
                config.get(TrainingSettings.PRECISION), config.get(TrainingSettings.SEED),
                TrainingSettings.validationSplit(config, train.size()), config.get(TrainingSettings.BLOCK_SIZE));
    }

    @Override
    public String dataIdentity() {
        return dataIdentity;
    }

    @Override
    public int trainSize() {
        return train.count();
    }

    @Override
    public boolean hasTest() {
        return test != null;
    }

    @Override
    public ValidationSplit validationSplit() {
        return split;
    }

    @Override
    public int[] trainPositions() {
        return trainPositions;
    }

    @Override
    public GradientSum gradientSum(double[] params, int[] batch, StepPosition at) {
        Step step = new Step(spec, precision, seed, at.globalStep(), batch);
        return PartitionStep.gradientSum(train, 0, step, Parameters.forPrecision(params, precision));
    }

    @Override
    public Evaluation evaluate(double[] params, BlockEvaluation.Counted counted) {
        var p = Parameters.forPrecision(params, precision);
        Evaluation e = split.fraction() > 0 || counted == BlockEvaluation.Counted.VALIDATION_AND_TRAINING
                ? BlockEvaluation.evaluate(train, 0, counted, split, spec, p, evalChunk) : Evaluation.NONE;
        return test == null ? e : e.plus(BlockEvaluation.evaluate(test, 0, BlockEvaluation.Counted.TEST, split, spec, p,
                evalChunk));
    }

    @Override
    public Evaluation evaluateTest(double[] params) {
        return test == null ? Evaluation.NONE : BlockEvaluation.evaluate(test, 0, BlockEvaluation.Counted.TEST, split,
                spec, Parameters.forPrecision(params, precision), evalChunk);
    }

    @Override
    public String describe() {
        return "in-process (no Spark), 1 thread, " + precision.id() + " precision";
    }
}
