package dev.scratchnet.training;

import dev.scratchnet.layers.BatchSums;
import dev.scratchnet.math.Matrix;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.partition.BatchNormExchange;
import dev.scratchnet.partition.BlockEvaluation;
import dev.scratchnet.partition.Evaluation;
import dev.scratchnet.partition.ExampleBlock;
import dev.scratchnet.partition.GradientSum;
import dev.scratchnet.partition.Parameters;
import dev.scratchnet.partition.PartitionStep;
import dev.scratchnet.partition.ShareScratch;
import dev.scratchnet.partition.Step;
import dev.scratchnet.partition.StepExchange;
import dev.scratchnet.partition.SumTree;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * A task's side of a run of steps where the data is: the {@link StepLoop} over the task's blocks (one share a
 * partition, in partition order). Each step every share computes its block's gradient sum and hands it to its
 * {@link StepExchange}, which answers with the step's total (the block's own when it is the only one; the
 * {@link SumTree} of every partition's otherwise), and {@link StepUpdate#take} applies it, the step the driver's
 * steps take too, so the result is the same bits. As an epoch ends, each share counts its block.
 */
public final class EpochRunner {
    private EpochRunner() {}

    /**
     * What computes a block's share of a step: {@link PartitionStep#gradientSum} (tests wrap it to make it fail), its
     * rows decoded into {@code scratch}'s array (null: a new one).
     */
    @FunctionalInterface
    public interface Gradient {
        GradientSum compute(ExampleBlock block, int start, Step step, Matrix params, BatchSums sums,
                            ShareScratch scratch);
    }

    /**
     * One block of a task's run and how its sums meet every other block's: the block, the global position of its
     * first example, and its exchange ({@link StepExchange#ALONE} when it is the only block of the run).
     */
    public record Share(ExampleBlock block, int start, StepExchange exchange) {}

    /**
     * The threads that take a step's {@code shares} shares at once, {@code ways} allowed: a thread a share for a network
     * with batch normalization (its shares exchange halfway through a step), else no more than the ways, each taking a
     * contiguous group of shares. What {@link #run}'s {@code threads} must hold.
     */
    public static int threadsAtOnce(dev.scratchnet.network.NetworkSpec spec, int shares, int ways) {
        return BatchNormExchange.needed(spec) ? shares : Math.max(1, Math.min(ways, shares));
    }

    /** A block of the test set and the global position of its first example. */
    public record TestBlock(ExampleBlock block, int start) {}

    /**
     * Runs {@code task} from {@code params} and {@code optimizer} (both modified in place) on {@code shares} (one task's
     * blocks, in partition order), each step's share of every block computed by {@code gradient}. With several shares,
     * the step's shares are computed on {@code ways} threads of {@code threads} at once: as many as the shares, a
     * thread a share; fewer, each thread computes a contiguous group of them one after the other, handing each sum in
     * without waiting ({@link StepExchange#handIn}); a network with batch normalization (whose shares exchange halfway
     * through a step) takes a thread a share. Every share exchanges by itself, so the totals are the same bits however
     * the blocks are spread over tasks and threads. The epochs' training counts are per share, in order.
     *
     * <p>{@code everyPartition}: these shares are every partition of the run (the one task of {@code local[N]}), so the
     * step's total gradient is added here, over the same {@link SumTree}, as the update reads it
     * ({@link GradientSum#ofLeaves}): the shares hand in only their losses and counts, which the driver's endpoint
     * still adds for the step's round (progress, an interrupt, the timeout). {@code tests}: the whole test set (in
     * local mode, where its cached blocks are in this JVM), counted as each epoch ends beside the training blocks, as
     * the driver's evaluation would count it (the same bits, without a job an epoch); empty: the driver evaluates it.
     */
    public static EpochResult run(List<Share> shares, List<TestBlock> tests, EpochTask task, double[] params,
                                  Optimizer optimizer, Gradient gradient, ExecutorService threads, int ways,
                                  boolean everyPartition) {
        return StepLoop.run(task, params, optimizer,
                new OnBlocks(shares, tests, task, gradient, threads, ways, params, everyPartition));
    }

    /** The step loop's sums and counts from a task's blocks. */
    private static final class OnBlocks implements StepLoop.Sums {
        private final List<Share> shares;
        private final List<TestBlock> tests;
        private final EpochTask task;
        private final Gradient gradient;
        private final ExecutorService threads;
        private final int workers;
        private final List<BatchSums> sums = new ArrayList<>();
        /** Each share's array for its rows, kept from step to step. */
        private final List<ShareScratch> scratch = new ArrayList<>();
        /** The parameters as the steps compute with them; each update keeps them equal to the run's as it goes. */
        private final Matrix working;
        /** Whether the step's gradients are added here (every partition is a share of this task), not by the driver. */
        private final boolean addHere;
        /** This step's gradients of the shares when {@link #addHere}, in partition order (null: no example). */
        private Matrix[] leaves;

        OnBlocks(List<Share> shares, List<TestBlock> tests, EpochTask task, Gradient gradient, ExecutorService threads,
                 int ways, double[] params, boolean everyPartition) {
            this.shares = shares;
            this.tests = tests;
            this.task = task;
            this.gradient = gradient;
            this.threads = threads;
            this.working = Parameters.forPrecision(params, task.shares().precision());
            boolean batchNorm = BatchNormExchange.needed(task.shares().spec());
            this.addHere = everyPartition && shares.size() > 1 && !batchNorm;
            this.workers = threadsAtOnce(task.shares().spec(), shares.size(), ways);
            for (Share share : shares) {
                sums.add(batchNorm ? BatchNormExchange.through(share.exchange()) : BatchSums.LOCAL);
                scratch.add(new ShareScratch());
            }
        }

        @Override
        public GradientSum total(GradientEngine.StepPosition at, int[] batch, double[] params) {
            EpochTask.Shares s = task.shares();
            Step step = new Step(s.spec(), s.precision(), s.seed(), at.globalStep(), batch);
            leaves = addHere ? new Matrix[shares.size()] : null;
            GradientSum total = shares.size() == 1 || workers == 1 ? handIn(0, shares.size(), step, working)
                    : inGroups(step, working);
            if (addHere) {
                return GradientSum.ofLeaves(leaves, total.lossSum(), total.count(), total.weightSum());
            }
            return total;
        }

        @Override
        public boolean stopAfterStep() {
            return shares.get(0).exchange().stopAfterStep();
        }

        @Override
        public StepLoop.Counts count(double[] params) {
            EpochTask.Counting c = task.counting();
            List<java.util.concurrent.Callable<Evaluation>> counts = new ArrayList<>();
            if (c.anything()) {
                for (Share share : shares) {
                    counts.add(() -> BlockEvaluation.evaluate(share.block(), share.start(), c.counted(), c.split(),
                            task.shares().spec(), working, c.evalChunk()));
                }
            }
            int training = counts.size();
            for (TestBlock test : tests) {
                counts.add(() -> BlockEvaluation.evaluate(test.block(), test.start(), BlockEvaluation.Counted.TEST,
                        c.split(), task.shares().spec(), working, c.evalChunk()));
            }
            List<Evaluation> all = counted(counts);
            return new StepLoop.Counts(new ArrayList<>(all.subList(0, training)), // serializable: it travels back
                    tests.isEmpty() ? null : SumTree.evaluations(all.subList(training, all.size())));
        }

        /** The blocks' counts, in order: at once on the task's threads (a forward pass each) when it has several. */
        private List<Evaluation> counted(List<java.util.concurrent.Callable<Evaluation>> counts) {
            List<Evaluation> done = new ArrayList<>();
            if (threads == null || workers < 2 || counts.size() < 2) {
                for (java.util.concurrent.Callable<Evaluation> count : counts) {
                    done.add(call(count));
                }
                return done;
            }
            try {
                for (java.util.concurrent.Future<Evaluation> f : threads.invokeAll(counts)) {
                    done.add(f.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while counting the epoch's examples", e);
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
            return done;
        }

        @Override
        public ExecutorService threads() {
            return threads;
        }

        @Override
        public int ways() {
            return workers;
        }

        @Override
        public Matrix working() {
            return working;
        }

        /** Computes shares {@code [from, to)} one after the other, handing each sum in, then waits for the total. */
        private GradientSum handIn(int from, int to, Step step, Matrix params) {
            List<java.util.function.Supplier<GradientSum>> pending = new ArrayList<>();
            for (int i = from; i < to; i++) {
                Share share = shares.get(i);
                GradientSum mine = gradient.compute(share.block(), share.start(), step, params, sums.get(i),
                        scratch.get(i));
                if (addHere) {
                    leaves[i] = leafOf(mine);
                    mine = mine.scalars();
                }
                pending.add(share.exchange().handIn(mine));
            }
            GradientSum total = null;
            for (java.util.function.Supplier<GradientSum> p : pending) {
                total = p.get(); // every share gets the same total
            }
            return total;
        }

        private static Evaluation call(java.util.concurrent.Callable<Evaluation> count) {
            try {
                return count.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /** A share's gradient as a leaf of the step's sum tree: null when it had no example. */
        private static Matrix leafOf(GradientSum mine) {
            Matrix[] own = mine.leaves();
            if (own != null && own.length == 1) {
                return own[0];
            }
            double[] g = mine.grad();
            return g == null ? null : Matrix.of(1, g.length, g);
        }

        /**
         * {@link #total} with {@code workers} threads, each taking a contiguous group of shares (one share each when there
         * are as many threads as shares, as batch normalization needs): this thread takes the first group and the pool
         * the others. (A task thread that handed every group to the pool and waited made a third runnable thread on two
         * cores each step: a tenth of the steps took twice the median.) The first failure stops the others, which would
         * otherwise wait for a total that cannot come: a pool group's failure interrupts this thread, and is the one
         * thrown.
         */
        private GradientSum inGroups(Step step, Matrix params) {
            List<java.util.concurrent.Future<GradientSum>> running = new ArrayList<>();
            java.util.concurrent.atomic.AtomicReference<Throwable> failure =
                    new java.util.concurrent.atomic.AtomicReference<>();
            Thread caller = Thread.currentThread();
            int n = shares.size();
            for (int w = 1; w < workers; w++) {
                int from = (int) ((long) n * w / workers);
                int to = (int) ((long) n * (w + 1) / workers);
                running.add(threads.submit(() -> {
                    try {
                        return handIn(from, to, step, params);
                    } catch (RuntimeException | Error e) {
                        if (failure.compareAndSet(null, e)) {
                            caller.interrupt(); // it may be waiting for this step's total
                        }
                        throw e;
                    }
                }));
            }
            try {
                GradientSum total = handIn(0, (int) ((long) n / workers), step, params);
                for (java.util.concurrent.Future<GradientSum> f : running) {
                    total = f.get(); // every group gets the same total
                }
                return total;
            } catch (InterruptedException e) {
                running.forEach(f -> f.cancel(true));
                if (failure.get() == null) { // interrupted from outside (Spark killing the task): keep it
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted during step " + step.globalStep(), e);
                }
                throw failed(failure, e);
            } catch (java.util.concurrent.ExecutionException e) {
                running.forEach(f -> f.cancel(true));
                throw failed(failure, e.getCause());
            } catch (RuntimeException | Error e) { // this thread's group, or its wait that a pool group's failure ended
                running.forEach(f -> f.cancel(true));
                throw failed(failure, e);
            }
        }

        /**
         * What a failed step throws: a pool group's failure when there was one (this thread's interrupt was only its
         * signal, and is cleared), else {@code mine}.
         */
        private static RuntimeException failed(java.util.concurrent.atomic.AtomicReference<Throwable> failure,
                                               Throwable mine) {
            Throwable cause = failure.get();
            if (cause != null) {
                Thread.interrupted();
            } else {
                cause = mine;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            return cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
        }
    }
}
