package dev.scratchnet.training;

import dev.scratchnet.config.Configuration;
import dev.scratchnet.layers.BatchSums;
import dev.scratchnet.layers.Shape;
import dev.scratchnet.math.Lanes;
import dev.scratchnet.math.Matrix;
import dev.scratchnet.math.Precision;
import dev.scratchnet.network.NetworkSettings;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.partition.BlockEvaluation;
import dev.scratchnet.partition.ExampleBlock;
import dev.scratchnet.partition.GradientSum;
import dev.scratchnet.partition.Parameters;
import dev.scratchnet.partition.PartitionStep;
import dev.scratchnet.partition.ShareScratch;
import dev.scratchnet.partition.Step;
import dev.scratchnet.partition.ValidationSplit;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Steps of the configured network on made-up examples, on a daemon thread while Spark starts and the data loads, so
 * that the JIT has compiled a step's code (the layers, the gradient sum, the update) before the first epoch runs it.
 * A cold run on two cores otherwise spent its first epoch's first half-second in the interpreter and in C2 compiling
 * beside the tasks; Spark's start is mostly one thread, so the second core does this for nothing.
 *
 * <p>The steps touch nothing of the run: their own parameters, optimizer and examples (MNIST's shape, 28 × 28 bytes
 * and 10 classes, whatever the data: the methods compiled are the same). Compiled code gives the bits the interpreter
 * gives, so a run's result does not depend on whether this ran. It is skipped for a network the configuration cannot
 * build on that shape, and for L-BFGS (one full-batch iteration an epoch: nothing to gain).
 */
public final class JitWarmUp {
    /**
     * Steps of {@link #BATCH} examples in two shares: each of a step's methods is then called 2,000 times. HotSpot's
     * tiered policy lets C2 compile a method after 600 calls in C1's profiling code ({@code Tier4MinInvocationThreshold}),
     * and while C2's queue is long (Spark's start, the Vector API's passes) it keeps new methods in the interpreter or
     * in C1 code that does not count: with 300 steps the layers (the loss layer's softmax, the rows' widening) reached
     * C2 only in the first epoch, 100-170 ms of C2 beside the steps. A few tenths of a second of one core once compiled.
     */
    static final int STEPS = 1000;
    /**
     * Examples a step, four a share: the methods called and how often do not depend on it, nor the loops over a layer's
     * units; the products' arithmetic does, and with 32 examples it was most of the warm-up's 1.7 s of a core beside
     * Spark's start, which on two vCPUs is the whole command's time. With 8, two runs side by side (6 and 8 of each) on a
     * 2-core AMD EPYC VM: the whole command 0.958× and 0.963×, test 0.97 in 1.006× the training time both times
     * (narrowing the hidden layers to 64 instead: the command 0.96×, but test 0.97 in up to 1.07× the time; the layers'
     * loops over units count).
     */
    static final int BATCH = 8;
    /**
     * A step's update takes every parameter (203,530 for the demo's network), its gradient sum only the step's 8
     * examples; in the interpreter, before C2 has compiled the update, an update took tens of milliseconds. One step in
     * four updates: the update's loops still run long enough for C2 to compile them.
     */
    static final int UPDATE_EVERY = 4;
    /**
     * And one in fifty evaluates both shares, as an epoch's end does, so that the evaluation's code (its forward passes
     * without a gradient, the argmax) is compiled too. The layers' wiring ({@code Network.layers}), which the run's
     * evaluations deoptimized even so, C2 leaves to C1 ({@code ArithmeticJit}).
     */
    static final int EVALUATE_EVERY = 50;
    /** Ends the warm-up sooner for a heavier network (a convolutional one): it is meant to end before the first epoch. */
    static final long BUDGET_NANOS = 3_000_000_000L;
    /** Training runs begun in this JVM: a warm-up ends at its next step once one has begun since the warm-up did. */
    private static final AtomicInteger TRAINING_RUNS = new AtomicInteger();

    private JitWarmUp() {}

    /**
     * Starts the warm-up for {@code config}'s network on a daemon thread of low priority, its steps' sums added as a run
     * of {@code partitions} partitions in this JVM adds them ({@code stepEngine}: the job-a-step engine's way); returns
     * the thread.
     */
    public static Thread inBackground(Configuration config, int partitions, boolean stepEngine) {
        BooleanSupplier training = trainingBegunSince();
        Thread t = new Thread(() -> {
            try {
                run(config, partitions, stepEngine, STEPS, BUDGET_NANOS, training);
            } catch (RuntimeException | LinkageError e) {
                // the run itself builds the network and reports what is wrong with it
            } catch (OutOfMemoryError e) {
                // a network too big for the driver: the run says so in one line; this thread's arrays are garbage now
            }
        }, "scratchnet-jit-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
        return t;
    }

    /** Called as a run's training begins: the warm-ups started before it end, so that they take no core from its steps. */
    static void trainingBegins() {
        TRAINING_RUNS.incrementAndGet();
    }

    /** Whether a run's training has begun in this JVM since this was called. */
    static BooleanSupplier trainingBegunSince() {
        int runs = TRAINING_RUNS.get();
        return () -> TRAINING_RUNS.get() != runs;
    }

    /**
     * Whether a network of {@code parameters} is too big to warm up beside the run in a heap of {@code maxHeap} bytes:
     * the warm-up's arrays (about ten copies of the parameters, in double) would take more than a sixteenth of the heap,
     * and the run's own check of the driver's memory would see them. The demo's 203,530 parameters need a heap of 260 MB.
     */
    static boolean tooBigFor(long parameters, long maxHeap) {
        return parameters * 10 * Double.BYTES > maxHeap / 16;
    }

    /**
     * The step's total as a run of {@code partitions} partitions in one JVM hands it to the update: one partition's
     * sum, or every partition's gradient as a leaf of its own ({@code local[N]} with the epoch engine); here the two
     * shares' gradients by turns. The job-a-step engine's treeAggregate adds partitions' sums ({@link GradientSum#add}).
     */
    static GradientSum total(GradientSum a, GradientSum b, int partitions, boolean stepEngine) {
        if (stepEngine) {
            return a.add(b);
        }
        if (partitions <= 1) {
            return a;
        }
        Matrix[] leaves = new Matrix[partitions];
        for (int i = 0; i < partitions; i++) {
            leaves[i] = (i % 2 == 0 ? a : b).leaves()[0];
        }
        return GradientSum.ofLeaves(leaves, a.lossSum() + b.lossSum(), a.count() + b.count(), a.weightSum() + b.weightSum());
    }

    /** Takes {@code steps} steps of {@code config}'s network on made-up MNIST-shaped examples; returns the last loss sum. */
    static double run(Configuration config, int partitions, boolean stepEngine, int steps) {
        return run(config, partitions, stepEngine, steps, Long.MAX_VALUE, () -> false);
    }

    /**
     * The same, ending after {@code budgetNanos} too, or when {@code training} says a run's training has begun. Each
     * step's examples are two shares', whose sums reach the update as {@link #total} adds them for the run, with the
     * run's weight decay: the paths a run takes are the ones compiled, and no other (C2 compiling the update's pass
     * for another count of partitions took 100-300 ms of its time during Spark's start).
     */
    static double run(Configuration config, int partitions, boolean stepEngine, int steps, long budgetNanos,
                      BooleanSupplier training) {
        long start = System.nanoTime();
        Lanes.vectorReady(); // starts the update's Vector API passes warming up on a thread of their own
        Optimizer.Kind kind = config.get(TrainingSettings.OPTIMIZER);
        if (kind == Optimizer.Kind.LBFGS) {
            return Double.NaN;
        }
        NetworkSpec spec = NetworkSettings.spec(config, new Shape(1, 28, 28), 10);
        Precision precision = config.get(TrainingSettings.PRECISION);
        int n = spec.parameterCount();
        if (tooBigFor(n, Runtime.getRuntime().maxMemory())) {
            return Double.NaN;
        }
        SplittableRandom random = new SplittableRandom(1);
        double[] params = new double[n];
        for (int i = 0; i < n; i++) {
            params[i] = random.nextGaussian() * 0.01;
        }
        int count = 2 * BATCH;
        int features = spec.inputSize();
        byte[] pixels = new byte[count * features];
        double[] labels = new double[count];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt(256) : 0);
        }
        for (int i = 0; i < count; i++) {
            labels[i] = random.nextInt(10);
        }
        int half = count / 2;
        ExampleBlock first = ExampleBlock.ofBytes(0, half, features, java.util.Arrays.copyOf(pixels, half * features),
                ExampleBlock.PIXELS, java.util.Arrays.copyOf(labels, half), null);
        ExampleBlock second = ExampleBlock.ofBytes(1, count - half, features,
                java.util.Arrays.copyOfRange(pixels, half * features, count * features), ExampleBlock.PIXELS,
                java.util.Arrays.copyOfRange(labels, half, count), null);
        Optimizer optimizer = kind.create(1e-3, 0.9, n);
        StepUpdate update = new StepUpdate(spec, TrainingSettings.weightDecay(config), "warm-up");
        Matrix working = Parameters.forPrecision(params, precision);
        ValidationSplit split = TrainingSettings.validationSplit(config, 60_000);
        double[] gradient = new double[n]; // every update's mean gradient, in turn, as the run's step loop keeps one
        ShareScratch firstScratch = new ShareScratch(); // each share's rows array, kept from step to step as a run's is
        ShareScratch secondScratch = new ShareScratch();
        double loss = Double.NaN;
        for (int s = 0; s < steps && System.nanoTime() - start < budgetNanos && !training.getAsBoolean(); s++) {
            int[] batch = new int[BATCH];
            for (int i = 0; i < BATCH; i++) { // half from each share's examples
                batch[i] = i % 2 == 0 ? random.nextInt(half) : half + random.nextInt(count - half);
            }
            Step step = new Step(spec, precision, 1, s, batch);
            // The entry a run's shares call (EpochRunner), so that C2 compiles it here, not in the first epoch
            GradientSum a = PartitionStep.gradientSum(first, 0, step, working, BatchSums.LOCAL, firstScratch);
            GradientSum b = PartitionStep.gradientSum(second, half, step, working, BatchSums.LOCAL, secondScratch);
            if (s % EVALUATE_EVERY == EVALUATE_EVERY - 1) {
                BlockEvaluation.evaluate(first, 0, BlockEvaluation.Counted.TEST, split, spec, working, BATCH);
                BlockEvaluation.evaluate(second, half, BlockEvaluation.Counted.VALIDATION_AND_TRAINING, split, spec,
                        working, BATCH);
            }
            if (s % UPDATE_EVERY != 0) {
                continue;
            }
            GradientSum sum = total(a, b, partitions, stepEngine);
            update.apply(sum, params, optimizer, 1, new GradientEngine.StepPosition(0, s, s), null, 1, working, gradient);
            loss = sum.lossSum();
        }
        return loss;
    }
}
