package dev.scratchnet.training;

import dev.scratchnet.data.Dataset;
import dev.scratchnet.network.NetworkSpec;

/**
 * The oracle: the same per-block arithmetic as a Spark partition ({@link ExampleBlock}), over the whole
 * data set as one block, in this JVM, on one thread. What the distributed trainer must match.
 */
public final class LocalEngine implements GradientEngine {
    private final NetworkSpec spec;
    private final ExampleBlock train;
    private final ExampleBlock test;
    private final boolean single;

    public LocalEngine(NetworkSpec spec, Dataset train, Dataset test) {
        this(spec, train, test, false);
    }

    /** @param single whether the matrix products run in single precision */
    public LocalEngine(NetworkSpec spec, Dataset train, Dataset test, boolean single) {
        this.single = single;
        this.spec = spec;
        this.train = ExampleBlock.whole(train);
        this.test = ExampleBlock.whole(test);
    }

    @Override
    public int trainSize() {
        return train.count();
    }

    @Override
    public int testSize() {
        return test.count();
    }

    @Override
    public GradientSum gradientSum(double[] params, int[] batch, int epoch, int step) {
        return train.gradientSum(spec, params, batch, single);
    }

    @Override
    public long correctOnTrain(double[] params) {
        return train.countCorrect(spec, params, single);
    }

    @Override
    public long correctOnTest(double[] params) {
        return test.countCorrect(spec, params, single);
    }

    @Override
    public String describe() {
        return "in-process (no Spark), 1 thread, " + (single ? "single" : "double") + " precision";
    }
}
