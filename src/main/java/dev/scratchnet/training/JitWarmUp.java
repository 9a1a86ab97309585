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
import dev.scratchnet.partition.ExampleBlock;
import dev.scratchnet.partition.GradientSum;
import dev.scratchnet.partition.Parameters;
import dev.scratchnet.partition.PartitionStep;
import dev.scratchnet.partition.Step;
import java.util.SplittableRandom;

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
     * Steps of {@link #BATCH} examples in two shares: each of a step's methods is then called 600 times, which is when
     * HotSpot's tiered policy first lets C2 compile a method (its {@code Tier4MinInvocationThreshold}); with fewer, the
     * step's layers ran in C1's profiling code for the first epochs of the run (a loop compiled on its own is not the
     * method). About half a second for the demo's network on one core.
     */
    static final int STEPS = 300;
    static final int BATCH = 32;
    /** Ends the warm-up sooner for a heavier network (a convolutional one): it is meant to end before the first epoch. */
    static final long BUDGET_NANOS = 1_500_000_000L;

    private JitWarmUp() {}

    /** Starts the warm-up for {@code config}'s network on a daemon thread of low priority; returns the thread. */
    public static Thread inBackground(Configuration config) {
        Thread t = new Thread(() -> {
            try {
                run(config, STEPS, BUDGET_NANOS);
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

    /**
     * Whether a network of {@code parameters} is too big to warm up beside the run in a heap of {@code maxHeap} bytes:
     * the warm-up's arrays (about ten copies of the parameters, in double) would take more than a sixteenth of the heap,
     * and the run's own check of the driver's memory would see them. The demo's 203,530 parameters need a heap of 260 MB.
     */
    static boolean tooBigFor(long parameters, long maxHeap) {
        return parameters * 10 * Double.BYTES > maxHeap / 16;
    }

    private static GradientSum leaves(GradientSum a, GradientSum b, Matrix[] leaves) {
        return GradientSum.ofLeaves(leaves, a.lossSum() + b.lossSum(), a.count() + b.count(), a.weightSum() + b.weightSum());
    }

    /** Takes {@code steps} steps of {@code config}'s network on made-up MNIST-shaped examples; returns the last loss sum. */
    static double run(Configuration config, int steps) {
        return run(config, steps, Long.MAX_VALUE);
    }

    /**
     * The same, ending after {@code budgetNanos} too. Each step's examples are two shares', whose sums are taken in
     * turn as one partition's total, as {@code local[N]} adds them ({@link GradientSum#ofLeaves}) and as the driver's
     * endpoint does, with the run's weight decay: the paths a run takes are the ones compiled.
     */
    static double run(Configuration config, int steps, long budgetNanos) {
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
        double loss = Double.NaN;
        for (int s = 0; s < steps && System.nanoTime() - start < budgetNanos; s++) {
            int[] batch = new int[BATCH];
            for (int i = 0; i < BATCH; i++) { // half from each share's examples
                batch[i] = i % 2 == 0 ? random.nextInt(half) : half + random.nextInt(count - half);
            }
            Step step = new Step(spec, precision, 1, s, batch);
            // The entry a run's shares call (EpochRunner), so that C2 compiles it here, not in the first epoch
            GradientSum a = PartitionStep.gradientSum(first, 0, step, working, BatchSums.LOCAL);
            GradientSum b = PartitionStep.gradientSum(second, half, step, working, BatchSums.LOCAL);
            GradientSum sum = switch (s % 4) {
                case 0 -> a; // one partition's sum is the step's total
                case 1 -> leaves(a, b, new Matrix[] {a.leaves()[0], b.leaves()[0]}); // local[N] adds as the update reads
                case 2 -> leaves(a, b, new Matrix[] {a.leaves()[0], b.leaves()[0], null}); // more partitions than two
                default -> a.add(b); // as the driver's endpoint adds partitions' sums
            };
            update.apply(sum, params, optimizer, 1, new GradientEngine.StepPosition(0, s, s), null, 1, working, null);
            loss = sum.lossSum();
        }
        return loss;
    }
}
