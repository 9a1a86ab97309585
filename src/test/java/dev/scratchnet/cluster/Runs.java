package dev.scratchnet.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.scratchnet.run.ModelFile;
import dev.scratchnet.testing.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Real processes for the integration tests: {@code ./submit.sh} runs and {@code local-cluster.sh}, each with
 * its output in files and a deadline after which it is killed and the test fails (nothing hangs CI).
 */
final class Runs {
    private Runs() {}

    static Path root() {
        return TestData.projectDir();
    }

    /** A short training run: 784-20-10, 40 steps of 1,000 in 2 partitions, no train-set evaluation, no UI. */
    static List<String> shortRun(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--conf", "spark.ui.enabled=false",
                "--conf", "spark.scratchnet.data.dir=" + TestData.mnistDir(),
                "--conf", "spark.scratchnet.out=" + out,
                "--conf", "spark.scratchnet.hidden=20",
                "--conf", "spark.scratchnet.epochs=1",
                "--conf", "spark.scratchnet.steps=40",
                // Pinned rather than taken from conf/spark-defaults.conf, which may change: 60 steps an epoch.
                "--conf", "spark.scratchnet.batchSize=1000",
                "--conf", "spark.scratchnet.validationFraction=0",
                "--conf", "spark.scratchnet.targetAccuracy=0",
                "--conf", "spark.scratchnet.evalTrain=false",
                "--conf", "spark.scratchnet.partitions=2",
                "--conf", "spark.scratchnet.progressSeconds=1"));
        args.addAll(Arrays.asList(extra));
        return args;
    }

    /** A started process, its stdout and stderr in files. */
    record Proc(Process process, Path stdout, Path stderr, long startNanos) {
        String out() {
            return read(stdout);
        }

        String err() {
            return read(stderr);
        }

        /** The run's log file (conf/log4j2.properties: every stack trace), or "" when nothing was logged. */
        String log() {
            return read(stdout.resolveSibling(stdout.getFileName().toString().replaceFirst("\\.out$", ".log")));
        }

        /** Sends {@code signal} (e.g. INT, TERM) to the process: submit.sh execs java, so this is the driver. */
        void signal(String signal) throws IOException, InterruptedException {
            new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start().waitFor();
        }

        /** Waits for the exit code; kills the process and fails after {@code seconds}. */
        int waitFor(long seconds) throws InterruptedException {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                fail("still running after " + seconds + " s; stdout:\n" + out() + "\nstderr:\n" + tail(err(), 40));
            }
            return process.exitValue();
        }

        double seconds() {
            return (System.nanoTime() - startNanos) / 1e9;
        }

        /** Waits until {@code condition} holds, failing if the process exits first or after {@code seconds}. */
        void await(String what, long seconds, BooleanSupplier condition) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (!condition.getAsBoolean()) {
                if (!process.isAlive()) {
                    fail("exited (" + process.exitValue() + ") before " + what + "; stdout:\n" + out()
                            + "\nstderr:\n" + tail(err(), 40));
                }
                if (System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    fail("no " + what + " after " + seconds + " s; stdout:\n" + out());
                }
                Thread.sleep(100);
            }
        }
    }

    /** Starts {@code ./submit.sh args...} in the project folder, logging into {@code logs/<name>.out|err}. */
    static Proc submit(Path logs, String name, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(root().resolve("submit.sh").toString());
        command.addAll(args);
        return start(logs, name, command, Map.of());
    }

    /**
     * The reference a cluster run is compared with: {@link #shortRun} (plus {@code extra}) into {@code out} in
     * {@code local[2]}, run to its end; fails the test unless it exits 0.
     */
    static void localReference(Path logs, String name, Path out, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--master", "local[2]"));
        args.addAll(shortRun(out, extra));
        Proc p = submit(logs, name, args);
        org.junit.jupiter.api.Assertions.assertEquals(0, p.waitFor(300), p.err());
    }

    /**
     * As {@link #submit}, with SIGINT's disposition reset to the default first ({@code env --default-signal=INT},
     * GNU coreutils 8.31 and later; without it, as {@link #submit}). A build started in the background by a
     * non-interactive shell (a CI runner, {@code nohup ... &}) hands its children SIGINT ignored, and a JVM
     * started so keeps ignoring it, as a Unix program should: a Ctrl-C test needs the disposition a terminal
     * gives.
     */
    static Proc submitInterruptible(Path logs, String name, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        if (envResetsSignals()) {
            command.addAll(List.of("env", "--default-signal=INT"));
        }
        command.add(root().resolve("submit.sh").toString());
        command.addAll(args);
        return start(logs, name, command, Map.of());
    }

    private static Boolean envResetsSignals;

    private static synchronized boolean envResetsSignals() {
        if (envResetsSignals == null) {
            try {
                Process p = new ProcessBuilder("env", "--default-signal=INT", "true").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                envResetsSignals = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException | InterruptedException e) {
                envResetsSignals = false;
            }
        }
        return envResetsSignals;
    }

    static Proc start(Path logs, String name, List<String> command, Map<String, String> env) throws IOException {
        Files.createDirectories(logs);
        ProcessBuilder pb = new ProcessBuilder(command).directory(root().toFile())
                .redirectOutput(logs.resolve(name + ".out").toFile())
                .redirectError(logs.resolve(name + ".err").toFile());
        // Our own Spark home and conf, whatever the machine has.
        pb.environment().remove("SPARK_HOME");
        pb.environment().remove("SPARK_CONF_DIR");
        // Each run's log file (full stack traces) next to its console output.
        pb.environment().put("SPARK_SUBMIT_OPTS", "-Dscratchnet.log=" + logs.resolve(name + ".log"));
        pb.environment().putAll(env);
        return new Proc(pb.start(), logs.resolve(name + ".out"), logs.resolve(name + ".err"), System.nanoTime());
    }

    /** Runs a command to the end within {@code seconds}; fails unless it exits 0. */
    static Proc runOk(Path logs, String name, List<String> command, Map<String, String> env, long seconds)
            throws IOException, InterruptedException {
        Proc p = start(logs, name, command, env);
        int code = p.waitFor(seconds);
        assertEquals(0, code, name + " failed; stdout:\n" + p.out() + "\nstderr:\n" + tail(p.err(), 40));
        return p;
    }

    /** The final parameters of a run: its model loaded from {@code <out>}, flattened. */
    static double[] params(Path out) {
        return ModelFile.load(out).params();
    }

    /** Equal up to floating-point summation order: max relative difference ≤ 1e-9. */
    static void assertSameParams(Path expected, Path actual) {
        double[] e = params(expected);
        double[] a = params(actual);
        assertEquals(e.length, a.length, "parameter counts");
        double diff = TestData.maxRelativeDifference(a, e);
        System.out.printf("params of %s vs %s: max relative difference %.3g%n", actual, expected, diff);
        assertTrue(diff <= 1e-9, "max relative difference " + diff + " between " + actual + " and " + expected);
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
