package dev.scratchnet.training;

/**
 * Where a training step's arithmetic happens: in this JVM ({@link LocalEngine}, the oracle) or on Spark
 * executors. The {@link Trainer} loop is the same for both; only these calls differ.
 */
public interface GradientEngine extends AutoCloseable {
    /** Examples in the training set, at global positions {@code 0 .. trainSize() - 1} (validation included). */
    int trainSize();

    /** The positions minibatches are drawn from: those the validation split does not hold out, ascending. */
    int[] trainPositions();

    /**
     * The gradient sum, loss sum and count over the examples at the global positions {@code batch} of step
     * {@code step} of epoch {@code epoch} (both 0-based, for job descriptions).
     */
    GradientSum gradientSum(double[] params, int[] batch, int epoch, int step);

    /**
     * Correct predictions of {@code params} on the validation split and the test set (when there are),
     * and on the other training examples when {@code includeTrain}.
     */
    Accuracy accuracy(double[] params, boolean includeTrain);

    /**
     * What the training data is, for checkpoints: a resume on other data is refused. E.g.
     * {@code 60000 examples x 784 features, digest 5f0e…} ({@link ExampleBlock#digest}, whatever the partitioning).
     */
    String dataIdentity();

    /** A short description for logs, e.g. {@code spark local[2], 4 partitions}. */
    String describe();

    @Override
    default void close() {}
}
