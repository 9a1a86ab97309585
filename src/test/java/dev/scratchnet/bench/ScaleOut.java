package dev.scratchnet.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The same run as a user starts it, {@code ./submit.sh} with {@code conf/spark-defaults.conf} and a fixed number
 * of epochs (no stop rule), in {@code local[2]} as the conf has it, and on {@code src/main/sh/local-cluster.sh}'s
 * standalone cluster with 1, 2 and 4 workers of 1 core each (executors in their own JVMs), a partition an executor
 * and a Spark job a step ({@code engine=step}) of {@link #CLUSTER_BATCH} examples: time per epoch and per step, read from the run's own epoch lines. Each
 * run is a fresh JVM, so its first epoch is what a user's first epoch costs.
 */
final class ScaleOut {
    /** {@code epoch 2 | 3.1 s (steps 1.45 s, eval 0.10 s) | step 110 | ...}. */
    private static final Pattern EPOCH = Pattern.compile(
            "^epoch (\\d+)( \\(partial\\))? \\| ([0-9.]+) s \\(steps ([0-9.]+) s, eval ([0-9.]+) s\\) \\| step (\\d+) ");

    private final Path project;
    private final Path work;
    private final PrintStream out;

    ScaleOut(Path project, PrintStream out) {
        this.project = project;
        this.work = project.resolve("target/bench/scale-out");
        this.out = out;
    }

    /** One ./submit.sh run's epochs: seconds of each (steps and evaluation), seconds of its steps, steps. */
    record Epochs(List<Double> seconds, List<Double> stepSeconds, List<Long> steps) {
        double firstOverLater() {
            return seconds.get(0) / Benchmark.median(seconds.subList(1, seconds.size()));
        }

        double laterEpochSeconds() {
            return Benchmark.median(seconds.subList(1, seconds.size()));
        }

        double laterStepMillis() {
            List<Double> ms = new ArrayList<>();
            for (int i = 1; i < seconds.size(); i++) {
                ms.add(1000 * stepSeconds.get(i) / steps.get(i));
            }
            return Benchmark.median(ms);
        }
    }

    /** The cluster sizes measured. */
    static final int[] WORKERS = {1, 2, 4};
    /** The global batch of the cluster runs: enough compute a step for sharing it out to show. */
    static final int CLUSTER_BATCH = 2000;

    /** Runs local[2], then the cluster with 1, 2 and 4 workers, {@code epochs} epochs each. */
    Map<String, Object> run(int epochs) throws IOException, InterruptedException {
        Map<String, Object> m = new LinkedHashMap<>();
        if (!Files.isDirectory(project.resolve("target/spark-home/jars"))) {
            m.put("skipped", "no target/spark-home: run mvn package first");
            return m;
        }
        Files.createDirectories(work);
        m.put("epochs", epochs);
        m.put("local[2]", describe(submit("local", List.of("--master", "local[2]"), epochs, List.of())));
        for (int workers : WORKERS) {
            Path state = work.resolve("cluster-" + workers);
            Map<String, String> env = Map.of("SCRATCHNET_CLUSTER_DIR", state.toString(),
                    "SCRATCHNET_WORKERS", String.valueOf(workers));
            command("cluster-" + workers + "-start", List.of(script(), "start"), env, 240);
            try {
                m.put("cluster_" + workers + "_worker" + (workers > 1 ? "s" : ""), describe(submit("cluster-" + workers,
                        List.of("--properties-file", state.resolve("cluster.conf").toString(), "--load-spark-defaults"),
                        epochs, List.of("partitions=" + workers, "engine=step", "batchSize=" + CLUSTER_BATCH))));
            } finally {
                command("cluster-" + workers + "-stop", List.of(script(), "stop"), env, 120);
            }
        }
        return m;
    }

    private String script() {
        return project.resolve("src/main/sh/local-cluster.sh").toString();
    }

    private static Map<String, Object> describe(Epochs e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch_seconds", e.seconds());
        m.put("step_seconds", e.stepSeconds());
        m.put("steps", e.steps());
        m.put("later_epoch_seconds_median", e.laterEpochSeconds());
        m.put("later_step_ms_median", e.laterStepMillis());
        m.put("first_over_later_epoch", e.firstOverLater());
        return m;
    }

    private Epochs submit(String name, List<String> sparkArgs, int epochs, List<String> settings)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(project.resolve("submit.sh").toString());
        command.addAll(sparkArgs);
        List<String> all = new ArrayList<>(List.of("epochs=" + epochs, "steps=0", "targetAccuracy=0", "patience=0",
                "progressSeconds=0", "out=" + work.resolve("out-" + name)));
        all.addAll(settings);
        for (String kv : all) {
            command.add("--conf");
            command.add("spark.scratchnet." + kv);
        }
        command.add("train");
        String stdout = command(name, command, Map.of(), 900);
        List<Double> seconds = new ArrayList<>();
        List<Double> stepSeconds = new ArrayList<>();
        List<Long> steps = new ArrayList<>();
        double before = 0;
        long stepBefore = 0;
        for (String line : stdout.split("\n")) {
            Matcher x = EPOCH.matcher(line);
            if (x.find()) {
                double at = Double.parseDouble(x.group(3));
                long step = Long.parseLong(x.group(6));
                seconds.add(at - before);
                stepSeconds.add(Double.parseDouble(x.group(4)));
                steps.add(step - stepBefore);
                before = at;
                stepBefore = step;
            }
        }
        if (seconds.size() < 2) {
            throw new IllegalStateException(name + ": fewer than 2 epoch lines in its output:\n" + stdout);
        }
        Epochs e = new Epochs(seconds, stepSeconds, steps);
        out.printf("scale-out %s: epochs %s s, %.1f ms a step after epoch 1%n", name, seconds, e.laterStepMillis());
        return e;
    }

    private String command(String name, List<String> command, Map<String, String> env, long seconds)
            throws IOException, InterruptedException {
        return command(project, work, name, command, env, seconds);
    }

    /**
     * Runs {@code command} in {@code project} without SPARK_HOME / SPARK_CONF_DIR (so {@code ./submit.sh} uses the
     * project's own), output in {@code work/NAME.out} and {@code .err}; its stdout, or an exception with its output
     * when it fails or runs longer than {@code seconds}.
     */
    static String command(Path project, Path work, String name, List<String> command, Map<String, String> env,
                          long seconds) throws IOException, InterruptedException {
        Path stdout = work.resolve(name + ".out");
        Path stderr = work.resolve(name + ".err");
        ProcessBuilder pb = new ProcessBuilder(command).directory(project.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        pb.environment().remove("SPARK_HOME");
        pb.environment().remove("SPARK_CONF_DIR");
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IllegalStateException(name + ": still running after " + seconds + " s (see " + stdout + ")");
        }
        String text = Files.readString(stdout, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException(name + " exited " + p.exitValue() + ":\n" + text + "\n"
                    + Files.readString(stderr, StandardCharsets.UTF_8));
        }
        return text;
    }
}
