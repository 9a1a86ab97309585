package dev.scratchnet.partition;

import dev.scratchnet.layers.LossLayer;
import dev.scratchnet.math.Matrix;
import dev.scratchnet.network.Network;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.network.Task;
import dev.scratchnet.network.WeightDecay;
import java.util.Arrays;

/**
 * The forward-only counts of one block after an epoch: for each set it holds, the weighted loss and (for a
 * classifier) the weight of the examples whose highest score is their label, as sums.
 */
public final class BlockEvaluation {
    private BlockEvaluation() {}

    /** Which of a block's rows are counted, and as what. */
    public enum Counted {
        /** A test block: every row is a test example. */
        TEST,
        /** A training block: the rows the validation split holds out. */
        VALIDATION,
        /** A training block: the validation rows, and the others as training examples. */
        VALIDATION_AND_TRAINING
    }

    /**
     * The scores of {@code params} on {@code block}, whose first example is at global position {@code start},
     * {@code chunk} rows per forward pass.
     */
    public static Evaluation evaluate(ExampleBlock block, int start, Counted counted, ValidationSplit split,
                                      NetworkSpec spec, Matrix params, int chunk) {
        int n = block.count();
        if (counted == Counted.TEST) {
            int[] all = new int[n];
            Arrays.setAll(all, r -> r);
            return new Evaluation(Evaluation.Scores.NONE, Evaluation.Scores.NONE,
                    scores(block, all, spec, params, chunk));
        }
        int[] validation = new int[n];
        int[] training = new int[n];
        int v = 0;
        int t = 0;
        for (int r = 0; r < n; r++) {
            if (split.isValidation((long) start + r)) {
                validation[v++] = r;
            } else {
                training[t++] = r;
            }
        }
        Evaluation.Scores trainScores = counted == Counted.VALIDATION_AND_TRAINING
                ? scores(block, Arrays.copyOf(training, t), spec, params, chunk) : Evaluation.Scores.NONE;
        return new Evaluation(trainScores, scores(block, Arrays.copyOf(validation, v), spec, params, chunk),
                Evaluation.Scores.NONE);
    }

    /** The sums over the local rows {@code rows}, in chunks. */
    static Evaluation.Scores scores(ExampleBlock block, int[] rows, NetworkSpec spec, Matrix params, int chunk) {
        Network network = new Network(spec, params, WeightDecay.NONE);
        double weight = 0;
        double correct = 0;
        double loss = 0;
        for (int from = 0; from < rows.length; from += chunk) {
            int[] part = Arrays.copyOfRange(rows, from, Math.min(rows.length, from + chunk));
            Matrix scores = network.predict(block.rows(part, params.precision()));
            double[] t = block.labels(part);
            double[] w = block.weights(part);
            LossLayer lossLayer = spec.newLossLayer();
            loss += lossLayer.forward(scores, t, w);
            weight += PartitionStep.weightSum(w, part.length);
            if (spec.task() == Task.CLASSIFICATION) {
                boolean[] right = Network.correct(scores, t);
                for (int i = 0; i < part.length; i++) {
                    if (right[i]) {
                        correct += w == null ? 1 : w[i];
                    }
                }
            }
        }
        return new Evaluation.Scores(rows.length, weight, correct, loss);
    }
}
