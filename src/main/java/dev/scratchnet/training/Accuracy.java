package dev.scratchnet.training;

import java.io.Serializable;

/**
 * Correct predictions and example counts of one evaluation, as exact longs (summed over partitions, divided
 * once): on the training examples outside the validation split, on the validation split and on the test set.
 * A count of 0 means that set was not evaluated (or does not exist); its accuracy is then {@code NaN}.
 */
public record Accuracy(long trainCorrect, long trainCount, long validationCorrect, long validationCount,
                       long testCorrect, long testCount) implements Serializable {

    /** Nothing evaluated. */
    public static final Accuracy NONE = new Accuracy(0, 0, 0, 0, 0, 0);

    /** The sum of two evaluations over disjoint examples. */
    public Accuracy plus(Accuracy o) {
        return new Accuracy(trainCorrect + o.trainCorrect, trainCount + o.trainCount,
                validationCorrect + o.validationCorrect, validationCount + o.validationCount,
                testCorrect + o.testCorrect, testCount + o.testCount);
    }

    public double train() {
        return fraction(trainCorrect, trainCount);
    }

    public double validation() {
        return fraction(validationCorrect, validationCount);
    }

    public double test() {
        return fraction(testCorrect, testCount);
    }

    private static double fraction(long correct, long count) {
        return count == 0 ? Double.NaN : (double) correct / count;
    }
}
