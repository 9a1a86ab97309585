package dev.scratchnet.bench;

import dev.scratchnet.config.Configuration;
import dev.scratchnet.data.Mnist;
import dev.scratchnet.math.Precision;
import dev.scratchnet.network.NetworkSettings;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.partition.BlockEvaluation;
import dev.scratchnet.partition.GradientSum;
import dev.scratchnet.partition.Parameters;
import dev.scratchnet.partition.ValidationSplit;
import dev.scratchnet.registry.EngineSettings;
import dev.scratchnet.spark.SparkEngine;
import dev.scratchnet.training.EpochSoFar;
import dev.scratchnet.training.EpochTask;
import dev.scratchnet.training.GradientEngine;
import dev.scratchnet.training.MinibatchSchedule;
import dev.scratchnet.training.StepUpdate;
import dev.scratchnet.training.TrainingSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * The fixed cost of a step, with negligible compute (one example a partition), on the benchmark's network: in step
 * mode (a Spark job a step) at several partition counts, split into phases, and in epoch mode (one job for many
 * steps) as the marginal cost of one more step and the job's own fixed cost.
 *
 * <p>The phases of a step-mode step: what the driver spends before the job starts (the parameters rounded and
 * broadcast, the closure serialized, the job submitted), the job itself as the scheduler saw it (from its start to its
 * end event; inside it, per task, deserialization, running, result serialization and the scheduler's delay: launch
 * and result transfer), and what follows (the broadcast destroyed, the sum), plus the optimizer's update measured
 * alone. Spark's listener bus timestamps in milliseconds, so the phases are medians over many steps.
 */
final class StepCost {
    private StepCost() {}

    /** Where the table rows go: part, what, value, note. */
    interface Rows {
        void row(String part, String what, String value, String note);
    }

    /** Timestamps of the jobs and the metrics of the tasks run while it listens. */
    private static final class Phases extends SparkListener {
        final ConcurrentLinkedQueue<long[]> jobs = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<long[]> tasks = new ConcurrentLinkedQueue<>();
        private final Map<Integer, Long> started = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public void onJobStart(SparkListenerJobStart e) {
            started.put(e.jobId(), e.time());
        }

        @Override
        public void onJobEnd(SparkListenerJobEnd e) {
            Long s = started.remove(e.jobId());
            if (s != null) {
                jobs.add(new long[] {s, e.time()});
            }
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd e) {
            TaskMetrics m = e.taskMetrics();
            if (m == null) {
                return;
            }
            long duration = e.taskInfo().duration();
            long deserialize = m.executorDeserializeTime();
            long run = m.executorRunTime();
            long resultSer = m.resultSerializationTime();
            long gettingResult = e.taskInfo().gettingResult() ? e.taskInfo().finishTime() - e.taskInfo().gettingResultTime() : 0;
            long delay = Math.max(0, duration - deserialize - run - resultSer - gettingResult);
            tasks.add(new long[] {duration, deserialize, run, resultSer, delay, m.resultSize()});
        }

        void clear() {
            jobs.clear();
            tasks.clear();
        }
    }

    /**
     * Step mode at each of {@code partitionCounts} and epoch mode at each of {@code epochPartitions}, {@code steps}
     * steps each, medians of {@code repeats}; {@code rows} gets the benchmark's table rows.
     */
    static Map<String, Object> measure(JavaSparkContext sc, Mnist.Split data, NetworkSpec spec, Configuration config,
                                       int[] partitionCounts, int[] epochPartitions, int steps, int repeats,
                                       Rows rows) {
        Map<String, Object> m = new LinkedHashMap<>();
        Phases phases = new Phases();
        sc.sc().addSparkListener(phases);
        try {
            for (int parts : partitionCounts) {
                for (int depth : parts > 2 ? new int[] {1, 2} : new int[] {config.get(EngineSettings.TREE_DEPTH)}) {
                    m.put("step_mode_" + parts + "_depth_" + depth, stepMode(sc, data, spec,
                            config.with(EngineSettings.TREE_DEPTH, depth), parts, steps, repeats, phases, rows));
                }
            }
            for (int parts : epochPartitions) {
                if (parts <= sc.defaultParallelism() || sc.isLocal()) { // local: one task holds every partition
                    m.put("epoch_mode_" + parts, epochMode(sc, data, spec, config, parts, steps, repeats, rows));
                }
            }
            m.put("update_ms", updateMillis(spec, config, rows));
            m.put("broadcast_ms", broadcastMillis(sc, spec, config.get(TrainingSettings.PRECISION), rows));
        } finally {
            sc.sc().removeSparkListener(phases);
        }
        return m;
    }

    private static Map<String, Object> stepMode(JavaSparkContext sc, Mnist.Split data, NetworkSpec spec,
                                                Configuration config, int parts, int steps, int repeats, Phases phases,
                                                Rows rows) {
        Map<String, Object> m = new LinkedHashMap<>();
        Configuration c = config.with(EngineSettings.PARTITIONS, parts).with(EngineSettings.MODE, EngineSettings.Mode.STEP);
        double[] params = new double[spec.parameterCount()];
        try (SparkEngine engine = SparkEngine.of(sc, spec, data.train(), data.test(), c)) {
            MinibatchSchedule schedule = new MinibatchSchedule(data.train().size(), parts, 1);
            for (int i = 0; i < 30; i++) {
                engine.gradientSum(params, schedule.batch(0, i), new GradientEngine.StepPosition(0, i, i));
            }
            List<Double> perStep = new ArrayList<>();
            List<Double> beforeJob = new ArrayList<>();
            List<Double> job = new ArrayList<>();
            List<Double> afterJob = new ArrayList<>();
            List<long[]> taskRows = new ArrayList<>();
            for (int r = 0; r < repeats; r++) {
                JobClock.drain(sc.sc());
                phases.clear();
                long[] callStart = new long[steps];
                long[] callEnd = new long[steps];
                long t = System.nanoTime();
                for (int i = 0; i < steps; i++) {
                    callStart[i] = System.currentTimeMillis();
                    engine.gradientSum(params, schedule.batch(0, i), new GradientEngine.StepPosition(0, i, i));
                    callEnd[i] = System.currentTimeMillis();
                }
                perStep.add((System.nanoTime() - t) / 1e6 / steps);
                JobClock.drain(sc.sc());
                List<long[]> js = new ArrayList<>(phases.jobs);
                js.sort((a, b) -> Long.compare(a[0], b[0]));
                if (js.size() == steps) {
                    double before = 0;
                    double inJob = 0;
                    double after = 0;
                    for (int i = 0; i < steps; i++) {
                        before += js.get(i)[0] - callStart[i];
                        inJob += js.get(i)[1] - js.get(i)[0];
                        after += callEnd[i] - js.get(i)[1];
                    }
                    beforeJob.add(before / steps);
                    job.add(inJob / steps);
                    afterJob.add(after / steps);
                }
                taskRows.addAll(phases.tasks);
            }
            double ms = Benchmark.median(perStep);
            m.put("step_ms", ms);
            m.put("step_ms_runs", perStep);
            String breakdown = "";
            if (!job.isEmpty()) {
                m.put("driver_before_job_ms", Benchmark.median(beforeJob));
                m.put("job_ms", Benchmark.median(job));
                m.put("driver_after_job_ms", Benchmark.median(afterJob));
                double[] task = meanOf(taskRows);
                m.put("task_ms", task[0]);
                m.put("task_deserialize_ms", task[1]);
                m.put("task_run_ms", task[2]);
                m.put("task_result_serialize_ms", task[3]);
                m.put("task_scheduler_delay_ms", task[4]);
                m.put("task_result_bytes", task[5]);
                breakdown = String.format(Locale.ROOT, "before the job %.1f, job %.1f (a task: %.1f = deserialize %.1f"
                                + " + run %.1f + result %.1f + launch/transfer %.1f; result %.0f B), after %.1f ms",
                        Benchmark.median(beforeJob), Benchmark.median(job), task[0], task[1], task[2], task[3], task[4],
                        task[5], Benchmark.median(afterJob));
            }
            rows.row("step", "step mode, empty step (one example a partition), " + parts + " partitions, tree depth "
                    + config.get(EngineSettings.TREE_DEPTH)
                    + " (median of " + repeats + " x " + steps + " steps)", Benchmark.fmt(ms) + " ms", breakdown);
        }
        return m;
    }

    private static double[] meanOf(List<long[]> tasks) {
        double[] sum = new double[6];
        for (long[] t : tasks) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += t[i];
            }
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= Math.max(1, tasks.size());
        }
        return sum;
    }

    /**
     * Epoch mode: runs of {@code steps} and of {@code steps / 10} empty steps; the marginal cost of a step is their
     * difference over the steps between, the job's fixed cost what the short run has left.
     */
    private static Map<String, Object> epochMode(JavaSparkContext sc, Mnist.Split data, NetworkSpec spec,
                                                 Configuration config, int parts, int steps, int repeats,
                                                 Rows rows) {
        Map<String, Object> m = new LinkedHashMap<>();
        Configuration c = config.with(EngineSettings.PARTITIONS, parts).with(EngineSettings.MODE, EngineSettings.Mode.EPOCH);
        try (SparkEngine engine = SparkEngine.of(sc, spec, data.train(), data.test(), c)) {
            int[] positions = engine.trainPositions();
            int batch = Integer.getInteger("bench.stepBatch", parts);
            MinibatchSchedule schedule = new MinibatchSchedule(positions, batch, 1);
            int shortRun = Math.max(1, steps / (steps > 10 ? 10 : 3));
            List<Double> marginal = new ArrayList<>();
            List<Double> fixed = new ArrayList<>();
            for (int r = -1; r < repeats; r++) {
                double tLong = runSteps(engine, spec, c, schedule, steps);
                double tShort = runSteps(engine, spec, c, schedule, shortRun);
                if (r >= 0) {
                    double perStep = (tLong - tShort) / (steps - shortRun);
                    marginal.add(perStep);
                    fixed.add(tShort - shortRun * perStep);
                }
            }
            double ms = Benchmark.median(marginal);
            m.put("step_ms", ms);
            m.put("step_ms_runs", marginal);
            m.put("job_fixed_ms", Benchmark.median(fixed));
            rows.row("step", "epoch mode, " + (batch == parts ? "empty step" : "batch " + batch) + ", " + parts + " partition" + (parts > 1 ? "s" : "")
                    + (parts == 1 ? " (plain task)" : sc.isLocal() ? " (one task, " + Math.min(parts, Math.min(sc.defaultParallelism(), Runtime.getRuntime().availableProcessors()))
                    + " threads, the round in the driver's JVM)" : " (barrier stage, a round trip to the driver a step)") + " (median of " + repeats
                    + ")", Benchmark.fmt(ms) + " ms", "marginal cost of a step; the job's own fixed cost "
                    + Benchmark.fmt(Benchmark.median(fixed)) + " ms");
        }
        return m;
    }

    /** Milliseconds of one {@link GradientEngine#runSteps} over the first {@code steps} steps of epoch 0. */
    private static double runSteps(SparkEngine engine, NetworkSpec spec, Configuration c, MinibatchSchedule schedule,
                                   int steps) {
        double[] params = c.get(NetworkSettings.WEIGHT_INIT).initialize(spec, 1);
        Optimizer optimizer = TrainingSettings.newOptimizer(c, params.length);
        StepUpdate update = new StepUpdate(spec, TrainingSettings.weightDecay(c), c.text(TrainingSettings.LEARNING_RATE));
        // Stops at step `steps` of epoch 0, as at a checkpoint boundary: no evaluation.
        EpochTask task = new EpochTask(
                new EpochTask.Steps(schedule, dev.scratchnet.optim.LearningRateSchedule.CONSTANT, 0, update),
                new EpochTask.Shares(spec, c.get(TrainingSettings.PRECISION), 1),
                new EpochTask.Counting(engine.validationSplit(), BlockEvaluation.Counted.VALIDATION,
                        c.get(TrainingSettings.BLOCK_SIZE)),
                new EpochTask.Span(new EpochSoFar(new GradientEngine.StepPosition(0, 0, 0), 0, 0), steps, steps + 1),
                new EpochTask.GoOn(dev.scratchnet.training.StopRule.of(c, false), 0, 0, List.of()));
        long t = System.nanoTime();
        engine.runSteps(task, params, optimizer, dev.scratchnet.training.StepWatcher.NONE);
        return (System.nanoTime() - t) / 1e6;
    }

    /** The driver's update of a step (mean, weight decay, checks, optimizer) on the network's parameters. */
    private static double updateMillis(NetworkSpec spec, Configuration config, Rows rows) {
        double[] params = config.get(NetworkSettings.WEIGHT_INIT).initialize(spec, 1);
        Optimizer optimizer = TrainingSettings.newOptimizer(config, params.length);
        StepUpdate update = new StepUpdate(spec, TrainingSettings.weightDecay(config),
                config.text(TrainingSettings.LEARNING_RATE));
        double[] grad = new double[params.length];
        java.util.Arrays.fill(grad, 1e-3);
        int reps = 200;
        double[] mean = new double[params.length]; // reused step after step, as the step loop does
        double ms = Benchmark.medianOf(5, () -> {
            long t = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                update.apply(GradientSum.of(grad.clone(), 1, 1), params, optimizer, 1e-6,
                        new GradientEngine.StepPosition(0, i, i), null, 1, null, mean); // the path a step takes
            }
            return (System.nanoTime() - t) / 1e6 / reps;
        });
        rows.row("step", "the update alone (" + optimizer.kind().id() + ", " + params.length
                + " parameters, mean + weight decay + checks + optimizer)", Benchmark.fmt(ms) + " ms", "");
        return ms;
    }

    /** A broadcast of the parameters in {@code precision}, read back once on the driver and destroyed. */
    private static double broadcastMillis(JavaSparkContext sc, NetworkSpec spec, Precision precision, Rows rows) {
        double[] params = new double[spec.parameterCount()];
        int reps = 100;
        double ms = Benchmark.medianOf(5, () -> {
            long t = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                Broadcast<Object> b = sc.broadcast(Parameters.wire(params, precision));
                b.destroy();
            }
            return (System.nanoTime() - t) / 1e6 / reps;
        });
        rows.row("step", "broadcast + destroy of the parameters alone (" + precision.id() + ")",
                Benchmark.fmt(ms) + " ms", "");
        return ms;
    }
}
