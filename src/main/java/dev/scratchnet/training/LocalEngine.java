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

    public LocalEngine(NetworkSpec spec, Dataset train, Dataset test, Precision precision) {
        this.precision = precision;
        this.spec = spec;
        this.train = ExampleBlock.whole(train);
        this.test = ExampleBlock.whole(test);
    }

    @Override
    public int trainSize() {
        return train.count();
    }

    @Override
    public GradientSum gradientSum(double[] params, int[] batch, int epoch, int step) {
        return train.gradientSum(spec, params, batch, precision);
    }

    @Override
    public Accuracy accuracy(double[] params, boolean includeTrain) {
        long trainCorrect = includeTrain ? train.countCorrect(spec, params, precision) : 0;
        return new Accuracy(trainCorrect, includeTrain ? train.count() : 0, 0, 0,
                test.countCorrect(spec, params, precision), test.count());
    }

    @Override
    public String describe() {
        return "in-process (no Spark), 1 thread, " + precision.id() + " precision";
    }
}
