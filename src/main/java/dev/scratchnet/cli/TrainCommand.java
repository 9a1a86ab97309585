package dev.scratchnet.cli;

import dev.scratchnet.data.Mnist;
import dev.scratchnet.math.Blas;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.report.RunLock;
import dev.scratchnet.ScratchnetException;
import dev.scratchnet.spark.ExecutorWatchdog;
import dev.scratchnet.spark.CachedCleanSparkContext;
import dev.scratchnet.spark.SparkEngine;
import dev.scratchnet.training.Checkpoint;
import dev.scratchnet.training.GradientEngine;
import dev.scratchnet.training.LocalEngine;
import dev.scratchnet.training.Optimizer;
import dev.scratchnet.training.Setting;
import dev.scratchnet.training.TrainConfig;
import dev.scratchnet.training.Trainer;
import dev.scratchnet.training.TrainingState;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** {@code train}: MNIST on Spark with the configured settings, writing the run's outputs. */
final class TrainCommand {
    private TrainCommand() {}

    static int run(SparkSettings settings, boolean inProcess, PrintStream out) {
        TrainConfig config = settings.config();
        try (RunLock lock = RunLock.acquire(List.of(
                new RunLock.Folder("output folder (" + Setting.OUT.key() + ")", Path.of(config.out())),
                new RunLock.Folder("checkpoint folder (" + Setting.CHECKPOINT_DIR.key() + ")",
                        Path.of(config.checkpointFolder()))))) {
            return runLocked(settings, inProcess, out);
        }
    }

    private static int runLocked(SparkSettings settings, boolean inProcess, PrintStream out) {
        TrainConfig config = settings.config();
        Path outDir = Path.of(config.out());
        RunLog.header(out, inProcess ? "train --in-process" : "train", config);

        long t0 = System.nanoTime();
        Mnist.Split data = MnistData.load(config.dataDir(), out);
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        NetworkSpec spec = config.network(data.train().features(), data.train().classes());
        TrainingState state = null;
        if (config.resume()) {
            state = Checkpoint.load(Path.of(config.checkpointFolder()), config, spec);
        }

        if (inProcess) {
            return runInProcess(config, spec, data, state, loadSeconds, outDir, out);
        }
        SparkConf conf = settings.sparkConf().clone();
        conf.setIfMissing("spark.master", "local[*]");
        conf.setIfMissing("spark.app.name", "scratchnet");
        long t1 = System.nanoTime();
        try (JavaSparkContext sc = startSpark(conf, config.closureCheckCache());
             ExecutorWatchdog watchdog = new ExecutorWatchdog(sc, config.noExecutorTimeout())) {
            try {
                return train(sc, config, data, spec, state, loadSeconds, t1, outDir, out);
            } catch (Exception e) { // Spark's SparkException is checked in Java's eyes but thrown unchecked
                Path checkpoints = Path.of(config.checkpointFolder());
                String resume = Checkpoint.exists(checkpoints)
                        ? "; the checkpoint in " + checkpoints + " continues with " + Setting.RESUME.key() + "=true" : "";
                if (watchdog.fired()) {
                    throw new ScratchnetException(String.format(Locale.ROOT,
                            "no executors for %.0f s on %s (cluster gone, or no free cores): giving up%s",
                            config.noExecutorTimeout(), sc.master(), resume), e);
                }
                if (!sc.isLocal() && sc.sc().isStopped()) {
                    // Spark stops the context itself when it cannot register with the master (about 60 s).
                    throw new ScratchnetException("Spark stopped the application on " + sc.master()
                            + " (master unreachable, authentication rejected, or application killed: the log above says which)"
                            + resume, e);
                }
                throw e;
            }
        }
    }

    private static int train(JavaSparkContext sc, TrainConfig config, Mnist.Split data, NetworkSpec spec,
                             TrainingState state, double loadSeconds, long t1, Path outDir, PrintStream out) {
        int partitions = config.partitions() == 0 ? sc.defaultParallelism() : config.partitions();
        try (SparkEngine engine = new SparkEngine(sc, spec, data.train(), data.test(), partitions,
                config.treeDepth(), config.failTaskOnce(), config.singlePrecision())) {
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("spark_master", sc.master());
            run.put("spark_version", sc.version());
            run.put("partitions", partitions);
            run.put("spark_startup_seconds", (System.nanoTime() - t1) / 1e9);
            run.put("cached_data_bytes", engine.cachedBytes());
            trainWith(engine, String.format(Locale.ROOT, " | cached %.1f MB", engine.cachedBytes() / 1e6), run,
                    config, spec, data, state, loadSeconds, outDir, out);
        }
        return Main.OK;
    }

    /** A SparkContext, or one line naming the master when Spark refuses to start (a bad URL, say). */
    private static JavaSparkContext startSpark(SparkConf conf, boolean closureCheckCache) {
        try {
            return closureCheckCache ? CachedCleanSparkContext.start(conf) : new JavaSparkContext(conf);
        } catch (Exception e) { // Scala throws SparkException (checked in Java) undeclared
            String why = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.getClass().getName());
            throw new dev.scratchnet.ScratchnetException("cannot start Spark (spark.master=" + conf.get("spark.master")
                    + "): " + why, e);
        }
    }

    private static int runInProcess(TrainConfig config, NetworkSpec spec, Mnist.Split data, TrainingState resumed,
                                    double loadSeconds, Path outDir, PrintStream out) {
        LocalEngine engine = new LocalEngine(spec, data.train(), data.test(), config.singlePrecision());
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("spark_master", null);
        run.put("engine", engine.describe());
        run.put("partitions", 1);
        trainWith(engine, "", run, config, spec, data, resumed, loadSeconds, outDir, out);
        return Main.OK;
    }

    /**
     * The run itself, whatever the engine: fresh or resumed state, the trainer with its outputs, and
     * summary.json with {@code run} (what is particular to the engine) plus what every run records.
     */
    private static void trainWith(GradientEngine engine, String dataNote, Map<String, Object> run, TrainConfig config,
                                  NetworkSpec spec, Mnist.Split data, TrainingState resumed, double loadSeconds,
                                  Path outDir, PrintStream out) {
        out.printf(Locale.ROOT, "data: %d train, %d test examples (%.1f s) | %s%s%n", data.train().size(),
                data.test().size(), loadSeconds, engine.describe(), dataNote);
        TrainingState state = resumed;
        if (state == null) {
            double[] params = config.weightInit().initialize(spec, config.seed());
            state = TrainingState.fresh(params, Optimizer.create(config.optimizer(), config.learningRate(),
                    config.momentum(), spec.parameterCount()));
        } else {
            out.printf(Locale.ROOT, "resuming from %s at epoch %d step %d (global step %d)%n",
                    config.checkpointFolder(), state.epoch() + 1, state.stepInEpoch(), state.globalStep());
        }
        out.printf(Locale.ROOT, "network %s (%d parameters) | batch %d = %d steps/epoch | %s lr %s%n",
                spec.describe(), spec.parameterCount(), config.batchSize(),
                engine.trainSize() / config.batchSize(), config.optimizer(), config.learningRate());
        RunOutputs outputs = new RunOutputs(outDir, config, spec);
        Trainer.Result result = new Trainer(config, engine, out, outputs).run(state);
        run.put("blas", Blas.implementation());
        run.put("java_version", System.getProperty("java.version"));
        run.put("data_load_seconds", loadSeconds);
        run.put("examples_per_second", result.trainSeconds() > 0
                ? result.steps() * (double) config.batchSize() / result.trainSeconds() : null);
        outputs.finish(result, run);
        done(result, outDir, out);
    }

    private static void done(Trainer.Result result, Path outDir, PrintStream out) {
        out.printf(Locale.ROOT, "done: test accuracy %.4f after %d epochs, %d steps, %.1f s of training | outputs in %s%n",
                result.last().testAccuracy(), result.last().epoch(), result.steps(), result.trainSeconds(), outDir);
    }
}
