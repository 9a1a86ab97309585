package dev.scratchnet.training;

import java.util.ArrayList;
import java.util.List;

/**
 * A gradient engine with no network behind it, for testing the trainer's bookkeeping in milliseconds: the
 * "loss" of example {@code i} is {@code ½·Σ_j (p_j − i)²}, so gradients depend on which examples a step
 * takes, and evaluations return scripted accuracies.
 */
class FakeEngine implements GradientEngine {
    private final int n;
    private final List<Accuracy> script;
    final List<int[]> batches = new ArrayList<>();
    int evaluations;

    /** {@code n} training examples; the k-th evaluation returns {@code script.get(k)} (the last one after that). */
    FakeEngine(int n, List<Accuracy> script) {
        this.n = n;
        this.script = script;
    }

    /** An evaluation with {@code test} correct out of 100 test examples, and {@code validation} of 100 when ≥ 0. */
    static Accuracy accuracy(int validation, int test) {
        return new Accuracy(0, 0, Math.max(0, validation), validation < 0 ? 0 : 100, test, 100);
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
    public GradientSum gradientSum(double[] params, int[] batch, int epoch, int step) {
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
    public Accuracy accuracy(double[] params, boolean includeTrain) {
        Accuracy a = script.get(Math.min(evaluations, script.size() - 1));
        evaluations++;
        return a;
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
