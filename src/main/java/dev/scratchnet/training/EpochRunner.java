package dev.scratchnet.training;

import dev.scratchnet.layers.BatchSums;
import dev.scratchnet.math.Matrix;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.network.Task;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.partition.BatchNormExchange;
import dev.scratchnet.partition.BlockEvaluation;
import dev.scratchnet.partition.Evaluation;
import dev.scratchnet.partition.ExampleBlock;
import dev.scratchnet.partition.GradientSum;
import dev.scratchnet.partition.Parameters;
import dev.scratchnet.partition.PartitionStep;
import dev.scratchnet.partition.Step;
import dev.scratchnet.partition.StepExchange;
import dev.scratchnet.partition.SumTree;
import dev.scratchnet.report.EpochMetrics;
import java.util.ArrayList;
import java.util.List;

/**
 * The steps of an {@link EpochTask} on one block, where it is cached: each step computes this block's gradient sum,
 * {@code exchange} turns it into the step's total (the block's own when it is the only one; the {@link SumTree} of
 * every partition's otherwise, {@link StepExchange}), and {@link StepUpdate} applies it: {@link StepUpdate#take}, the
 * step the driver's step-by-step run takes too, so the result is the same bits. At the end of each epoch it counts the training
 * blocks; a run of several epochs (one partition) also keeps the best epoch and asks the stop rule, as the driver
 * would.
 */
public final class EpochRunner {
    private EpochRunner() {}

    /** What computes a block's share of a step: {@link PartitionStep#gradientSum} (tests wrap it to make it fail). */
    @FunctionalInterface
    public interface Gradient {
        GradientSum compute(ExampleBlock block, int start, Step step, Matrix params, BatchSums sums);
    }

    /**
     * One block of a task's run and how its sums meet every other block's: the block, the global position of its
     * first example, and its exchange ({@link StepExchange#ALONE} when it is the only block of the run).
     */
    public record Share(ExampleBlock block, int start, StepExchange exchange) {}

    /**
     * Runs {@code task} from {@code params} (modified in place) and {@code optimizer} on {@code block}, whose first
     * example is at global position {@code start}.
     */
    public static EpochResult run(ExampleBlock block, int start, EpochTask task, double[] params, Optimizer optimizer,
                                  StepExchange exchange) {
        return run(List.of(new Share(block, start, exchange)), task, params, optimizer, PartitionStep::gradientSum, null);
    }

    /**
     * Runs {@code task} on {@code shares} (one task's blocks, in partition order), each step's share of every block
     * computed by {@code gradient}: with several shares, each on a thread of {@code threads} at once (every share
     * exchanges by itself, so the totals are the same bits however the blocks are spread over tasks and threads),
     * then one update. The epochs' training counts are per share, in order.
     */
    public static EpochResult run(List<Share> shares, EpochTask task, double[] params, Optimizer optimizer,
                                  Gradient gradient, java.util.concurrent.ExecutorService threads) {
        return run(shares, task, params, optimizer, gradient, threads, shares.size());
    }

    /**
     * As above on {@code ways} threads of {@code threads}: fewer than the shares, each thread computes a contiguous
     * group of them one after the other, handing each sum in without waiting ({@link StepExchange#handIn}); a network
     * with batch normalization (whose shares exchange halfway through a step) takes a thread a share.
     */
    public static EpochResult run(List<Share> shares, EpochTask task, double[] params, Optimizer optimizer,
                                  Gradient gradient, java.util.concurrent.ExecutorService threads, int ways) {
        boolean batchNorm = BatchNormExchange.needed(task.spec());
        int workers = batchNorm ? shares.size() : Math.max(1, Math.min(ways, shares.size()));
        List<BatchSums> sums = new ArrayList<>();
        for (Share share : shares) {
            sums.add(batchNorm ? BatchNormExchange.through(share.exchange()) : BatchSums.LOCAL);
        }
        StepExchange exchange = shares.get(0).exchange();
        long t0 = System.nanoTime();
        int stepsPerEpoch = task.schedule().stepsPerEpoch();
        int epoch = task.start().epoch();
        int s = task.start().stepInEpoch();
        long g = task.start().globalStep();
        double loss = task.startLoss();
        double weight = task.startWeight();
        List<EpochMetrics> history = new ArrayList<>(task.history());
        List<EpochResult.Epoch> epochs = new ArrayList<>();
        int bestEpoch = 0;
        double[] bestParams = null;
        // The parameters as the steps compute with them; each update keeps them equal to params as it goes.
        Matrix working = Parameters.forPrecision(params, task.precision());
        while (true) {
            for (; s < stepsPerEpoch && g < task.stopAt(); s++, g++) {
                GradientEngine.StepPosition at = new GradientEngine.StepPosition(epoch, s, g);
                GradientSum total = task.update().take(task.schedule(), at, batch -> total(shares, sums,
                        new Step(task.spec(), task.precision(), task.seed(), at.globalStep(), batch),
                        working, gradient, threads, workers), params, optimizer,
                        task.rates().factor(g, stepsPerEpoch, task.warmupSteps()), threads, workers, working);
                loss += total.lossSum();
                weight += total.weightSum();
                if (exchange.stopAfterStep() && s + 1 < stepsPerEpoch) {
                    // The driver was asked to stop (an interrupt): end here, as at a checkpoint boundary. A stop that
                    // comes with an epoch's last step lets the epoch end as usual; the driver stops before the next.
                    s++;
                    g++;
                    return new EpochResult(params, optimizer, new GradientEngine.StepPosition(epoch, s, g), epochs,
                            loss, weight, bestEpoch, bestParams);
                }
            }
            boolean epochDone = s == stepsPerEpoch;
            if (!epochDone && g < task.runEnd()) {
                return new EpochResult(params, optimizer, new GradientEngine.StepPosition(epoch, s, g), epochs, loss,
                        weight, bestEpoch, bestParams); // a checkpoint boundary inside the epoch
            }
            // The epoch ended, or the run ends inside it (a partial last epoch): count and record it.
            List<Evaluation> training = new ArrayList<>();
            if (task.split().fraction() > 0 || task.counted() == BlockEvaluation.Counted.VALIDATION_AND_TRAINING) {
                for (Share share : shares) {
                    training.add(BlockEvaluation.evaluate(share.block(), share.start(), task.counted(), task.split(),
                            task.spec(), working, task.evalChunk()));
                }
            }
            epochs.add(new EpochResult.Epoch(loss, weight, training, System.nanoTime() - t0));
            boolean stop = false;
            if (task.multiEpoch()) {
                history.add(metrics(epoch + 1, g, 0, loss, weight, SumTree.evaluations(training), task.spec()));
                if (task.stopRule().isBest(history)) {
                    bestEpoch = epoch + 1;
                    bestParams = params.clone();
                }
                stop = task.stopRule().decide(history) != null;
            }
            int next = epochDone ? epoch + 1 : epoch;
            if (!epochDone || stop || next > task.lastEpoch() || g >= task.stopAt()
                    || System.nanoTime() - t0 > task.budgetNanos()) {
                return new EpochResult(params, optimizer,
                        new GradientEngine.StepPosition(next, epochDone ? 0 : s, g), epochs, 0, 0, bestEpoch, bestParams);
            }
            epoch = next;
            s = 0;
            loss = 0;
            weight = 0;
        }
    }

    /** The step's total: every share's sum handed in (at once, on {@code threads}, when there are several). */
    private static GradientSum total(List<Share> shares, List<BatchSums> sums, Step step, Matrix params,
                                     Gradient gradient, java.util.concurrent.ExecutorService threads, int workers) {
        if (shares.size() == 1 || workers == 1) {
            return handIn(shares, sums, 0, shares.size(), step, params, gradient);
        }
        return inGroups(shares, sums, step, params, gradient, threads, workers);
    }

    /** Computes shares {@code [from, to)} one after the other, handing each sum in, then waits for the total. */
    private static GradientSum handIn(List<Share> shares, List<BatchSums> sums, int from, int to, Step step,
                                      Matrix params, Gradient gradient) {
        List<java.util.function.Supplier<GradientSum>> pending = new ArrayList<>();
        for (int i = from; i < to; i++) {
            Share share = shares.get(i);
            pending.add(share.exchange().handIn(gradient.compute(share.block(), share.start(), step, params,
                    sums.get(i))));
        }
        GradientSum total = null;
        for (java.util.function.Supplier<GradientSum> p : pending) {
            total = p.get(); // every share gets the same total
        }
        return total;
    }

    /**
     * {@link #total} with {@code workers} threads, each taking a contiguous group of shares (one share each when there
     * are as many threads as shares, as batch normalization needs); the first failure stops the others, which would
     * otherwise wait for a total that cannot come.
     */
    private static GradientSum inGroups(List<Share> shares, List<BatchSums> sums, Step step, Matrix params,
                                        Gradient gradient, java.util.concurrent.ExecutorService threads, int workers) {
        java.util.concurrent.ExecutorCompletionService<GradientSum> done =
                new java.util.concurrent.ExecutorCompletionService<>(threads);
        List<java.util.concurrent.Future<GradientSum>> running = new ArrayList<>();
        int n = shares.size();
        for (int w = 0; w < workers; w++) {
            int from = (int) ((long) n * w / workers);
            int to = (int) ((long) n * (w + 1) / workers);
            running.add(done.submit(() -> handIn(shares, sums, from, to, step, params, gradient)));
        }
        try {
            GradientSum total = null;
            for (int i = 0; i < workers; i++) {
                total = done.take().get();
            }
            return total;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.forEach(f -> f.cancel(true));
            throw new IllegalStateException("interrupted during step " + step.globalStep(), e);
        } catch (java.util.concurrent.ExecutionException e) {
            running.forEach(f -> f.cancel(true));
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
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
