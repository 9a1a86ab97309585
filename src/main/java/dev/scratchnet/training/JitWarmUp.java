package dev.scratchnet.training;

import dev.scratchnet.config.Configuration;
import dev.scratchnet.layers.Shape;
import dev.scratchnet.math.Matrix;
import dev.scratchnet.math.Precision;
import dev.scratchnet.network.NetworkSettings;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.network.WeightDecay;
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
    /** Steps of {@link #BATCH} examples: enough for C2 to compile every loop of a step at least once. */
    static final int STEPS = 40;
    static final int BATCH = 64;

    private JitWarmUp() {}

    /** Starts the warm-up for {@code config}'s network on a daemon thread of low priority; returns the thread. */
    public static Thread inBackground(Configuration config) {
        Thread t = new Thread(() -> {
            try {
                run(config, STEPS);
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

    /** Takes {@code steps} steps of {@code config}'s network on made-up MNIST-shaped examples; returns the last loss sum. */
    static double run(Configuration config, int steps) {
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
        ExampleBlock block = ExampleBlock.ofBytes(0, count, features, pixels, ExampleBlock.PIXELS, labels, null);
        Optimizer optimizer = kind.create(1e-3, 0.9, n);
        StepUpdate update = new StepUpdate(spec, WeightDecay.NONE, "warm-up");
        Matrix working = Parameters.forPrecision(params, precision);
        double loss = Double.NaN;
        for (int s = 0; s < steps; s++) {
            int[] batch = new int[BATCH];
            for (int i = 0; i < BATCH; i++) {
                batch[i] = random.nextInt(count);
            }
            GradientSum sum = PartitionStep.gradientSum(block, 0, new Step(spec, precision, 1, s, batch), working);
            update.apply(sum, params, optimizer, 1, new GradientEngine.StepPosition(0, s, s), null, 1, working);
            loss = sum.lossSum();
        }
        return loss;
    }
}
