package dev.scratchnet.cli;

import dev.scratchnet.Resources;
import dev.scratchnet.ScratchnetException;
import dev.scratchnet.config.Configuration;
import dev.scratchnet.data.Mnist;
import dev.scratchnet.layers.Shape;
import dev.scratchnet.math.NativeBlas;
import dev.scratchnet.network.NetworkSettings;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.registry.DataSettings;
import dev.scratchnet.registry.EngineSettings;
import dev.scratchnet.report.AccuracyChart;
import dev.scratchnet.run.EngineFacts;
import dev.scratchnet.run.RunInterrupted;
import dev.scratchnet.run.RunOutputs;
import dev.scratchnet.run.RunSummary;
import dev.scratchnet.run.TrainingRun;
import dev.scratchnet.spark.ArithmeticJit;
import dev.scratchnet.spark.CachedCleanSparkContext;
import dev.scratchnet.spark.DataSources;
import dev.scratchnet.spark.ExecutorWatchdog;
import dev.scratchnet.spark.SparkEngine;
import dev.scratchnet.training.JitWarmUp;
import dev.scratchnet.training.LocalEngine;
import dev.scratchnet.training.OutputSettings;
import dev.scratchnet.training.Trainer;
import dev.scratchnet.training.TrainingSettings;
import dev.scratchnet.training.TrainingState;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** {@code train}: MNIST on Spark (or in this JVM) with the configured settings, writing the run's outputs. */
final class TrainCommand {
    private TrainCommand() {}

    /** The run's last line (the README quotes one): the accuracies, epochs, steps, seconds, the output folder. */
    static final String DONE = "done: %safter %d epochs, %d steps, %.1f s of training | outputs in %s%n";

    static int run(SparkConf sparkConf, Configuration config, boolean inProcess, SparkEngine.BlockGradient gradient,
                   PrintStream out) {
        DataSettings.checkPaths(config);
        // before the output folder is made
        if (inProcess) {
            MnistData.checkLoadable(config, IN_PROCESS);
        }
        MnistData.checkLocalDir(config, stepsHere(sparkConf, inProcess)
                && (inProcess || !sparkConf.contains("spark.hadoop.fs.defaultFS")));
        try (OutputFolders folders = OutputFolders.open(config, sparkConf)) {
            return runIn(folders, sparkConf, config, inProcess, gradient, out);
        }
    }

    /**
     * Whether the steps run in this JVM: in process, or on a local master (a cluster's executors, and local-cluster's,
     * are other JVMs).
     */
    private static boolean stepsHere(SparkConf sparkConf, boolean inProcess) {
        return inProcess || localMaster(sparkConf.get("spark.master", "local[*]"));
    }

    /** Whether {@code master} runs the executor in the driver's JVM: {@code local}, {@code local[N]}, not local-cluster. */
    private static boolean localMaster(String master) {
        return master.equals("local") || master.startsWith("local[");
    }

    /**
     * The partitions a run on a {@code local} master will have, before Spark starts: the configured count, or for
     * {@code auto} Spark's default parallelism there (its setting, else the master's threads). Only for the warm-up,
     * which adds its steps' sums as the run will: a wrong guess costs time, not bits.
     */
    static int localPartitions(SparkConf sparkConf, Configuration config) {
        int configured = config.get(EngineSettings.PARTITIONS);
        if (configured > 0) {
            return configured;
        }
        if (sparkConf.contains("spark.default.parallelism")) {
            return Math.max(1, sparkConf.getInt("spark.default.parallelism", 1));
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("local\\[(\\d+|\\*)(,\\d+)?]")
                .matcher(sparkConf.get("spark.master", "local[*]"));
        if (!m.matches()) {
            return 1;
        }
        try {
            return m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Math.max(1, Integer.parseInt(m.group(1)));
        } catch (NumberFormatException e) {
            return 1; // Spark says what is wrong with the master
        }
    }

    private static int runIn(OutputFolders folders, SparkConf sparkConf, Configuration config, boolean inProcess,
                             SparkEngine.BlockGradient gradient, PrintStream out) {
        String outDir = config.get(OutputSettings.OUT);
        if (folders.out != null) {
            AccuracyChart.warmUpInBackground(); // while Spark starts, not inside the first epoch's clock
        }
        if (folders.checkpoint != null) {
            dev.scratchnet.report.Sha256.warmUpInBackground(); // the same for the first checkpoint's hash
        }
        NativeBlas.install(config.get(EngineSettings.NATIVE_BLAS));
        if (!inProcess && config.get(EngineSettings.C2_FOR_ARITHMETIC_ONLY)) {
            // Before Spark starts: otherwise C2 spends the start-up compiling Spark's, Hadoop's and the JDK's start-up
            // code (its queue was still full of it at the first step) while the warm-up's arithmetic waits for it.
            ArithmeticJit.apply();
        }
        if (stepsHere(sparkConf, inProcess)) {
            // a step's code compiled while Spark starts, not inside the first epoch
            JitWarmUp.inBackground(config, inProcess ? 1 : localPartitions(sparkConf, config),
                    config.get(EngineSettings.MODE) == EngineSettings.Mode.STEP);
        }
        RunLog.header(out, inProcess ? IN_PROCESS : "train", config);
        RunSummary summary;
        try {
            summary = inProcess ? inProcess(config, folders, out) : onSpark(sparkConf, config, folders, gradient, out);
        } catch (RunInterrupted e) {
            throw new StopWithCode(Interrupts.signalName() + ": " + e.getMessage() + "; the checkpoint in "
                    + folders.checkpointName + " continues with " + OutputSettings.RESUME.key() + "=true",
                    Interrupts.exitCode(), e);
        }
        String accuracy = finalAccuracy(summary);
        out.printf(Locale.ROOT, DONE,
                accuracy.isEmpty() ? "" : accuracy + " ", summary.epochs(), summary.steps(), summary.trainSeconds(), outDir);
        return Main.OK;
    }

    private static final String IN_PROCESS = "train --in-process";

    /** The oracle: MNIST from a local folder, trained in this JVM on one thread. */
    private static RunSummary inProcess(Configuration config, OutputFolders folders, PrintStream out) {
        long t0 = System.nanoTime();
        Mnist.Split data = MnistData.load(config, out, IN_PROCESS);
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        Interrupts.stopIfRequested("after reading the data");
        NetworkSpec spec = NetworkSettings.spec(config, new Shape(1, data.train().rows(), data.train().cols()),
                data.train().classes());
        TrainingRun run = new TrainingRun(config, spec, outputs(folders, config, spec), out)
                .interruptible(Interrupts::requested);
        LocalEngine engine = LocalEngine.of(spec, data.train(), data.test(), config);
        TrainingState state = run.startingState(engine);
        return run.run(engine, state, EngineFacts.inProcess(engine.describe(), loadSeconds)).summary();
    }

    private static RunOutputs outputs(OutputFolders folders, Configuration config, NetworkSpec spec) {
        return RunOutputs.folder(folders.out, folders.checkpoint, config, spec, folders.remotes,
                DataSettings.featureScale(config));
    }

    private static String finalAccuracy(RunSummary s) {
        StringBuilder sb = new StringBuilder();
        if (s.finalTestAccuracy() != null) {
            sb.append(String.format(Locale.ROOT, "test accuracy %.4f", s.finalTestAccuracy()));
        }
        if (s.finalValidationAccuracy() != null) {
            sb.append(sb.length() == 0 ? "" : ", ")
                    .append(String.format(Locale.ROOT, "validation accuracy %.4f", s.finalValidationAccuracy()));
        }
        return sb.toString();
    }

    private static RunSummary onSpark(SparkConf sparkConf, Configuration config, OutputFolders folders,
                                      SparkEngine.BlockGradient gradient, PrintStream out) {
        MnistData.prepare(config, out);
        preflight(sparkConf, config);
        Interrupts.stopIfRequested("before Spark started");
        SparkConf conf = sparkConf.clone();
        conf.setIfMissing("spark.master", "local[*]");
        conf.setIfMissing("spark.app.name", "scratchnet");
        withoutOwnJarInLocalMode(conf);
        long t1 = System.nanoTime();
        JavaSparkContext sc = startSpark(conf, config, out);
        double startupSeconds = (System.nanoTime() - t1) / 1e9;
        // Spark is stopped whatever happens; an exception is first explained while Spark can still say why.
        try (ExecutorWatchdog watchdog = new ExecutorWatchdog(sc, config.get(EngineSettings.NO_EXECUTOR_TIMEOUT))) {
            try {
                return train(sc, config, folders, gradient, out, startupSeconds);
            } catch (Exception e) { // Spark's SparkException is checked in Java's eyes but thrown unchecked
                ScratchnetException explained = explain(e, sc, config, folders, watchdog);
                if (explained != null) {
                    throw explained;
                }
                throw e;
            }
        } finally {
            SparkConsole.stopQuietly(sc);
        }
    }

    /**
     * In local mode the executor runs in this JVM, whose class loader already holds the application's jar, yet Spark
     * copies every jar of {@code spark.jars} through its file server into a temporary folder as the executor starts:
     * 22 MB with the bundled OpenBLAS, 0.3 s of every start. So in local mode this jar leaves {@code spark.jars} (a
     * user's other jars stay); on a cluster every executor still fetches it.
     */
    static void withoutOwnJarInLocalMode(SparkConf conf) {
        String jars = conf.get("spark.jars", "");
        if (!localMaster(conf.get("spark.master", "")) || jars.isBlank()) {
            return;
        }
        Path own;
        try {
            own = Path.of(TrainCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toRealPath();
        } catch (Exception e) { // no code source, not a file: nothing to drop
            return;
        }
        java.util.List<String> kept = new java.util.ArrayList<>();
        for (String jar : jars.split(",")) {
            if (!jar.isBlank() && !own.equals(localRealPath(jar.trim()))) {
                kept.add(jar.trim());
            }
        }
        if (kept.isEmpty()) {
            conf.remove("spark.jars");
        } else {
            conf.set("spark.jars", String.join(",", kept));
        }
    }

    /** The real path of a {@code spark.jars} entry that names a local file ({@code file:} or no scheme), else null. */
    private static Path localRealPath(String jar) {
        try {
            java.net.URI uri = new java.net.URI(jar);
            Path path = uri.getScheme() == null ? Path.of(jar) : uri.getScheme().equals("file") ? Path.of(uri) : null;
            return path == null ? null : path.toRealPath();
        } catch (Exception e) { // not a URI, not a file here: keep it
            return null;
        }
    }

    /** The run on a started Spark: the data read and cached, the network resolved against it, the training. */
    private static RunSummary train(JavaSparkContext sc, Configuration config, OutputFolders folders,
                                    SparkEngine.BlockGradient gradient, PrintStream out, double startupSeconds) {
        Interrupts.stopIfRequested("while Spark started");
        long t2 = System.nanoTime();
        DataSources.Loaded data = load(sc, config, out);
        double loadSeconds = (System.nanoTime() - t2) / 1e9;
        NetworkSpec spec = Resources.closeOnFailure(data::close, () -> NetworkSettings.spec(config,
                DataSources.exampleShape(config, sc.hadoopConfiguration(), data.features()), data.classes(),
                data.train().labelStandardization()));
        TrainingRun run = new TrainingRun(config, spec, outputs(folders, config, spec), out)
                .interruptible(Interrupts::requested);
        // The engine owns the cached data from here on: closing it releases the blocks.
        try (SparkEngine engine = new SparkEngine(sc, spec, data.train(), data.test(), config, gradient)) {
            TrainingState state = run.startingState(engine);
            EngineFacts facts = new EngineFacts(engine.describe(), sc.master(), sc.version(), engine.partitions(),
                    engine.cachedBytes(), startupSeconds, loadSeconds);
            return run.run(engine, state, facts).summary();
        }
    }

    /** The job group of the jobs that read the data, which a request to stop cancels. */
    private static final String LOADING = "scratchnet-load";

    /** The data, read by jobs that a request to stop cancels (the run then ends at once, nothing written). */
    private static DataSources.Loaded load(JavaSparkContext sc, Configuration config, PrintStream out) {
        sc.setJobGroup(LOADING, "reading the data", true);
        DataSources.Loaded data;
        try (Interrupts.Stage stage = Interrupts.during(() -> sc.cancelJobGroup(LOADING))) {
            data = DataSources.load(sc, () -> SparkConsole.session(sc), config, out); // a session only if the source needs one
        } catch (Exception e) { // SparkException too: checked in Java, thrown undeclared by Scala
            if (Interrupts.requested()) {
                throw Interrupts.stopped("while reading the data", e);
            }
            throw e;
        } finally {
            sc.clearJobGroup();
        }
        if (Interrupts.requested()) {
            data.close();
            Interrupts.stopIfRequested("after reading the data");
        }
        return data;
    }

    /**
     * What can be checked against MNIST's IDX headers before Spark starts: the batch size against the training
     * set, and the driver's memory against the network.
     */
    private static void preflight(SparkConf sparkConf, Configuration config) {
        int[] train = DataSources.peekTrain(config, OutputFolders.hadoop(sparkConf));
        if (train == null) {
            return;
        }
        TrainingSettings.batchSize(config, TrainingSettings.validationSplit(config, train[0]).trainPositions(train[0]).length,
                train[0]);
        org.apache.hadoop.conf.Configuration hadoop = OutputFolders.hadoop(sparkConf);
        TrainingRun.checkMemory(NetworkSettings.spec(config, DataSources.exampleShape(config, hadoop, train[1]),
                Mnist.CLASSES), config.get(TrainingSettings.OPTIMIZER), Runtime.getRuntime());
    }

    /** Why a Spark run failed, in one line, when the cause is the cluster rather than the program; else null. */
    private static ScratchnetException explain(Exception e, JavaSparkContext sc, Configuration config,
                                               OutputFolders folders, ExecutorWatchdog watchdog) {
        String resume = dev.scratchnet.run.Checkpoint.exists(folders.checkpoint)
                ? "; the checkpoint in " + folders.checkpointName + " continues with " + OutputSettings.RESUME.key() + "=true"
                : "";
        if (watchdog.fired()) {
            return new ScratchnetException(String.format(Locale.ROOT,
                    "no executors for %.0f s on %s (cluster gone, or no free cores): giving up%s",
                    config.get(EngineSettings.NO_EXECUTOR_TIMEOUT), sc.master(), resume), e);
        }
        if (!sc.isLocal() && sc.sc().isStopped()) {
            // Spark stops the context itself when it cannot register with the master.
            return new ScratchnetException("Spark stopped the application on " + sc.master()
                    + " (master unreachable, authentication rejected, or application killed: the log above says which)"
                    + resume, e);
        }
        return null;
    }

    /** A SparkContext, or one line naming the master when Spark refuses to start (a bad URL, say). */
    private static JavaSparkContext startSpark(SparkConf conf, Configuration config, PrintStream out) {
        try {
            return config.get(EngineSettings.CLOSURE_CHECK_CACHE) ? CachedCleanSparkContext.start(conf, out)
                    : new JavaSparkContext(conf);
        } catch (Exception e) { // Scala throws SparkException (checked in Java) undeclared
            String tooBig = YarnLimits.explain(e, false);
            if (tooBig != null) {
                throw new ScratchnetException(tooBig, e);
            }
            String why = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.getClass().getName());
            throw new ScratchnetException("cannot start Spark (spark.master=" + conf.get("spark.master") + "): " + why, e);
        }
    }
}
