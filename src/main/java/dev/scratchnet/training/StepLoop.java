package dev.scratchnet.training;

import dev.scratchnet.math.Matrix;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.network.Task;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.partition.Evaluation;
import dev.scratchnet.partition.GradientSum;
import dev.scratchnet.partition.SumTree;
import dev.scratchnet.report.EpochMetrics;
import java.util.ArrayList;
import java.util.List;

/**
 * The loop over steps, the one every run takes: in a Spark task where the data is ({@link EpochRunner}: the step's
 * total from the task's blocks and the other tasks'), and on the driver for a job a step and the in-process oracle
 * ({@link Trainer}: the total from {@link GradientEngine#gradientSum}, one step at a time). Each step is
 * {@link StepUpdate#take} (the minibatch, its total, the update) and adds to its epoch's loss. The loop ends at the
 * span's end (the next checkpoint, the step limit), after a step the driver asked to be the last (an interrupt), or
 * at an epoch's end, which it counts (the training blocks where they are, and the test set in local mode); a run of
 * several epochs (one partition, nothing to write between epochs) keeps the best epoch and asks the stop rule as the
 * driver would, and goes on while its time budget lasts.
 */
public final class StepLoop {
    private StepLoop() {}

    /**
     * An epoch's counts where its steps ran: each training block's, in partition order (none: the driver evaluates
     * after), and the test set's, its blocks' added in partition order (null: the driver evaluates it after).
     */
    public record Counts(List<Evaluation> training, Evaluation test) {
        public static final Counts NONE = new Counts(List.of(), null);
    }

    /** Where the loop's steps get their totals and its epochs their counts. */
    @FunctionalInterface
    public interface Sums {
        /** Step {@code at}'s total over every partition of the examples at the global positions {@code batch}. */
        GradientSum total(GradientEngine.StepPosition at, int[] batch, double[] params);

        /** Whether the run was asked to end after the step just taken (an interrupt). */
        default boolean stopAfterStep() {
            return false;
        }

        /** The counts as an epoch ends where its steps ran ({@link Counts#NONE}: the driver evaluates after). */
        default Counts count(double[] params) {
            return Counts.NONE;
        }

        /** Threads the update may cut its passes over (null: none), and into how many ranges. */
        default java.util.concurrent.ExecutorService threads() {
            return null;
        }

        default int ways() {
            return 1;
        }

        /**
         * The parameters as the steps compute with them ({@link dev.scratchnet.partition.Parameters#forPrecision}),
         * which the update keeps equal to the loop's as it writes them; null for none.
         */
        default Matrix working() {
            return null;
        }
    }

    /** Runs {@code task}'s steps from {@code params} and {@code optimizer}, both modified in place. */
    public static EpochResult run(EpochTask task, double[] params, Optimizer optimizer, Sums sums) {
        EpochTask.Steps steps = task.steps();
        EpochTask.Span span = task.span();
        StopRule stopRule = task.goOn().stopRule();
        int stepsPerEpoch = steps.schedule().stepsPerEpoch();
        long t0 = System.nanoTime();
        int epoch = span.from().next().epoch();
        int s = span.from().next().stepInEpoch();
        long g = span.from().next().globalStep();
        double loss = span.from().lossSum();
        double weight = span.from().weightSum();
        List<EpochMetrics> history = new ArrayList<>(task.goOn().history());
        List<EpochResult.Epoch> epochs = new ArrayList<>();
        int bestEpoch = 0;
        double[] bestParams = null;
        double[] gradient = new double[params.length]; // every step's mean gradient, in turn
        while (true) {
            for (; s < stepsPerEpoch && g < span.stopAt(); s++, g++) {
                GradientEngine.StepPosition at = new GradientEngine.StepPosition(epoch, s, g);
                GradientSum total = steps.update().take(steps.schedule(), at, batch -> sums.total(at, batch, params),
                        params, optimizer, steps.rateFactor(g), sums.threads(), sums.ways(), sums.working(), gradient);
                loss += total.lossSum();
                weight += total.weightSum();
                if (sums.stopAfterStep() && s + 1 < stepsPerEpoch) {
                    // The driver was asked to stop (an interrupt): end here, as at a checkpoint boundary. A stop that
                    // comes with an epoch's last step lets the epoch end as usual; the driver stops before the next.
                    return new EpochResult(params, optimizer, soFar(epoch, s + 1, g + 1, loss, weight), epochs,
                            bestEpoch, bestParams);
                }
            }
            boolean epochDone = s == stepsPerEpoch;
            if (!epochDone && g < span.runEnd()) { // a checkpoint boundary inside the epoch (or the next step's)
                return new EpochResult(params, optimizer, soFar(epoch, s, g, loss, weight), epochs, bestEpoch,
                        bestParams);
            }
            // The epoch ended, or the run ends inside it (a partial last epoch): count and record it.
            long countStart = System.nanoTime();
            Counts counts = sums.count(params);
            List<Evaluation> training = counts.training();
            long end = System.nanoTime();
            epochs.add(new EpochResult.Epoch(loss, weight, training, end - t0, end - countStart, counts.test()));
            boolean stop = false;
            if (task.multiEpoch()) {
                history.add(metrics(epoch + 1, g, 0, loss, weight, SumTree.evaluations(training), task.shares().spec()));
                if (stopRule.isBest(history)) {
                    bestEpoch = epoch + 1;
                    bestParams = params.clone();
                }
                stop = stopRule.decide(history) != null;
            }
            int next = epochDone ? epoch + 1 : epoch;
            if (!epochDone || stop || next > task.goOn().lastEpoch() || g >= span.stopAt()
                    || System.nanoTime() - t0 > task.goOn().budgetNanos()) {
                return new EpochResult(params, optimizer, soFar(next, epochDone ? 0 : s, g, 0, 0), epochs, bestEpoch,
                        bestParams);
            }
            epoch = next;
            s = 0;
            loss = 0;
            weight = 0;
        }
    }

    private static EpochSoFar soFar(int epoch, int stepInEpoch, long globalStep, double loss, double weight) {
        return new EpochSoFar(new GradientEngine.StepPosition(epoch, stepInEpoch, globalStep), loss, weight);
    }

    /**
     * The metrics of an epoch from its loss sums and counts: what the driver records, and (with the test figures NaN)
     * what a run of several epochs shows its stop rule. A regression's losses are in its target's units (the network
     * learns them standardized: times {@code scale²}).
     */
    static EpochMetrics metrics(int epoch, long step, double seconds, double lossSum, double weight, Evaluation e,
                                NetworkSpec spec) {
        double meanLoss = lossSum / Math.max(Double.MIN_VALUE, weight);
        if (spec.task() == Task.REGRESSION) {
            double s2 = spec.target().scale() * spec.target().scale();
            return new EpochMetrics(epoch, step, seconds, meanLoss * s2, Double.NaN, Double.NaN, Double.NaN,
                    e.validation().meanLoss() * s2, e.test().meanLoss() * s2);
        }
        return new EpochMetrics(epoch, step, seconds, meanLoss, e.train().accuracy(), e.validation().accuracy(),
                e.test().accuracy(), e.validation().meanLoss(), e.test().meanLoss());
    }
}
