package dev.scratchnet.bench;

import dev.scratchnet.config.Configuration;
import dev.scratchnet.data.Mnist;
import dev.scratchnet.math.Blas;
import dev.scratchnet.math.Matrix;
import dev.scratchnet.math.Precision;
import dev.scratchnet.network.NetworkSettings;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.network.ParameterBlock;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.partition.ExampleBlock;
import dev.scratchnet.partition.GradientSum;
import dev.scratchnet.partition.Parameters;
import dev.scratchnet.partition.PartitionStep;
import dev.scratchnet.partition.Step;
import dev.scratchnet.training.GradientEngine;
import dev.scratchnet.training.MinibatchSchedule;
import dev.scratchnet.training.StepUpdate;
import dev.scratchnet.training.TrainingSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The arithmetic of a training step in this JVM, one thread, on the benchmark's network and batch: the whole step as
 * a partition and the driver do it (decode the minibatch, forward, backward, the update), against exactly its GEMMs
 * alone on preallocated arrays, so that what runs outside the GEMMs shows; and whether a second core adds compute
 * (two threads each looping over the step's GEMMs at once, against one alone).
 */
final class Arithmetic {
    private Arithmetic() {}

    /** Milliseconds per step (median of {@code rounds} of {@code steps}), whole and GEMMs only. */
    static Map<String, Object> measure(Mnist.Split data, NetworkSpec spec, Configuration config, int steps, int rounds) {
        Precision precision = config.get(TrainingSettings.PRECISION);
        ExampleBlock block = ExampleBlock.whole(data.train());
        int batch = Math.min(data.train().size(), config.get(TrainingSettings.BATCH_SIZE) == 0 ? 200
                : config.get(TrainingSettings.BATCH_SIZE));
        MinibatchSchedule schedule = new MinibatchSchedule(data.train().size(), batch, 1);
        double[] params = config.get(NetworkSettings.WEIGHT_INIT).initialize(spec, 1);
        Optimizer optimizer = TrainingSettings.newOptimizer(config, params.length);
        StepUpdate update = new StepUpdate(spec, TrainingSettings.weightDecay(config),
                config.text(TrainingSettings.LEARNING_RATE));
        List<Double> whole = new ArrayList<>();
        List<Double> gradient = new ArrayList<>();
        List<Double> gemms = new ArrayList<>();
        int[] at = {0};
        for (int r = -2; r < rounds; r++) {   // two rounds warm the JIT up, not recorded
            long t = System.nanoTime();
            long inGradient = 0;
            for (int i = 0; i < steps; i++) {
                int s = at[0]++ % schedule.stepsPerEpoch();
                long g = System.nanoTime();
                Matrix p = Parameters.forPrecision(params, precision);
                GradientSum sum = PartitionStep.gradientSum(block, 0, new Step(spec, precision, 1, s,
                        schedule.batch(0, s)), p);
                inGradient += System.nanoTime() - g;
                update.apply(sum, params, optimizer, 1.0, new GradientEngine.StepPosition(0, s, s), null, 1, null, null);
            }
            long t1 = System.nanoTime();
            double gemmFlopsRate = Benchmark.stepGemms(spec, batch, precision == Precision.SINGLE, steps);
            if (r >= 0) {
                whole.add((t1 - t) / 1e6 / steps);
                gradient.add(inGradient / 1e6 / steps);
                gemms.add(stepGemmFlops(spec, batch) / gemmFlopsRate / 1e6);
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("batch", batch);
        m.put("precision", precision.id());
        m.put("step_ms", Benchmark.median(whole));
        m.put("gradient_ms", Benchmark.median(gradient));
        m.put("gemms_ms", Benchmark.median(gemms));
        m.put("step_ms_runs", whole);
        m.put("gemms_ms_runs", gemms);
        return m;
    }

    /** The FLOPs of {@link Benchmark#stepGemms}'s one repetition. */
    static double stepGemmFlops(NetworkSpec spec, int batch) {
        List<ParameterBlock> weights = spec.parameterBlocks().stream().filter(b -> !b.isBias()).toList();
        double flops = 0;
        for (int l = 1; l <= weights.size(); l++) {
            flops += 2.0 * batch * weights.get(l - 1).size() * (l == 1 ? 2 : 3);
        }
        return flops;
    }

    /**
     * GFLOP/s of one thread looping over the step's single-precision GEMMs alone, and of each of two such threads
     * running at once (median of {@code rounds}): whether the machine's second core adds compute.
     */
    static Map<String, Object> secondCore(NetworkSpec spec, int batch, int reps, int rounds) throws InterruptedException {
        List<Double> alone = new ArrayList<>();
        List<Double> together = new ArrayList<>();
        for (int r = -1; r < rounds; r++) {
            double one = Benchmark.stepGemms(spec, batch, true, reps);
            double[] two = new double[2];
            CountDownLatch go = new CountDownLatch(1);
            Thread[] threads = new Thread[2];
            for (int k = 0; k < 2; k++) {
                int id = k;
                threads[k] = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    two[id] = Benchmark.stepGemms(spec, batch, true, reps);
                });
                threads[k].start();
            }
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            if (r >= 0) {
                alone.add(one);
                together.add(two[0] + two[1]);
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("one_thread_gflops", Benchmark.median(alone));
        m.put("two_threads_total_gflops", Benchmark.median(together));
        m.put("second_core_gain", Benchmark.median(together) / Benchmark.median(alone));
        m.put("blas", Blas.implementation());
        return m;
    }
}
