package dev.scratchnet.training;

import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.partition.BlockEvaluation;
import dev.scratchnet.partition.Evaluation;
import dev.scratchnet.partition.ExampleBlock;
import dev.scratchnet.partition.GradientSum;
import dev.scratchnet.partition.ValidationSplit;

/**
 * Where a training step's arithmetic happens: in this JVM ({@link LocalEngine}, the oracle) or on Spark
 * executors. The {@link Trainer} loop is the same for both; only these calls differ.
 */
public interface GradientEngine extends AutoCloseable {
    /** Where a step is: epoch and step in it (0-based), and the global step (dropout masks depend on it). */
    record StepPosition(int epoch, int stepInEpoch, long globalStep) implements java.io.Serializable {}

    /** Examples in the training set, at global positions {@code 0 .. trainSize() - 1} (validation included). */
    int trainSize();

    /** The positions minibatches are drawn from: those the validation split does not hold out, ascending. */
    int[] trainPositions();

    /** Which training positions are held out for validation. */
    ValidationSplit validationSplit();

    /** Whether there is a test set. */
    boolean hasTest();

    /** Whether some training examples are held out for validation. */
    default boolean hasValidation() {
        return trainPositions().length < trainSize();
    }

    /** The gradient sum, loss sum, count and weight sum over the examples at the global positions {@code batch}. */
    GradientSum gradientSum(double[] params, int[] batch, StepPosition at);

    /**
     * The scores of {@code params} on the training examples ({@code counted}: the validation split, or also the
     * others) and on the test set, when there is one.
     */
    Evaluation evaluate(double[] params, BlockEvaluation.Counted counted);

    /** The scores of {@code params} on the test set alone ({@link Evaluation#NONE} when there is none). */
    Evaluation evaluateTest(double[] params);

    /**
     * Whether this engine runs whole runs of steps where the data is ({@link #runSteps}), one job for many steps,
     * rather than one job a step.
     */
    default boolean runsSteps() {
        return false;
    }

    /** How many partitions a run of steps involves (a run of several epochs needs exactly one). */
    default int partitions() {
        return 1;
    }

    /**
     * Runs {@code task}'s steps from {@code params} and {@code optimizer} (neither modified) where the data is,
     * telling {@code watcher} of each step when the engine can; when the watcher asks for a stop, the run may end
     * after the step under way (a position inside the epoch).
     *
     * @throws UnsupportedOperationException when {@link #runsSteps()} is false
     */
    default EpochResult runSteps(EpochTask task, double[] params, Optimizer optimizer, StepWatcher watcher) {
        throw new UnsupportedOperationException(describe() + " takes one step at a time");
    }

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
