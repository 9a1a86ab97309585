package dev.scratchnet.training;

import dev.scratchnet.data.Dataset;
import dev.scratchnet.math.Precision;
import dev.scratchnet.network.NetworkSpec;

/**
 * The oracle: the same per-block arithmetic as a Spark partition ({@link ExampleBlock}), over the whole
 * data set as one block, in this JVM, on one thread. What the distributed trainer must match.
 */
public final class LocalEngine implements GradientEngine {
    private final NetworkSpec spec;
    private final ExampleBlock train;
    private final ExampleBlock test;
    private final Precision precision;
    private final ValidationSplit split;
    private final int[] trainPositions;
    private final String dataIdentity;

    /** {@code test} may be null (no test set). */
    public LocalEngine(NetworkSpec spec, Dataset train, Dataset test, Precision precision, ValidationSplit split) {
        this.spec = spec;
        this.train = ExampleBlock.whole(train);
        this.test = test == null ? null : ExampleBlock.whole(test);
        this.precision = precision;
        this.split = split;
        this.trainPositions = split.trainPositions(train.size());
        this.dataIdentity = ExampleBlock.identity(train.size(), train.features(), this.train.digest());
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
    public int[] trainPositions() {
        return trainPositions;
    }

    @Override
    public GradientSum gradientSum(double[] params, int[] batch, int epoch, int step) {
        return train.gradientSum(spec, params, batch, 0, precision);
    }

    @Override
    public Accuracy accuracy(double[] params, boolean includeTrain) {
        Accuracy a = train.accuracy(spec, params, precision, false, 0, split, includeTrain);
        return test == null ? a : a.plus(test.accuracy(spec, params, precision, true, 0, split, false));
    }

    @Override
    public String describe() {
        return "in-process (no Spark), 1 thread, " + precision.id() + " precision";
    }
}
