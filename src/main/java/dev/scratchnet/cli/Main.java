package dev.scratchnet.cli;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.config.Configuration;
import dev.scratchnet.network.GradientCheck;
import dev.scratchnet.partition.PartitionStep;
import dev.scratchnet.registry.DataSettings;
import dev.scratchnet.registry.Settings;
import dev.scratchnet.spark.SparkEngine;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code scratchnet [train | gradcheck | evaluate --model PATH | fetch-data]}, run by spark-submit
 * (see {@code submit.sh}). Exit codes: 0 done, 1 a check failed (gradcheck over tolerance), 2 a user
 * error (one line on stderr), 3 an internal failure.
 */
@Command(name = "scratchnet", mixinStandardHelpOptions = true, version = "scratchnet 0.1.0",
        description = "Deep Learning from Scratch, chapter 5, trained by synchronous SGD on Spark.",
        subcommands = {Main.Train.class, Main.GradCheck.class, Main.Evaluate.class, Main.FetchData.class})
public final class Main implements Callable<Integer> {
    static final int OK = 0;
    static final int CHECK_FAILED = 1;
    static final int USER_ERROR = 2;
    static final int INTERNAL_ERROR = 3;

    public static void main(String[] args) throws org.apache.spark.SparkUserAppException {
        Interrupts.install(System.err);
        int code = run(args, System.out, System.err);
        System.out.flush();
        if (inYarnApplicationMaster()) {
            // YARN's ApplicationMaster runs this method in a thread and reports the application's final status when it
            // returns; System.exit would end the container first, and the application would be FAILED (and retried)
            // whatever the code. A non-zero code is handed to the ApplicationMaster, which exits with it.
            if (code != OK) {
                throw new org.apache.spark.SparkUserAppException(code, null);
            }
            return;
        }
        if (code == OK) {
            classArchiveWritten(System.getProperty(CLASS_ARCHIVE), System.err);
        }
        // The run's last line is said. Spark's threads may still print as the JVM exits (a Scala future completing
        // into a pool Spark has shut down prints its stack trace on standard error, after a master gave up): that goes
        // to the log file, not the console.
        System.setErr(new dev.scratchnet.ml.LogStream(org.apache.logging.log4j.LogManager.getLogger(SparkConsole.TRACE_LOGGER)));
        System.exit(code);
    }

    /** The temporary name of the class archive this JVM writes as it exits (set by {@code submit.sh}), or unset. */
    static final String CLASS_ARCHIVE = "scratchnet.classArchive";

    /**
     * After a run that succeeded, in a JVM that writes {@code submit.sh}'s class archive as it exits: the marker that
     * lets the next run use the archive, and a line saying why the JVM still works after the run's last line.
     * A failed run writes no marker: an archive of its classes would miss most of a run's.
     */
    static void classArchiveWritten(String archive, PrintStream err) {
        if (archive == null || archive.isEmpty()) {
            return;
        }
        try {
            java.nio.file.Files.write(java.nio.file.Path.of(archive + ".ok"), new byte[0]);
            err.println("scratchnet: saving the driver's classes for faster starts, once (a few seconds): "
                    + archive.replaceFirst("\\.\\d+\\.tmp$", ""));
        } catch (java.io.IOException | RuntimeException e) {
            // no marker: the next run discards the archive and this run's result stands
        }
    }

    /** Whether this is the driver of a {@code --master yarn --deploy-mode cluster} run (inside the ApplicationMaster). */
    static boolean inYarnApplicationMaster() {
        org.apache.spark.SparkConf conf = new org.apache.spark.SparkConf();
        return conf.get("spark.master", "").equals("yarn") && conf.get("spark.submit.deployMode", "client").equals("cluster");
    }

    /** Runs a command with the JVM's Spark properties and returns its exit code; never throws for a user mistake. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, new org.apache.spark.SparkConf(), out, err);
    }

    /** Runs a command with an explicit Spark configuration (tests, embedding). */
    public static int run(String[] args, org.apache.spark.SparkConf conf, PrintStream out, PrintStream err) {
        return run(args, conf, out, err, PartitionStep::gradientSum);
    }

    /**
     * As above, Spark tasks computing their share of a step with {@code gradient}: the seam through which
     * integration tests make a task fail on a real cluster. Runs use {@link PartitionStep#gradientSum}.
     */
    public static int run(String[] args, org.apache.spark.SparkConf conf, PrintStream out, PrintStream err,
                          SparkEngine.BlockGradient gradient) {
        List<String> argv = new ArrayList<>(Arrays.asList(args));
        if (argv.isEmpty() || argv.get(0).startsWith("--") && !argv.get(0).equals("--help")
                && !argv.get(0).equals("--version")) {
            argv.add(0, "train");
        }
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("scratchnet: " + e.getMessage() + " (try --help)");
            return USER_ERROR;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> failure(e, err));
        Context.out = out;
        Context.conf = conf;
        Context.gradient = gradient;
        try {
            return cli.execute(argv.toArray(new String[0]));
        } catch (Throwable e) { // an Error (OutOfMemoryError, …) passes picocli's handler
            return failure(e, err);
        }
    }

    /**
     * One line for any failure: a user mistake found anywhere in the causes (exit 2; an interrupt, 130 or 143),
     * else an internal failure (exit 3) whose stack trace goes to the log file, not the console.
     */
    static int failure(Throwable e, PrintStream err) {
        Throwable cause = e;
        while (cause != null && !(cause instanceof ScratchnetException)) {
            cause = cause.getCause();
        }
        if (cause instanceof StopWithCode stop) {
            err.println("scratchnet: " + stop.getMessage());
            return stop.code();
        }
        if (cause != null) {
            err.println("scratchnet: " + cause.getMessage());
            return USER_ERROR;
        }
        String log = SparkConsole.recordTrace("internal failure", e);
        String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        String what = e instanceof OutOfMemoryError
                ? "out of memory on the driver (" + first + "): give it more (--driver-memory) or use a smaller network"
                : "internal failure: " + e.getClass().getName() + (first.equals("null") ? "" : ": " + first);
        err.println("scratchnet: " + what + (log == null ? "" : " (stack trace in " + log + ")"));
        return INTERNAL_ERROR;
    }

    @Override
    public Integer call() {
        return new Train().call();
    }

    /** Shared streams for the commands (picocli instantiates them). */
    static final class Context {
        static PrintStream out = System.out;
        static org.apache.spark.SparkConf conf;
        static SparkEngine.BlockGradient gradient;

        static Configuration settings() {
            Map<String, String> properties = new LinkedHashMap<>();
            for (scala.Tuple2<String, String> kv : conf.getAll()) {
                properties.put(kv._1(), kv._2());
            }
            return Settings.parse(properties); // the spark.scratchnet.* keys; Spark's own are ignored
        }

        private Context() {}
    }

    @Command(name = "train", description = "Train on MNIST with the spark.scratchnet.* settings (the default command).")
    static final class Train implements Callable<Integer> {
        @Option(names = "--in-process",
                description = "train in this JVM without Spark (the oracle the distributed trainer must match)")
        boolean inProcess;

        @Override
        public Integer call() {
            return TrainCommand.run(Context.conf, Context.settings(), inProcess, Context.gradient, Context.out);
        }
    }

    @Command(name = "gradcheck",
            description = "Compare backprop with numerical gradients on three MNIST examples (the book's gradient_check.py).")
    static final class GradCheck implements Callable<Integer> {
        @Option(names = "--examples", defaultValue = "3", description = "how many training examples (default 3)")
        int examples;

        @Option(names = "--tolerance", defaultValue = "" + GradientCheck.DEFAULT_TOLERANCE,
                description = "largest accepted mean absolute difference (default ${DEFAULT-VALUE})")
        double tolerance;

        @Override
        public Integer call() {
            return GradCheckCommand.run(Context.settings(), examples, tolerance, Context.out);
        }
    }

    @Command(name = "evaluate", description = "Reload a saved model and print its MNIST test accuracy.")
    static final class Evaluate implements Callable<Integer> {
        @Option(names = "--model", required = true,
                description = "the model: a run's output folder, its model.npz (or any model .npz file), its model.json, "
                        + "or its model.onnx")
        java.nio.file.Path model;

        @Override
        public Integer call() {
            return EvaluateCommand.run(Context.settings(), model, Context.out);
        }
    }

    @Command(name = "fetch-data", description = "Fetch MNIST into spark.scratchnet.data.dir if it is missing, and verify it.")
    static final class FetchData implements Callable<Integer> {
        @Override
        public Integer call() {
            java.nio.file.Path dir = java.nio.file.Path.of(Context.settings().get(DataSettings.DATA_DIR));
            dev.scratchnet.data.MnistFetcher.ensure(dir, Context.out);
            dev.scratchnet.data.MnistFetcher.verify(dir);
            Context.out.println("MNIST in " + dir + ": verified");
            return OK;
        }
    }
}
