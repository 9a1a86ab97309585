package dev.scratchnet.training;

import dev.scratchnet.partition.BlockEvaluation;
import dev.scratchnet.partition.Evaluation;
import dev.scratchnet.partition.GradientSum;
import dev.scratchnet.partition.ValidationSplit;
import java.util.ArrayList;
import java.util.List;

/**
 * A gradient engine with no network behind it, for testing the trainer's bookkeeping in milliseconds: the
 * "loss" of example {@code i} is {@code ½·Σ_j (p_j − i)²}, so gradients depend on which examples a step
 * takes, and evaluations return scripted accuracies.
 */
class FakeEngine implements GradientEngine {
    private final int n;
    private final List<Evaluation> script;
    final List<int[]> batches = new ArrayList<>();
    int evaluations;

    /** {@code n} training examples; the k-th evaluation returns {@code script.get(k)} (the last one after that). */
    FakeEngine(int n, List<Evaluation> script) {
        this.n = n;
        this.script = script;
    }

    /** An evaluation with {@code test} correct out of 100 test examples, and {@code validation} of 100 when ≥ 0. */
    static Evaluation accuracy(int validation, int test) {
        return evaluation(validation, test, 0);
    }

    /** The same, with a validation loss (mean) of {@code validationLoss}. */
    static Evaluation evaluation(int validation, int test, double validationLoss) {
        Evaluation.Scores v = validation < 0 ? Evaluation.Scores.NONE
                : new Evaluation.Scores(100, 100, validation, 100 * validationLoss);
        return new Evaluation(Evaluation.Scores.NONE, v, new Evaluation.Scores(100, 100, test, 0));
    }

    @Override
    public int trainSize() {
        return n;
    }

    @Override
    public int[] trainPositions() {
        return java.util.stream.IntStream.range(0, n).toArray();
    }

    @Override
    public GradientSum gradientSum(double[] params, int[] batch, StepPosition at) {
        batches.add(batch.clone());
        double[] grad = new double[params.length];
        double loss = 0;
        for (int i : batch) {
            for (int j = 0; j < params.length; j++) {
                double d = params[j] - i;
                grad[j] += d;
                loss += 0.5 * d * d;
            }
        }
        return GradientSum.of(grad, loss, batch.length);
    }

    @Override
    public Evaluation evaluate(double[] params, BlockEvaluation.Counted counted) {
        Evaluation a = script.get(Math.min(evaluations, script.size() - 1));
        evaluations++;
        return a;
    }

    @Override
    public Evaluation evaluateTest(double[] params) {
        return Evaluation.NONE;
    }

    @Override
    public boolean hasTest() {
        return true;
    }

    @Override
    public ValidationSplit validationSplit() {
        return ValidationSplit.NONE;
    }

    @Override
    public boolean hasValidation() {
        return !script.isEmpty() && script.get(0).validation().count() > 0;
    }

    @Override
    public String dataIdentity() {
        return "fake " + n;
    }

    @Override
    public String describe() {
        return "fake";
    }
}
