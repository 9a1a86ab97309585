package dev.scratchnet.training;

/**
 * Where a training step's arithmetic happens: in this JVM ({@link LocalEngine}, the oracle) or on Spark
 * executors. The {@link Trainer} loop is the same for both; only these calls differ.
 */
public interface GradientEngine extends AutoCloseable {
    /** Training examples. */
    int trainSize();

    /** Test examples. */
    int testSize();

    /**
     * The gradient sum, loss sum and count over the examples {@code batch} (global indices) of step
     * {@code step} of epoch {@code epoch} (both 0-based; for job descriptions and fault injection).
     */
    GradientSum gradientSum(double[] params, int[] batch, int epoch, int step);

    /** Correct predictions of {@code params} on the whole training set. */
    long correctOnTrain(double[] params);

    /** Correct predictions of {@code params} on the whole test set. */
    long correctOnTest(double[] params);

    /** A short description for logs, e.g. {@code spark local[2], 4 partitions}. */
    String describe();

    @Override
    default void close() {}
}
