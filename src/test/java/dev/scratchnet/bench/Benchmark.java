package dev.scratchnet.bench;

import dev.scratchnet.config.Configuration;
import dev.scratchnet.data.ImageSet;
import dev.scratchnet.data.Mnist;
import dev.scratchnet.data.MnistFetcher;
import dev.scratchnet.math.Blas;
import dev.scratchnet.math.BlasChoice;
import dev.scratchnet.math.NativeBlas;
import dev.scratchnet.math.Precision;
import dev.scratchnet.network.NetworkSettings;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.network.ParameterBlock;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.partition.BlockEvaluation;
import dev.scratchnet.partition.ExampleBlock;
import dev.scratchnet.partition.PartitionStep;
import dev.scratchnet.partition.Step;
import dev.scratchnet.partition.ValidationSplit;
import dev.scratchnet.registry.EngineSettings;
import dev.scratchnet.registry.Settings;
import dev.scratchnet.report.EpochMetrics;
import dev.scratchnet.report.Json;
import dev.scratchnet.run.RunOutputs;
import dev.scratchnet.run.TrainingRun;
import dev.scratchnet.spark.CachedCleanSparkContext;
import dev.scratchnet.spark.SparkEngine;
import dev.scratchnet.training.GradientEngine;
import dev.scratchnet.training.LocalEngine;
import dev.scratchnet.training.MinibatchSchedule;
import dev.scratchnet.training.Trainer;
import dev.scratchnet.training.TrainingSettings;
import dev.scratchnet.training.TrainingState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The performance benchmark, side by side in one JVM on the same data: scratchnet on Spark local[2] with the
 * default configuration ({@code conf/spark-defaults.conf}; stopping, like the numpy script, at the first epoch
 * whose test accuracy reaches 0.97, trained on all 60,000 images), the same configuration in process (the oracle),
 * Spark MLlib's MultilayerPerceptronClassifier and {@code ScratchnetClassifier} on the same DataFrame, the book's
 * numpy TwoLayerNet, micro-benchmarks (one synchronous step with negligible compute; BLAS rates on the layer
 * shapes), an epoch on replicated data, and {@link ScaleOut}: {@code ./submit.sh} as a user runs it, in local[2]
 * and on a standalone cluster of 1, 2 and 4 one-core workers (first epoch against later ones, time a step, a cost
 * model fitted to them: {@link ScalingModel}).
 * Prints a table and writes {@code target/bench/bench.json}. Run it with {@code mvn -B -Pbench verify}.
 *
 * <p>System properties: {@code bench.repeats} (3), {@code bench.parts} (comma list of
 * {@code spark,local,mllib,numpy,micro,step,arith,replicate,torch,cold,cluster,tables,regression}; default all: {@code torch}
 * and {@code cold} are {@link UserRuns}, PyTorch and a user's cold {@code ./submit.sh} to 0.97 test accuracy;
 * {@code tables} and {@code regression} are {@link TablesBenchmark}), {@code bench.torch.coretype} (the OpenBLAS
 * kernel PyTorch's BLAS runs: by default the one the bundled OpenBLAS picked; {@code detected}: Debian's own
 * choice), {@code bench.mllib.maxIter} (100),
 * {@code bench.cluster.epochs} (4: epochs of the ./submit.sh runs of the scale-out part),
 * {@code bench.replicate} (4, 0 = off), {@code bench.plainContext} (true: Spark's own SparkContext instead of
 * {@link CachedCleanSparkContext}, to measure that lever), {@code bench.smoke} (true: a tiny data subset,
 * one repeat, for the test that keeps this code path working), {@code bench.out}, {@code bench.set}
 * (training settings over the conf file, e.g. {@code batchSize=2000;optimizer=adam;learningRate=0.005}),
 * {@code bench.spark} (Spark settings over the conf file's, e.g. {@code spark.broadcast.compress=false}).
 */
public final class Benchmark {
    static final String ALL_PARTS = "spark,local,mllib,numpy,micro,step,arith,replicate,torch,cold,cluster,tables,regression";
    /** The parts that need MNIST in memory and this JVM's SparkContext. */
    private static final List<String> IN_CONTEXT = List.of("spark", "local", "mllib", "micro", "step", "replicate");
    private final Path projectDir;
    private final int repeats;
    private final boolean smoke;
    private final List<String> parts;
    private final Map<String, Object> json = new LinkedHashMap<>();
    private final List<String[]> rows = new ArrayList<>();
    private final PrintStream out = System.out;

    Benchmark(Path projectDir, int repeats, boolean smoke, List<String> parts) {
        this.projectDir = projectDir;
        this.repeats = repeats;
        this.smoke = smoke;
        this.parts = parts;
    }

    public static void main(String[] args) throws Exception {
        Path project = Path.of(System.getProperty("scratchnet.project.dir", ".")).toAbsolutePath();
        boolean smoke = Boolean.getBoolean("bench.smoke");
        int repeats = Integer.getInteger("bench.repeats", smoke ? 1 : 3);
        List<String> parts = List.of(System.getProperty("bench.parts", ALL_PARTS).split(","));
        Path outFile = Path.of(System.getProperty("bench.out", project.resolve("target/bench/bench.json").toString()));
        new Benchmark(project, repeats, smoke, parts).run(outFile);
    }

    void run(Path outFile) throws Exception {
        Map<String, Object> machine = machine();
        json.put("machine", machine);
        out.printf("machine: %s%n", machine);

        // The MNIST files: every part but the tables needs them (the numpy and PyTorch scripts read them too).
        MnistFetcher.ensure(projectDir.resolve("data/mnist"), out);

        Map<String, String> defaults = readConf(projectDir.resolve("conf/spark-defaults.conf"));
        Map<String, String> training = new LinkedHashMap<>(defaults);
        training.put("spark.scratchnet.progressSeconds", "0");
        // The stop rule of the numpy script (and the accuracy MLlib is compared at): test accuracy after every
        // epoch, training on all 60,000 images. The default run holds out a validation split and stops on it;
        // here the clock stops at the first epoch whose TEST accuracy reaches 0.97.
        training.put("spark.scratchnet.validationFraction", "0");
        training.put("spark.scratchnet.targetAccuracy", "0.97");
        // Its compiler directive is JVM-wide and for good: MLlib's fit, later in this JVM, would run C1 code.
        // The ./submit.sh runs of the scale-out part use the conf as it is.
        training.put("spark.scratchnet.c2ArithmeticOnly", "false");
        for (String kv : System.getProperty("bench.set", "").split(";")) {
            if (!kv.isBlank()) {
                String[] p = kv.split("=", 2);
                training.put("spark.scratchnet." + p[0].strip(), p[1].strip());
            }
        }
        training.put("spark.scratchnet.epochs", smoke ? "2" : "30");
        if (smoke) {
            training.put("spark.scratchnet.batchSize", "500");
            training.put("spark.scratchnet.targetAccuracy", "0.5");
        }
        Configuration parsed = Settings.parse(training);
        json.put("config", parsed.effective());
        if (parts.stream().anyMatch(IN_CONTEXT::contains)) {
            inContext(defaults, training, parsed);
        }
        afterContext(machine, parsed);
        Files.createDirectories(outFile.toAbsolutePath().getParent());
        Json.write(outFile, json);
        out.println("written " + outFile);
    }

    /** The parts that share this JVM's SparkContext and MNIST in memory. */
    private void inContext(Map<String, String> defaults, Map<String, String> training, Configuration parsed)
            throws Exception {
        long t0 = System.nanoTime();
        Mnist.Split all = Mnist.load(projectDir.resolve("data/mnist"));
        Mnist.Split data = smoke ? new Mnist.Split(all.train().slice(0, 3000), all.test().slice(0, 500)) : all;
        double loadSeconds = seconds(t0);
        json.put("data_load_seconds", loadSeconds);
        NetworkSpec spec = NetworkSettings.spec(parsed, data.train().features(), data.train().classes());
        Precision precision = parsed.get(TrainingSettings.PRECISION);
        row("data", "load IDX files", fmt(loadSeconds) + " s", "");

        SparkConf conf = new SparkConf().setMaster(System.getProperty("bench.master", "local[2]"))
                .setAppName("scratchnet-bench")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1");
        for (Map.Entry<String, String> e : defaults.entrySet()) {
            if (e.getKey().startsWith("spark.") && !e.getKey().startsWith("spark.scratchnet.")
                    && !e.getKey().startsWith("spark.driver.") && !e.getKey().startsWith("spark.executor")) {
                conf.set(e.getKey(), e.getValue());
            }
        }
        for (String kv : System.getProperty("bench.spark", "").split(";")) {
            if (!kv.isBlank()) {
                String[] p = kv.split("=", 2);
                conf.set(p[0].strip(), p[1].strip());
            }
        }
        json.put("spark_overrides", System.getProperty("bench.spark", ""));
        long t1 = System.nanoTime();
        boolean plain = Boolean.getBoolean("bench.plainContext");
        try (JavaSparkContext sc = plain ? new JavaSparkContext(conf) : CachedCleanSparkContext.start(conf, out)) {
            sc.setLogLevel("WARN");
            double startup = seconds(t1);
            json.put("spark_startup_seconds", startup);
            json.put("spark_context", sc.sc().getClass().getName());
            row("spark", "start local[2] (" + sc.sc().getClass().getSimpleName() + ")", fmt(startup) + " s", "");
            int configured = parsed.get(EngineSettings.PARTITIONS);
            int partitions = configured == 0 ? sc.defaultParallelism() : configured;
            Configuration config = parsed.with(EngineSettings.PARTITIONS, partitions);

            // Spark and in-process runs alternate, so that both see the same (shared, noisy) machine.
            Map<String, EngineFactory> engines = new LinkedHashMap<>();
            if (parts.contains("spark")) {
                engines.put("spark", () -> {
                    long c = System.nanoTime();
                    SparkEngine engine = SparkEngine.of(sc, spec, data.train(), data.test(), config);
                    json.put("spark_cache_seconds", seconds(c));
                    json.put("cached_data_bytes", engine.cachedBytes());
                    return engine;
                });
            }
            if (parts.contains("local")) {
                engines.put("in-process", () -> LocalEngine.of(spec, data.train(), data.test(), config));
            }
            Map<String, Map<String, Object>> trained = trainSideBySide(config, spec, engines);
            Map<String, Object> spark = trained.get("spark");
            Map<String, Object> local = trained.get("in-process");
            if (spark != null) {
                json.put("spark", spark);
                double mb = ((Number) json.get("cached_data_bytes")).longValue() / 1e6;
                row("cache", "cached train+test blocks", fmt(mb) + " MB", met(mb, 200));
            }
            if (local != null) {
                json.put("in_process", local);
            }
            if (spark != null && local != null) {
                double ratio = (double) spark.get("time_to_target_s") / (double) local.get("time_to_target_s");
                json.put("spark_over_in_process", ratio);
                row("ratio", "Spark local[2] / in-process (1 thread) time to target", fmt(ratio), met(ratio, 0.7));
            }
            if (parts.contains("micro")) {
                json.put("micro", micro(sc, data, spec, config));
            }
            if (parts.contains("step")) {
                json.put("step_cost", StepCost.measure(sc, data, spec, config, Boolean.getBoolean("bench.epochOnly") ? new int[0] : new int[] {2, 8, 32}, java.util.Arrays.stream(System.getProperty("bench.epochParts", "1,2,4,8").split(",")).mapToInt(Integer::parseInt).toArray(),
                        smoke ? 20 : 200, smoke ? 1 : Math.max(repeats, 5), this::row));
            }
            if (parts.contains("replicate")) {
                int copies = Integer.getInteger("bench.replicate", 4);
                if (copies > 1) {
                    json.put("replicate", replicate(sc, data, spec, config, partitions, copies));
                }
            }
            if (parts.contains("mllib")) {
                Map<String, Object> mllib = MllibAnchor.run(sc, data, Integer.getInteger("bench.mllib.maxIter",
                        smoke ? 5 : 100), classifierConfig(parsed, training, defaults), repeats);
                json.put("mllib", mllib);
                row("mllib", "MLP [784,100,10] L-BFGS block 128, " + mllib.get("max_iter") + " iterations: fit",
                        fmt((double) mllib.get("fit_seconds")) + " s",
                        "test acc " + fmt4((double) mllib.get("test_accuracy")) + "; BLAS: "
                                + ((Map<?, ?>) mllib.get("blas_check")).get("verdict"));
                Map<String, Object> estimator = cast(mllib.get("scratchnet_classifier"));
                if (estimator != null) {
                    Map<String, Object> last = cast(((List<?>) estimator.get("fits")).get(0));
                    double r = (double) estimator.get("fit_seconds") / (double) mllib.get("fit_seconds");
                    json.put("classifier_over_mllib", r);
                    row("estimator", "ScratchnetClassifier.fit on the same DataFrame (median of " + repeats + ")",
                            fmt((double) estimator.get("fit_seconds")) + " s", "test acc "
                                    + fmt4(((Number) estimator.get("test_accuracy")).doubleValue()) + ", " + last.get("epochs")
                                    + " epochs; fit / MLlib fit " + fmt(r));
                }
                if (spark != null) {
                    double r = (double) spark.get("time_to_target_s") / (double) mllib.get("fit_seconds");
                    json.put("spark_over_mllib", r);
                    row("ratio", "scratchnet Spark time to 0.97 / MLlib fit", fmt(r), met(r, 0.05));
                }
            }
        }
    }

    /** The parts that run other processes (numpy, PyTorch, ./submit.sh, the cluster, the tables' JVMs), and the table. */
    private void afterContext(Map<String, Object> machine, Configuration parsed) throws Exception {
        if (parts.contains("numpy")) {
            Map<String, Object> numpy = numpy();
            json.put("numpy", numpy);
            Map<String, Object> spark = cast(json.get("spark"));
            if (numpy.containsKey("seconds_median") && spark != null) {
                double r = (double) spark.get("time_to_target_s") / (double) numpy.get("seconds_median");
                double rs = (double) spark.get("time_to_target_s") / (double) numpy.get("step_seconds_median");
                json.put("spark_over_numpy", r);
                json.put("spark_over_numpy_steps_only", rs);
                row("ratio", "scratchnet Spark / numpy book net (with eval; steps only)", fmt(r) + "; " + fmt(rs),
                        met(r, 0.5));
            }
        }
        if (parts.contains("arith")) {
            json.put("arithmetic", arithmetic(parsed));
        }
        if (parts.contains("cluster") && !smoke) {
            Map<String, Object> scale = new ScaleOut(projectDir, out).run(Integer.getInteger("bench.cluster.epochs", 4));
            json.put("scale_out", scale);
            if (!scale.containsKey("skipped")) {
                Map<String, Object> local = cast(scale.get("local[2]"));
                double first = (double) local.get("first_over_later_epoch");
                row("first epoch", "first epoch / median later epoch, a fresh ./submit.sh in local[2] ("
                        + scale.get("epochs") + " epochs)", fmt(first), met(first, 1.25));
                for (String name : List.of("local[2]", "cluster_1_worker", "cluster_2_workers", "cluster_4_workers")) {
                    Map<String, Object> r = cast(scale.get(name));
                    row("scale-out", name.replace('_', ' ') + (name.startsWith("cluster") ? " x 1 core, executors in own JVMs" : "")
                            + ": later epochs (steps + eval) / a step", fmt((double) r.get("later_epoch_seconds_median"))
                            + " s / " + fmt((double) r.get("later_step_ms_median")) + " ms", "first epoch "
                            + fmt((double) r.get("first_over_later_epoch")) + "x later");
                }
                Map<String, Object> step = cast(json.get("step_cost"));
                Map<String, Object> model = ScalingModel.fit(scale, step, parsed, projectDir.resolve("docs/scaling.png"));
                json.put("scaling_model", model);
                row("scale-out", "model: step = compute / N + fixed(N), fixed(N) = a + b N", model.get("formula").toString(),
                        "adding executors stops paying at N = " + model.get("best_n") + "; 10x wider network: N = "
                                + model.get("best_n_wide"));
                if (model.containsKey("own_core_formula")) {
                    row("scale-out", "projected, a core per executor (b: the driver's cost a partition, local empty step)",
                            model.get("own_core_formula").toString(), "stops paying at N = " + model.get("own_core_best_n")
                                    + "; 10x wider: N = " + model.get("own_core_best_n_wide") + "; step at 16 / 64: "
                                    + fmt((double) model.get("own_core_step_ms_16")) + " / "
                                    + fmt((double) model.get("own_core_step_ms_64")) + " ms");
                }
            } else {
                row("scale-out", "standalone cluster", "skipped", (String) scale.get("skipped"));
            }
        }
        if ((parts.contains("torch") || parts.contains("cold")) && !smoke) {
            Map<String, Object> user = new UserRuns(projectDir, out).run(parsed, parts.contains("torch"),
                    parts.contains("cold"), repeats, cast(json.get("mllib")), (String) machine.get("openblas_core"));
            json.put("user_runs", user);
            for (String[] r : UserRuns.rows(user)) {
                row(r[0], r[1], r[2], r[3]);
            }
        }
        if ((parts.contains("tables") || parts.contains("regression")) && !smoke) {
            Map<String, Object> tables = TablesBenchmark.run(projectDir, parts, repeats, out);
            json.put("tables", tables);
            for (String key : List.of("classification", "regression")) {
                List<Map<String, Object>> pairs = cast(tables.get(key));
                for (Map<String, Object> r : pairs == null ? List.<Map<String, Object>>of() : pairs) {
                    row("tables", r.get("table") + " / " + r.get("learner") + " (train " + r.get("train_rows") + " rows)",
                            TablesBenchmark.summary(r), r.containsKey("later_learner_job_seconds_median")
                                    ? "learner: jobs " + fmt((double) r.get("later_learner_job_seconds_median")) + " s, driver "
                                    + fmt((double) r.get("later_learner_driver_seconds_median")) + " s" : "");
                }
            }
            if (tables.containsKey("regression_note")) {
                row("tables", "diabetes / scratchnet-regressor", "skipped", (String) tables.get("regression_note"));
            }
        }
        machineEnd(json);
        out.println();
        out.println("machine: " + machine);
        out.println("| part | what | value | note |");
        out.println("|---|---|---|---|");
        for (String[] r : rows) {
            out.printf("| %s | %s | %s | %s |%n", (Object[]) r);
        }
    }

    /**
     * The in-process step ({@link Arithmetic}) and PyTorch's one-thread step on the same shapes
     * ({@code torch_same_net.py --time-steps}), alternating round by round; then whether the second core adds compute.
     */
    private Map<String, Object> arithmetic(Configuration config) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        Mnist.Split all = Mnist.load(projectDir.resolve("data/mnist"));
        Mnist.Split data = smoke ? new Mnist.Split(all.train().slice(0, 3000), all.test().slice(0, 500)) : all;
        NetworkSpec spec = NetworkSettings.spec(config, data.train().features(), data.train().classes());
        int steps = smoke ? 3 : 30;
        int rounds = smoke ? 1 : Math.max(repeats, 5);
        List<Double> ours = new ArrayList<>();
        List<Double> gemms = new ArrayList<>();
        List<Double> torch = new ArrayList<>();
        String missing = smoke ? "smoke run" : UserRuns.torchMissing();
        List<String> torchArgs = UserRuns.torchArguments(config);
        Map<String, Object> torchFacts = null;
        String load = loadAverage();
        for (int r = 0; r < rounds; r++) {
            Map<String, Object> a = Arithmetic.measure(data, spec, config, steps, 1);
            ours.add((double) a.get("step_ms"));
            gemms.add((double) a.get("gemms_ms"));
            m.put("batch", a.get("batch"));
            if (missing == null && torchArgs != null) {
                List<String> command = new ArrayList<>(List.of("/usr/bin/python3",
                        projectDir.resolve("src/test/python/torch_same_net.py").toString(),
                        projectDir.resolve("data/mnist").toString()));
                command.addAll(torchArgs);
                command.addAll(List.of("--time-steps", String.valueOf(steps), "--runs", "1"));
                Map<String, Object> machine = cast(json.get("machine"));
                String stdout = ScaleOut.command(projectDir, projectDir.resolve("target"), "torch-step", command,
                        UserRuns.anchorEnvironment((String) machine.get("openblas_core")), 600);
                torchFacts = cast(Json.mapper().readValue(stdout.strip().lines().reduce((x, y) -> y).orElse("{}"),
                        Map.class));
                torch.add(((Number) torchFacts.get("step_ms_median")).doubleValue());
            }
        }
        double ms = median(ours);
        double gemmMs = median(gemms);
        m.put("step_ms", ms);
        m.put("step_ms_runs", ours);
        m.put("gemms_ms", gemmMs);
        m.put("load_average_start", load);
        m.put("load_average_end", loadAverage());
        String what = spec.describe() + ", batch " + m.get("batch") + ", " + config.text(TrainingSettings.PRECISION)
                + ", 1 thread (median of " + rounds + " x " + steps + " steps, load " + load + ")";
        row("arith", "in-process step (decode, forward, backward, update): " + what, fmt(ms) + " ms",
                "its GEMMs alone " + fmt(gemmMs) + " ms (" + pct(gemmMs / ms) + ")");
        if (!torch.isEmpty()) {
            double t = median(torch);
            m.put("torch_step_ms", t);
            m.put("torch_step_ms_runs", torch);
            m.put("torch_blas_core", torchFacts.get("blas_core"));
            m.put("over_torch", ms / t);
            row("arith", "PyTorch " + torchFacts.get("torch") + " step, same shapes, 1 thread, OpenBLAS "
                    + torchFacts.get("blas_core"), fmt(t) + " ms", "ours / PyTorch " + fmt(ms / t) + ": "
                    + met(ms / t, 1.3));
        } else {
            row("arith", "PyTorch step", "skipped", missing == null ? "no PyTorch equivalent of the settings" : missing);
        }
        int batch = (int) m.get("batch");
        Map<String, Object> cores = Arithmetic.secondCore(spec, batch, smoke ? 2 : 20, rounds);
        m.put("second_core", cores);
        row("arith", "the step's sgemm loop: one thread alone / two threads at once (total)",
                fmt((double) cores.get("one_thread_gflops")) + " / " + fmt((double) cores.get("two_threads_total_gflops"))
                        + " GFLOP/s", "second core adds " + pct((double) cores.get("second_core_gain") - 1) + " (load "
                        + loadAverage() + ")");
        return m;
    }

    interface EngineFactory {
        GradientEngine open() throws Exception;
    }

    private Map<String, Map<String, Object>> trainSideBySide(Configuration config, NetworkSpec spec,
                                                             Map<String, EngineFactory> factories) throws Exception {
        Map<String, GradientEngine> engines = new LinkedHashMap<>();
        Map<String, List<Trainer.Result>> results = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, EngineFactory> e : factories.entrySet()) {
                engines.put(e.getKey(), e.getValue().open());
                results.put(e.getKey(), new ArrayList<>());
            }
            for (int rep = 0; rep < repeats; rep++) {
                for (Map.Entry<String, GradientEngine> e : engines.entrySet()) {
                    String name = e.getKey();
                    TrainingState state = new TrainingRun(config, spec, RunOutputs.checkpointsOnly(null, config, spec),
                            out).startingState(e.getValue());
                    ByteArrayOutputStream log = new ByteArrayOutputStream();
                    Trainer.Result r = new Trainer(config, spec, e.getValue(),
                            new PrintStream(log, true, StandardCharsets.UTF_8), Trainer.NO_LISTENER).run(state);
                    if (!r.reachedTarget()) {
                        throw new IllegalStateException(name + ": did not reach " + config.get(TrainingSettings.TARGET_ACCURACY)
                                + ":\n" + log);
                    }
                    results.get(name).add(r);
                    out.printf(Locale.ROOT, "%s run %d: %.2f s to %.4f, %d epochs, %d steps%n", name, rep + 1,
                            r.timeToTargetSeconds(), r.last().testAccuracy(), r.last().epoch(), r.steps());
                }
            }
        } finally {
            for (GradientEngine engine : engines.values()) {
                engine.close();
            }
        }
        Map<String, Map<String, Object>> summaries = new LinkedHashMap<>();
        for (Map.Entry<String, List<Trainer.Result>> e : results.entrySet()) {
            summaries.put(e.getKey(), summarize(e.getKey(), config, e.getValue()));
        }
        return summaries;
    }

    private Map<String, Object> summarize(String name, Configuration config, List<Trainer.Result> runs) {
        List<Double> times = new ArrayList<>();
        List<Double> epochSeconds = new ArrayList<>();
        for (Trainer.Result r : runs) {
            times.add(r.timeToTargetSeconds());
            double prev = 0;
            for (EpochMetrics m : r.metrics()) {
                epochSeconds.add(m.seconds() - prev);
                prev = m.seconds();
            }
        }
        Trainer.Result last = runs.get(runs.size() - 1);
        double t = median(times);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("engine", name);
        m.put("time_to_target_s", t);
        m.put("time_to_target_runs_s", times);
        double target = config.get(TrainingSettings.TARGET_ACCURACY);
        int batch = config.get(TrainingSettings.BATCH_SIZE);
        m.put("target", target);
        m.put("test_accuracy", last.last().testAccuracy());
        m.put("epochs", last.last().epoch());
        m.put("steps", last.steps());
        m.put("examples_per_s", last.steps() * (double) batch / t);
        m.put("epoch_seconds_median", median(epochSeconds));
        m.put("epoch_seconds_all", epochSeconds);
        double firstRatio = firstEpochRatio(runs.get(0).metrics());
        m.put("first_epoch_ratio_run1", firstRatio);
        row(name, "time to " + target + " (median of " + runs.size() + ")", fmt(t) + " s",
                last.last().epoch() + " epochs, " + last.steps() + " steps, " + fmt0(last.steps() * (double) batch / t)
                        + " ex/s, " + fmt(median(epochSeconds)) + " s/epoch");
        if (!Double.isNaN(firstRatio)) {
            row(name, "first epoch / median later epoch, run 1 (the first training in this JVM)", fmt(firstRatio),
                    name.equals("spark") ? met(firstRatio, 1.25) : "");
        }
        return m;
    }

    /** Epoch 1's time over the median of the later epochs' (steps and evaluation); NaN with one epoch. */
    static double firstEpochRatio(List<EpochMetrics> metrics) {
        List<Double> later = new ArrayList<>();
        for (int i = 1; i < metrics.size(); i++) {
            later.add(metrics.get(i).seconds() - metrics.get(i - 1).seconds());
        }
        return later.isEmpty() ? Double.NaN : metrics.get(0).seconds() / median(later);
    }

    /** The benchmark's settings for the estimator: the default run's stop rule (a validation split, a target on it). */
    private static Configuration classifierConfig(Configuration bench, Map<String, String> training,
                                                  Map<String, String> defaults) {
        Map<String, String> conf = new LinkedHashMap<>(training);
        for (String key : List.of("spark.scratchnet.validationFraction", "spark.scratchnet.targetAccuracy")) {
            conf.remove(key);
            if (defaults.containsKey(key)) {
                conf.put(key, defaults.get(key));
            }
        }
        return Settings.parse(conf).with(EngineSettings.PARTITIONS, bench.get(EngineSettings.PARTITIONS));
    }

    private Map<String, Object> micro(JavaSparkContext sc, Mnist.Split data, NetworkSpec spec, Configuration config) {
        Precision precision = config.get(TrainingSettings.PRECISION);
        boolean single = precision == Precision.SINGLE;
        Map<String, Object> m = new LinkedHashMap<>();
        double[] params = new double[spec.parameterCount()];
        int steps = smoke ? 20 : 200;
        for (int parts : new int[] {2, 8}) {
            try (SparkEngine engine = SparkEngine.of(sc, spec, data.train(), data.test(),
                    config.with(EngineSettings.PARTITIONS, parts).with(EngineSettings.TREE_DEPTH, 2))) {
                MinibatchSchedule schedule = new MinibatchSchedule(data.train().size(), parts, 1);
                for (int i = 0; i < 20; i++) {
                    engine.gradientSum(params, schedule.batch(0, i), new GradientEngine.StepPosition(0, i, i));
                }
                double ms = medianOf(repeats, () -> {
                    long t = System.nanoTime();
                    for (int i = 0; i < steps; i++) {
                        engine.gradientSum(params, schedule.batch(0, i), new GradientEngine.StepPosition(0, i, i));
                    }
                    return (System.nanoTime() - t) / 1e6 / steps;
                });
                m.put("step_ms_" + parts + "_partitions", ms);
                row("micro", "one synchronous step, batch = partitions = " + parts, fmt(ms) + " ms",
                        parts == 2 ? met(ms, 3) : "");
            }
        }
        // Gradient compute, one thread, as one partition does it, and the BLAS on the step's shapes: native
        // OpenBLAS against netlib's Java BLAS, alternating round by round so both see the same machine.
        ExampleBlock block = ExampleBlock.whole(data.train());
        int batchSize = Math.min(1000, data.train().size());
        MinibatchSchedule schedule = new MinibatchSchedule(data.train().size(), batchSize, 1);
        double[] p = dev.scratchnet.network.WeightInit.he().initialize(spec, 1);
        int calls = smoke ? 3 : 30;
        int gemmReps = smoke ? 3 : 30;
        BlasChoice inForce = NativeBlas.current();
        boolean nativeAvailable = NativeBlas.install(true).isNative();
        m.put("blas_native", NativeBlas.current().description());
        m.put("blas_java", NativeBlas.install(false).description());
        boolean[] sides = nativeAvailable ? new boolean[] {true, false} : new boolean[] {false};
        String[] measures = {"dgemm", "sgemm", "gradient_double", "gradient_single"};
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        int rounds = smoke ? 1 : Math.max(repeats, 5);
        try {
            for (int round = -1; round < rounds; round++) {   // round -1 warms up (JIT, caches), not recorded
                for (boolean nat : sides) {
                    NativeBlas.install(nat);
                    String side = nat ? "native" : "java";
                    double[] r = {
                        stepGemms(spec, batchSize, false, round < 0 ? 3 : gemmReps),
                        stepGemms(spec, batchSize, true, round < 0 ? 3 : gemmReps),
                        gradientRate(block, spec, p, schedule, batchSize, false, round < 0 ? 3 : calls),
                        gradientRate(block, spec, p, schedule, batchSize, true, round < 0 ? 3 : calls)};
                    if (round >= 0) {
                        for (int i = 0; i < r.length; i++) {
                            rates.computeIfAbsent(side + "_" + measures[i], k -> new ArrayList<>()).add(r[i]);
                        }
                    }
                }
            }
        } finally {
            NativeBlas.install(inForce.nativeEnabled());
        }
        for (String key : rates.keySet()) {
            m.put(key + "_gflops", median(rates.get(key)));
            m.put(key + "_gflops_runs", rates.get(key));
        }
        String used = inForce.isNative() ? "native" : "java";
        double gradGflops = median(rates.get(used + (single ? "_gradient_single" : "_gradient_double")));
        double dgemm = median(rates.get(used + "_dgemm"));
        double sgemm = median(rates.get(used + "_sgemm"));
        m.put("gradient_gflops", gradGflops);
        m.put("dgemm_gflops_layer_shapes", dgemm);
        m.put("sgemm_gflops_layer_shapes", sgemm);
        double ceiling = single ? sgemm : dgemm;
        String ceilingName = single ? "sgemm" : "dgemm";
        m.put("gradient_precision", single ? "single" : "double");
        m.put("compute_efficiency", gradGflops / ceiling);
        String shapes = " (batch " + batchSize + ", 1 thread, median of " + rounds + ")";
        for (String what : measures) {
            String value = nativeAvailable
                    ? fmt(median(rates.get("native_" + what))) + " / " + fmt(median(rates.get("java_" + what))) + " GFLOP/s"
                    : "- / " + fmt(median(rates.get("java_" + what))) + " GFLOP/s";
            String note = nativeAvailable
                    ? "native " + fmt(median(rates.get("native_" + what)) / median(rates.get("java_" + what))) + "x Java"
                    : "native unavailable";
            row(what.startsWith("gradient") ? "compute" : "blas", what.replace('_', ' ') + ": native / Java" + shapes,
                    value, note);
        }
        row("compute", "gradient in use (" + used + ", " + (single ? "single" : "double") + " precision)",
                fmt(gradGflops) + " GFLOP/s", pct(gradGflops / ceiling) + " of " + ceilingName + ": "
                        + metAtLeast(gradGflops / ceiling, 0.5));
        return m;
    }

    /** GFLOP/s of {@code calls} training gradients (forward + backward) of {@code batchSize} examples, one thread. */
    private static double gradientRate(ExampleBlock block, NetworkSpec spec, double[] p, MinibatchSchedule schedule,
                                       int batchSize, boolean single, int calls) {
        long t = System.nanoTime();
        Precision precision = single ? Precision.SINGLE : Precision.DOUBLE;
        dev.scratchnet.math.Matrix params = dev.scratchnet.partition.Parameters.forPrecision(p, precision);
        for (int i = 0; i < calls; i++) {
            Step step = new Step(spec, precision, 0, i, schedule.batch(0, i % schedule.stepsPerEpoch()));
            PartitionStep.gradientSum(block, 0, step, params);
        }
        return (double) calls * batchSize * spec.flopsPerTrainingExample() / (System.nanoTime() - t);
    }

    /**
     * GFLOP/s of exactly the GEMMs of one training step (each layer's forward and dW, dX except the first),
     * with preallocated arrays, through {@link Blas} (so through the BLAS {@link NativeBlas} chose): the rate
     * the BLAS reaches on these shapes, the ceiling for the step.
     */
    static double stepGemms(NetworkSpec spec, int batch, boolean single, int reps) {
        List<ParameterBlock> weights = spec.parameterBlocks().stream().filter(b -> !b.isBias()).toList();
        int layers = weights.size();
        long flops = 0;
        double[][] d = new double[layers * 4][];
        float[][] f = new float[layers * 4][];
        for (int l = 1; l <= layers; l++) {
            int in = weights.get(l - 1).rows();
            int out = weights.get(l - 1).cols();
            int[] sizes = {batch * in, in * out, batch * out, batch * in};
            for (int k = 0; k < 4; k++) {
                d[(l - 1) * 4 + k] = single ? null : filled(sizes[k]);
                f[(l - 1) * 4 + k] = single ? filledF(sizes[k]) : null;
            }
        }
        long t = System.nanoTime();
        for (int r = 0; r < reps; r++) {
            for (int l = 1; l <= layers; l++) {
                int in = weights.get(l - 1).rows();
                int out = weights.get(l - 1).cols();
                int i = (l - 1) * 4;
                // row-major: forward y(b×out) = x(b×in)·W(in×out); dW += xᵀ·dy; dx = dy·Wᵀ
                if (single) {
                    Blas.sgemm(false, false, batch, out, in, 1f, f[i], 0, f[i + 1], 0, 0f, f[i + 2], 0);
                    Blas.sgemm(true, false, in, out, batch, 1f, f[i], 0, f[i + 2], 0, 1f, f[i + 1], 0);
                    if (l > 1) {
                        Blas.sgemm(false, true, batch, in, out, 1f, f[i + 2], 0, f[i + 1], 0, 0f, f[i + 3], 0);
                    }
                } else {
                    Blas.gemm(false, false, batch, out, in, 1, d[i], 0, d[i + 1], 0, 0, d[i + 2], 0);
                    Blas.gemm(true, false, in, out, batch, 1, d[i], 0, d[i + 2], 0, 1, d[i + 1], 0);
                    if (l > 1) {
                        Blas.gemm(false, true, batch, in, out, 1, d[i + 2], 0, d[i + 1], 0, 0, d[i + 3], 0);
                    }
                }
            }
        }
        long nanos = System.nanoTime() - t;
        for (int l = 1; l <= layers; l++) {
            flops += 2L * batch * weights.get(l - 1).size() * (l == 1 ? 2 : 3);
        }
        return (double) flops * reps / nanos;
    }

    /** One epoch (steps + test evaluation) on MNIST and on MNIST × copies, alternating, both cached at once. */
    private Map<String, Object> replicate(JavaSparkContext sc, Mnist.Split data, NetworkSpec spec, Configuration config,
                                          int partitions, int copies) {
        Map<String, Object> m = new LinkedHashMap<>();
        int[] factors = {1, copies};
        SparkEngine[] engines = new SparkEngine[2];
        List<List<Double>> times = List.of(new ArrayList<>(), new ArrayList<>());
        try {
            for (int k = 0; k < 2; k++) {
                engines[k] = SparkEngine.of(sc, spec, data.train().replicate(factors[k]), data.test(),
                        config.with(EngineSettings.PARTITIONS, partitions));
            }
            for (int rep = 0; rep < (smoke ? 1 : repeats); rep++) {
                for (int k = 0; k < 2; k++) {
                    SparkEngine engine = engines[k];
                    MinibatchSchedule schedule = new MinibatchSchedule(engine.trainSize(),
                            Trainer.batchSize(config, engine), config.get(TrainingSettings.SEED));
                    double[] p = config.get(NetworkSettings.WEIGHT_INIT).initialize(spec, config.get(TrainingSettings.SEED));
                    Optimizer opt = TrainingSettings.newOptimizer(config, p.length);
                    long t = System.nanoTime();
                    for (int s = 0; s < schedule.stepsPerEpoch(); s++) {
                        opt.update(p, engine.gradientSum(p, schedule.batch(0, s), new GradientEngine.StepPosition(0, s, s))
                                .meanGradient(p.length));
                    }
                    engine.evaluate(p, BlockEvaluation.Counted.VALIDATION);
                    times.get(k).add(seconds(t));
                }
            }
        } finally {
            for (SparkEngine engine : engines) {
                if (engine != null) {
                    engine.close();
                }
            }
        }
        double[] perEpoch = {median(times.get(0)), median(times.get(1))};
        m.put("epoch_seconds_x1", perEpoch[0]);
        m.put("epoch_seconds_x" + copies, perEpoch[1]);
        m.put("runs_x1", times.get(0));
        m.put("runs_x" + copies, times.get(1));
        double ratio = perEpoch[1] / perEpoch[0];
        m.put("ratio", ratio);
        row("scaling", "epoch time, MNIST x" + copies + " / x1 (steps + test eval, median of " + times.get(0).size() + ")",
                fmt(ratio), fmt(perEpoch[0]) + " s -> " + fmt(perEpoch[1]) + " s; " + met(ratio, 1.1 * copies));
        return m;
    }

    private Map<String, Object> numpy() throws IOException, InterruptedException {
        Map<String, Object> m = new LinkedHashMap<>();
        Path script = projectDir.resolve("src/test/python/book_two_layer_net.py");
        ProcessBuilder pb = new ProcessBuilder("python3", script.toString(), projectDir.resolve("data/mnist").toString(),
                String.valueOf(repeats), "0.97", smoke ? "1" : "40");
        // numpy's OpenBLAS on two threads ran 10x slower than on one here (2.3 vs 24 ms a step): the faster
        // single-threaded run is the anchor. Its kernel: the one the bundled OpenBLAS picked, as for PyTorch.
        Map<String, Object> machine = cast(json.get("machine"));
        Map<String, String> env = UserRuns.anchorEnvironment((String) machine.get("openblas_core"));
        pb.environment().putAll(env);
        m.put("environment", env);
        pb.redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            m.put("skipped", "python3 not found: " + e.getMessage());
            row("numpy", "book TwoLayerNet", "skipped", "no python3");
            return m;
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        String[] lines = output.strip().split("\n");
        String lastLine = lines[lines.length - 1];
        if (rc != 0 || !lastLine.startsWith("{")) {
            m.put("skipped", "python3 with numpy failed (rc " + rc + "): " + output.lines().reduce((a, b) -> b).orElse(""));
            row("numpy", "book TwoLayerNet", "skipped", "python3/numpy missing or failed");
            return m;
        }
        Map<String, Object> result = cast(Json.mapper().readValue(lastLine, Map.class));
        List<Map<String, Object>> runs = cast(result.get("runs"));
        List<Double> seconds = new ArrayList<>();
        List<Double> stepSeconds = new ArrayList<>();
        for (Map<String, Object> r : runs) {
            seconds.add(((Number) r.get("seconds")).doubleValue());
            stepSeconds.add(((Number) r.get("step_seconds")).doubleValue());
        }
        m.putAll(result);
        m.put("seconds_median", median(seconds));
        m.put("step_seconds_median", median(stepSeconds));
        Map<String, Object> first = runs.get(0);
        row("numpy", "book TwoLayerNet 784-50-10, batch 100, lr 0.1: time to 0.97 (median of " + runs.size() + ")",
                fmt(median(seconds)) + " s", "steps only " + fmt(median(stepSeconds)) + " s; run 1: " + first.get("epochs")
                        + " epochs, " + first.get("steps") + " steps, acc " + first.get("test_accuracy"));
        return m;
    }

    static Map<String, Object> machine() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nproc", Runtime.getRuntime().availableProcessors());
        String cpu = "unknown";
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.exists(cpuinfo)) {
            cpu = Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(cpu);
        }
        m.put("cpu", cpu);
        m.put("blas", Blas.implementation());
        for (String v : new String[] {"OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"}) {
            m.put(v, System.getenv().getOrDefault(v, "unset"));
        }
        m.put("openblas_core", openblasCore());
        // What a plain JVM's netlib (and numpy, PyTorch) would load: none, Debian's reference BLAS or its OpenBLAS.
        Path systemBlas = Path.of("/usr/lib/x86_64-linux-gnu/libblas.so.3");
        m.put("system_libblas_so_3", Files.exists(systemBlas) ? systemBlas.toRealPath().toString() : "none");
        m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
        m.put("spark", org.apache.spark.package$.MODULE$.SPARK_VERSION());
        m.put("load_average_start", loadAverage());
        return m;
    }

    /**
     * The kernel OpenBLAS picked on this CPU (its {@code openblas_get_corename}), from a fresh JVM that loads the
     * library with {@code OPENBLAS_VERBOSE=2}, the environment otherwise unchanged (so OPENBLAS_CORETYPE counts).
     */
    private static String openblasCore() {
        try {
            ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                    "-Xmx128m", "--add-modules=jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                    NativeBlas.class.getName(), "true").redirectErrorStream(true);
            pb.environment().put("OPENBLAS_VERBOSE", "2");
            Process p = pb.start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return output.lines().filter(l -> l.startsWith("Core: ")).map(l -> l.substring(6).trim()).findFirst()
                    .orElse("unknown (" + output.lines().reduce((a, b) -> b).orElse("no output") + ")");
        } catch (IOException | InterruptedException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** Adds the end of the run to {@code json}'s machine facts: the load average, and the BLAS this JVM mapped. */
    static void machineEnd(Map<String, Object> json) {
        Map<String, Object> machine = cast(json.get("machine"));
        machine.put("load_average_end", loadAverage());
        machine.put("mapped_blas_libraries_end", MllibBlas.mappedBlasLibraries());
    }

    /** /proc/loadavg's first three fields: the machine is shared, so say how busy it was. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static Map<String, String> readConf(Path file) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] kv = l.split("\\s+", 2);
            m.put(kv[0], kv.length > 1 ? kv[1].strip() : "");
        }
        return m;
    }

    private void row(String part, String what, String value, String note) {
        rows.add(new String[] {part, what, value, note});
        out.printf("[%s] %s: %s %s%n", part, what, value, note);
    }

    static double medianOf(int n, DoubleSupplier timed) {
        List<Double> v = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            v.add(timed.getAsDouble());
        }
        return median(v);
    }

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static double[] filled(int n) {
        double[] a = new double[n];
        Arrays.fill(a, 0.01);
        return a;
    }

    private static float[] filledF(int n) {
        float[] a = new float[n];
        Arrays.fill(a, 0.01f);
        return a;
    }

    @SuppressWarnings("unchecked")
    static <T> T cast(Object o) {
        return (T) o;
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String fmt4(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static String fmt0(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }

    /** {@code met (0.42 <= 0.5)} or {@code not met: 0.61 > 0.5, 22% over}. */
    static String met(double value, double target) {
        return value <= target ? "target <= " + fmt(target) + ": met"
                : "target <= " + fmt(target) + ": not met, " + pct(value / target - 1) + " over";
    }

    static String metAtLeast(double value, double target) {
        return value >= target ? "target >= " + pct(target) + ": met"
                : "target >= " + pct(target) + ": not met, " + pct(1 - value / target) + " short";
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.0f%%", 100 * v);
    }
}
