package dev.scratchnet.training;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.layers.LayerSpec;
import dev.scratchnet.math.Lanes;
import dev.scratchnet.math.Matrix;
import dev.scratchnet.network.ParameterBlock;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.network.Task;
import dev.scratchnet.network.WeightDecay;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.partition.BatchNormExchange;
import dev.scratchnet.partition.GradientSum;
import dev.scratchnet.partition.Parameters;
import java.io.Serializable;
import java.util.Locale;

/**
 * The driver's half of one synchronous step, as one piece of code wherever it runs (on the driver, or in every
 * task of an epoch run where the data is): the mean gradient (the one division), the weight decay, the checks that
 * stop a diverging run before it touches a checkpoint, the optimizer's update at the scheduled rate, and batch
 * normalization's running statistics ({@link BatchNormStatistics}).
 *
 * @param learningRate the configured rate's text, for the message that stops a diverging run
 */
public record StepUpdate(NetworkSpec spec, WeightDecay weightDecay, String learningRate) implements Serializable {

    /**
     * A step's mean loss above this means the run has diverged: the true class's probability averages below
     * {@code e^-1000}, and no model trained on from there is of use.
     */
    static final double DIVERGED_LOSS = 1000;

    /**
     * One synchronous step, as the {@link StepLoop} takes it on the driver and in every task where the data is:
     * step {@code at}'s minibatch from {@code schedule}, its total from {@code sum} (over every partition, however the
     * caller gets it), checked to cover the minibatch, then the update ({@link #apply(GradientSum, double[], Optimizer,
     * double, GradientEngine.StepPosition, java.util.concurrent.ExecutorService, int, Matrix, double[])}, {@code threads} null
     * for none), which keeps {@code working} (the parameters as the steps compute with them, {@link
     * Parameters#forPrecision}; null for none) equal to {@code params}, the mean gradient in {@code gradient} (the
     * parameters' length, reused step after step; null: a new array). Returns the step's total, for its loss.
     */
    public GradientSum take(MinibatchSchedule schedule, GradientEngine.StepPosition at,
                            java.util.function.Function<int[], GradientSum> sum, double[] params, Optimizer optimizer,
                            double rateFactor, java.util.concurrent.ExecutorService threads, int ways, Matrix working,
                            double[] gradient) {
        int[] batch = schedule.batch(at.epoch(), at.stepInEpoch());
        GradientSum total = covering(sum.apply(batch), batch, at.globalStep());
        apply(total, params, optimizer, rateFactor, at, threads, ways, working, gradient);
        return total;
    }

    /** {@code total}, checked to be the sum over the {@code batch} of step {@code globalStep}. */
    static GradientSum covering(GradientSum total, int[] batch, long globalStep) {
        if (total.count() != batch.length) {
            throw new IllegalStateException("step " + globalStep + " summed " + total.count() + " examples, expected "
                    + batch.length);
        }
        return total;
    }

    /**
     * Applies step {@code at}'s gradient sum {@code sum} to {@code params} (modified in place) with {@code optimizer}
     * (its state too) at {@code rateFactor} times the rate.
     *
     * @throws ScratchnetException when the loss, the gradient or the updated parameters are not finite numbers, or
     *     the loss says the run diverged; the parameters are then left as they were before the update
     */
    public void apply(GradientSum sum, double[] params, Optimizer optimizer, double rateFactor,
                      GradientEngine.StepPosition at) {
        double[] gradient = sum.meanGradient(params.length);
        var statistics = BatchNormStatistics.moved(spec, sum, params, gradient);
        weightDecay.addGradient(spec, params, gradient);
        check(at, sum.lossSum() / sum.weightSum(), gradient, "the gradient");
        optimizer.update(params, gradient, rateFactor);
        BatchNormStatistics.set(statistics, params);
        check(at, 0, params, "the updated parameters");
    }

    /**
     * The same update in two passes over the elements — the mean gradient, the weight decay and its check; then the
     * optimizer and the parameters' check — each cut into {@code ways} ranges run at once on {@code threads} (a task's
     * threads between two steps; in the caller's thread when {@code threads} is null or {@code ways < 2}): the same
     * bits as {@link #apply(GradientSum, double[], Optimizer, double, GradientEngine.StepPosition)}, which it is for a
     * network with batch normalization. The second pass also sets {@code working} (null for none) to the updated
     * parameters in its precision, range by range: what {@link Parameters#forPrecision} would make of them, without a
     * serial pass of its own. The mean gradient goes into {@code gradient} (the parameters' length, every element
     * written; null: a new array): a loop's steps reuse one, as a new array each step was zeroed, and first touched in
     * memory no cache held, by one thread (a seventh of a two-thread update of the demo's network).
     */
    public void apply(GradientSum sum, double[] params, Optimizer optimizer, double rateFactor,
                      GradientEngine.StepPosition at, java.util.concurrent.ExecutorService threads, int ways,
                      Matrix working, double[] gradient) {
        if (BatchNormExchange.needed(spec)) {
            apply(sum, params, optimizer, rateFactor, at);
            Parameters.round(params, working, 0, params.length);
            return;
        }
        int parts = threads == null ? 1 : Math.max(1, ways);
        double[] mean = gradient != null ? gradient : new double[params.length];
        boolean[] finite = new boolean[parts];
        inRanges(threads, parts, params.length, (w, from, to) -> finite[w] = mean(sum, params, mean, from, to));
        check(at, sum.lossSum() / sum.weightSum(), allTrue(finite) ? new double[0] : mean, "the gradient");
        double rate = optimizer.begin(rateFactor);
        inRanges(threads, parts, params.length, (w, from, to) -> {
            finite[w] = optimizer.update(params, mean, rate, from, to, working);
        });
        if (!allTrue(finite)) {
            check(at, 0, params, "the updated parameters");
        }
    }

    /**
     * Elements {@code [from, to)} of the mean gradient with the weight decay, block by block in one pass
     * ({@link Lanes#meanWithDecay}: the bits of {@link GradientSum#meanGradient} then {@link WeightDecay#addGradient});
     * whether they are all finite numbers.
     */
    private boolean mean(GradientSum sum, double[] params, double[] gradient, int from, int to) {
        Matrix[] leaves = sum.leaves(); // the partitions' gradients, when nothing has added them yet
        if (leaves == null && sum.grad() != null) {
            leaves = new Matrix[] {Matrix.of(1, sum.grad().length, sum.grad())}; // the total is one leaf
        }
        if (leaves == null || !(sum.weightSum() > 0)) {
            sum.meanGradient(gradient, from, to);
            weightDecay.addGradient(spec, params, gradient, from, to);
            return Lanes.finiteInto(gradient, null, from, to);
        }
        double scale = 1.0 / sum.weightSum();
        boolean finite = true;
        int at = from;
        for (ParameterBlock b : spec.parameterBlocks()) {
            int start = Math.max(at, b.offset());
            int end = Math.min(to, b.offset() + b.size());
            if (start < end) {
                finite &= Lanes.meanWithDecay(leaves, scale, params, 0, gradient, at, start); // between blocks
                double lambda = b.role() == LayerSpec.Role.WEIGHT ? weightDecay.lambda() : 0;
                finite &= Lanes.meanWithDecay(leaves, scale, params, lambda, gradient, start, end);
                at = end;
            }
        }
        return finite & Lanes.meanWithDecay(leaves, scale, params, 0, gradient, at, to);
    }

    /** A pass over elements {@code [from, to)}, the {@code w}-th of a step's ranges. */
    @FunctionalInterface
    interface RangePass {
        void run(int w, int from, int to);
    }

    /** Runs {@code pass} over {@code ways} contiguous ranges of {@code [0, n)} at once, and waits for all. */
    static void inRanges(java.util.concurrent.ExecutorService threads, int ways, int n, RangePass pass) {
        if (ways < 2) {
            pass.run(0, 0, n);
            return;
        }
        java.util.List<java.util.concurrent.Future<?>> running = new java.util.ArrayList<>();
        for (int w = 1; w < ways; w++) {
            int k = w;
            running.add(threads.submit(() -> pass.run(k, (int) ((long) n * k / ways), (int) ((long) n * (k + 1) / ways))));
        }
        pass.run(0, 0, (int) ((long) n / ways));
        try {
            for (java.util.concurrent.Future<?> f : running) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.forEach(f -> f.cancel(true));
            throw new IllegalStateException("interrupted during an update", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static boolean allTrue(boolean[] flags) {
        for (boolean f : flags) {
            if (!f) {
                return false;
            }
        }
        return true;
    }

    /**
     * Stops the run at step {@code at} when the loss or {@code values} are not finite numbers or the loss says the
     * run diverged.
     */
    public void check(GradientEngine.StepPosition at, double meanLoss, double[] values, String what) {
        String problem = null;
        if (!Double.isFinite(meanLoss)) {
            problem = "the loss is " + meanLoss;
        } else if (meanLoss > DIVERGED_LOSS && spec.task() == Task.CLASSIFICATION) {
            problem = String.format(Locale.ROOT, "the loss is %.3g", meanLoss);
        } else {
            for (double v : values) {
                if (!Double.isFinite(v)) {
                    problem = what + " hold " + v;
                    break;
                }
            }
        }
        if (problem != null) {
            throw new ScratchnetException(String.format(Locale.ROOT,
                    "training diverged at step %d (epoch %d, step %d): %s; lower %s (now %s); the last checkpoint "
                            + "and model, if any, are from before this step",
                    at.globalStep() + 1, at.epoch() + 1, at.stepInEpoch() + 1, problem,
                    TrainingSettings.LEARNING_RATE.key(), learningRate));
        }
    }
}
