package dev.scratchnet.partition;

import java.io.Serializable;

/**
 * What one evaluation counted, as sums (added over partitions, divided once): on the training examples outside
 * the validation split, on the validation split and on the test set. A set with no examples was not evaluated (or
 * does not exist); its figures are then {@code NaN}.
 */
public record Evaluation(Scores train, Scores validation, Scores test) implements Serializable {

    /** Nothing evaluated. */
    public static final Evaluation NONE = new Evaluation(Scores.NONE, Scores.NONE, Scores.NONE);

    /** The sum of two evaluations over disjoint examples. */
    public Evaluation plus(Evaluation o) {
        return new Evaluation(train.plus(o.train), validation.plus(o.validation), test.plus(o.test));
    }

    /**
     * The sums over one set: the examples, their weights, the weights of those classified right (classifiers) and
     * the weighted loss.
     */
    public record Scores(long count, double weight, double correct, double loss) implements Serializable {
        public static final Scores NONE = new Scores(0, 0, 0, 0);

        public Scores plus(Scores o) {
            return new Scores(count + o.count, weight + o.weight, correct + o.correct, loss + o.loss);
        }

        /** The (weighted) fraction classified right. */
        public double accuracy() {
            return weight == 0 ? Double.NaN : correct / weight;
        }

        /** The (weighted) mean loss. */
        public double meanLoss() {
            return weight == 0 ? Double.NaN : loss / weight;
        }
    }
}
