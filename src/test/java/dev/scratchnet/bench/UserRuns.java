package dev.scratchnet.bench;

import dev.scratchnet.config.Configuration;
import dev.scratchnet.network.NetworkSettings;
import dev.scratchnet.report.Json;
import dev.scratchnet.training.TrainingSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What a user sees on MNIST, each run a fresh process, alternating so both see the same machine: PyTorch on one CPU
 * thread with scratchnet's network and optimizer ({@code src/test/python/torch_same_net.py}, Debian's
 * {@code python3-torch} under {@code /usr/bin/python3}; skipped with a note where {@code import torch} fails), and
 * a cold {@code ./submit.sh} with the default conf and the stop rule set to test accuracy 0.97
 * ({@code validationFraction=0}, {@code targetAccuracy=0.97}: all 60,000 images, as PyTorch trains on them). For
 * {@code ./submit.sh} two clocks: the run's own training time to the target (its {@code summary.json}:
 * {@code time_to_target_seconds}, from the first step to the end of the evaluation that first shows ≥ 0.97, PyTorch's
 * clock too) and the process's wall time (JVM start, Spark, data, training, outputs). Medians of {@code repeats},
 * next to MLlib's fit from the {@code mllib} part when it ran, with the ratios issue 19 sets targets on.
 */
final class UserRuns {
    private final Path project;
    private final Path work;
    private final PrintStream out;

    UserRuns(Path project, PrintStream out) {
        this.project = project;
        this.work = project.resolve("target/bench/user-runs");
        this.out = out;
    }

    /** Whether {@code /usr/bin/python3 -c 'import torch'} works: null if so, else why not. */
    static String torchMissing() {
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import torch").redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes()).strip();
            return p.waitFor() == 0 ? null : "import torch failed: " + output.lines().reduce((a, b) -> b).orElse("")
                    + " (apt-get install python3-torch)";
        } catch (IOException | InterruptedException e) {
            return "/usr/bin/python3 not found: " + e.getMessage();
        }
    }

    /**
     * {@code repeats} PyTorch runs and {@code repeats} cold {@code ./submit.sh} runs, alternating; {@code config} is
     * the benchmark's effective configuration (PyTorch gets its network and optimizer); {@code mllib} the mllib part's
     * result or null.
     */
    Map<String, Object> run(Configuration config, boolean torch, boolean cold, int repeats, Map<String, Object> mllib,
                            String bundledCore) throws IOException, InterruptedException {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, String> torchEnv = anchorEnvironment(bundledCore);
        m.put("torch_environment", torchEnv);
        Files.createDirectories(work);
        m.put("load_average_start", Benchmark.loadAverage());
        String missing = torch ? torchMissing() : "not selected";
        if (missing != null) {
            m.put("torch_skipped", missing);
        }
        List<String> torchArgs = torchArguments(config);
        if (missing == null && torchArgs == null) {
            missing = "scratchnet's settings have no PyTorch equivalent in the script (" + config.text(NetworkSettings.WEIGHT_INIT)
                    + ", " + config.text(TrainingSettings.LR_SCHEDULE) + ")";
            m.put("torch_skipped", missing);
        }
        if (cold) {
            // Untimed: builds the jar if a source is newer (submit.sh would otherwise do it inside the first clock).
            ScaleOut.command(project, work, "submit-help", List.of(project.resolve("submit.sh").toString(), "help"),
                    Map.of(), 900);
        }
        List<Map<String, Object>> torchRuns = new ArrayList<>();
        List<Map<String, Object>> coldRuns = new ArrayList<>();
        for (int i = 0; i < repeats; i++) {
            if (missing == null) {
                torchRuns.add(torchRun(torchArgs, torchEnv, i));
            }
            if (cold) {
                coldRuns.add(coldRun(i));
            }
        }
        m.put("load_average_end", Benchmark.loadAverage());
        if (!torchRuns.isEmpty()) {
            m.put("torch_command_args", torchArgs);
            m.put("torch_runs", torchRuns);
            m.put("torch_seconds_median", median(torchRuns, "seconds"));
            m.put("torch_version", torchRuns.get(0).get("torch"));
        }
        if (!coldRuns.isEmpty()) {
            m.put("cold_runs", coldRuns);
            m.put("cold_time_to_target_seconds_median", median(coldRuns, "time_to_target_seconds"));
            m.put("cold_wall_seconds_median", median(coldRuns, "wall_seconds"));
        }
        if (mllib != null) {
            m.put("mllib_fit_seconds", mllib.get("fit_seconds"));
            m.put("mllib_what", "MLP [784,100,10] L-BFGS block 128, " + mllib.get("max_iter") + " iterations, test accuracy "
                    + mllib.get("test_accuracy"));
        }
        Double coldTraining = (Double) m.get("cold_time_to_target_seconds_median");
        Double coldWall = (Double) m.get("cold_wall_seconds_median");
        Double torchSeconds = (Double) m.get("torch_seconds_median");
        Double mllibSeconds = (Double) m.get("mllib_fit_seconds");
        if (coldTraining != null && torchSeconds != null) {
            m.put("cold_over_torch", coldTraining / torchSeconds);
            m.put("cold_wall_over_torch", coldWall / torchSeconds);
        }
        if (coldTraining != null && mllibSeconds != null) {
            m.put("cold_over_mllib", coldTraining / mllibSeconds);
            m.put("cold_wall_over_mllib", coldWall / mllibSeconds);
        }
        out.println();
        out.println(markdown(m));
        return m;
    }

    /** The script's options for {@code config}'s network and optimizer, or null where it has no equivalent. */
    static List<String> torchArguments(Configuration config) {
        String init = config.text(NetworkSettings.WEIGHT_INIT);
        String torchInit = init.equals("he") || init.equals("xavier") ? init
                : init.startsWith("std:") ? init.substring(4) : null;
        if (torchInit == null || !config.text(TrainingSettings.LR_SCHEDULE).equals("constant")) {
            return null;
        }
        return List.of("--hidden", config.text(NetworkSettings.HIDDEN).replace(" ", ""),
                "--batch", config.text(TrainingSettings.BATCH_SIZE),
                "--lr", config.text(TrainingSettings.LEARNING_RATE),
                "--warmup", config.text(TrainingSettings.WARMUP_STEPS),
                "--optimizer", config.text(TrainingSettings.OPTIMIZER),
                "--momentum", config.text(TrainingSettings.MOMENTUM),
                "--activation", config.text(NetworkSettings.ACTIVATION),
                "--init", torchInit,
                "--target", "0.97", "--max-epochs", "30", "--threads", "1");
    }

    /**
     * The environment of a Python anchor (PyTorch, numpy) on Debian's OpenBLAS: one thread; and the OpenBLAS kernel
     * the bundled OpenBLAS picked on this CPU ({@code bundledCore}), so that its matrix products run the kernel
     * scratchnet's do: Debian's OpenBLAS 0.3.21 does not recognise every CPU (a VM's generic model name) and then runs
     * its Prescott kernel, 4-9x slower here. {@code OPENBLAS_CORETYPE} in the environment wins;
     * {@code -Dbench.torch.coretype=detected} leaves the choice to Debian's OpenBLAS.
     */
    static Map<String, String> anchorEnvironment(String bundledCore) {
        Map<String, String> env = new LinkedHashMap<>(Map.of("OPENBLAS_NUM_THREADS", "1", "OMP_NUM_THREADS", "1"));
        String chosen = System.getProperty("bench.torch.coretype", bundledCore == null ? "detected" : bundledCore);
        if (System.getenv("OPENBLAS_CORETYPE") == null && !chosen.equals("detected") && !chosen.startsWith("unknown")) {
            env.put("OPENBLAS_CORETYPE", chosen);
        }
        return env;
    }

    private Map<String, Object> torchRun(List<String> args, Map<String, String> env, int i)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3",
                project.resolve("src/test/python/torch_same_net.py").toString(), project.resolve("data/mnist").toString()));
        command.addAll(args);
        command.addAll(List.of("--runs", "1", "--seed", String.valueOf(i)));
        String load = Benchmark.loadAverage();
        String stdout = ScaleOut.command(project, work, "torch-" + (i + 1), command, env, 900);
        String last = stdout.strip().lines().reduce((a, b) -> b).orElse("");
        Map<String, Object> result = Benchmark.cast(Json.mapper().readValue(last, Map.class));
        List<Map<String, Object>> runs = Benchmark.cast(result.get("runs"));
        Map<String, Object> r = new LinkedHashMap<>(runs.get(0));
        if (!Boolean.TRUE.equals(r.get("reached"))) {
            throw new IllegalStateException("PyTorch run " + (i + 1) + " did not reach 0.97: " + stdout);
        }
        r.put("torch", result.get("torch"));
        r.put("network", result.get("network"));
        r.put("blas_core", result.get("blas_core"));
        r.put("blas_threads", result.get("blas_threads"));
        r.put("load_average_before", load);
        out.printf(Locale.ROOT, "torch run %d: %.2f s to %.4f, %s epochs, OpenBLAS kernel %s, %s thread(s) (load %s)%n",
                i + 1, ((Number) r.get("seconds")).doubleValue(), ((Number) r.get("test_accuracy")).doubleValue(),
                r.get("epochs"), r.get("blas_core"), r.get("blas_threads"), load);
        return r;
    }

    /** A fresh {@code ./submit.sh}, default conf, stop at test 0.97; its summary.json's clocks and the wall time. */
    private Map<String, Object> coldRun(int i) throws IOException, InterruptedException {
        Path outDir = work.resolve("cold-" + (i + 1));
        deleteTree(outDir);
        List<String> command = new ArrayList<>(List.of(project.resolve("submit.sh").toString()));
        List<String> settings = new ArrayList<>(List.of("validationFraction=0", "targetAccuracy=0.97", "progressSeconds=0",
                "out=" + outDir));
        for (String kv : System.getProperty("bench.set", "").split(";")) {
            if (!kv.isBlank()) {
                settings.add(kv.strip());
            }
        }
        for (String kv : settings) {
            command.add("--conf");
            command.add("spark.scratchnet." + kv);
        }
        command.add("train");
        String load = Benchmark.loadAverage();
        long t = System.nanoTime();
        String stdout = ScaleOut.command(project, work, "cold-" + (i + 1), command, Map.of(), 900);
        double wall = (System.nanoTime() - t) / 1e9;
        Map<String, Object> summary = Benchmark.cast(Json.mapper().readValue(outDir.resolve("summary.json").toFile(), Map.class));
        if (!Boolean.TRUE.equals(summary.get("reached_target"))) {
            throw new IllegalStateException("./submit.sh run " + (i + 1) + " did not reach test 0.97: " + stdout);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("time_to_target_seconds", ((Number) summary.get("time_to_target_seconds")).doubleValue());
        r.put("wall_seconds", wall);
        for (String key : List.of("final_test_accuracy", "epochs", "steps", "train_seconds", "spark_startup_seconds",
                "data_load_seconds", "blas", "partitions")) {
            r.put(key, summary.get(key));
        }
        List<Map<String, Object>> metrics = Benchmark.cast(summary.get("metrics"));
        List<Double> epochSeconds = new ArrayList<>();
        double before = 0;
        for (Map<String, Object> e : metrics) {
            double at = ((Number) e.get("seconds")).doubleValue();
            epochSeconds.add(at - before);
            before = at;
        }
        r.put("epoch_seconds", epochSeconds);
        r.put("done_line", stdout.lines().filter(l -> l.startsWith("done:")).findFirst().orElse(""));
        r.put("load_average_before", load);
        out.printf(Locale.ROOT, "cold ./submit.sh run %d: %.2f s of training to %s, %s epochs; process %.2f s (load %s)%n",
                i + 1, (double) r.get("time_to_target_seconds"), r.get("final_test_accuracy"), r.get("epochs"), wall, load);
        return r;
    }

    /** The part's rows for the benchmark's table: part, what, value, note. */
    static List<String[]> rows(Map<String, Object> m) {
        List<String[]> rows = new ArrayList<>();
        if (m.containsKey("torch_skipped")) {
            rows.add(new String[] {"torch", "PyTorch, 1 CPU thread, scratchnet's net and optimizer", "skipped",
                    (String) m.get("torch_skipped")});
        }
        if (m.containsKey("torch_seconds_median")) {
            List<Map<String, Object>> runs = Benchmark.cast(m.get("torch_runs"));
            rows.add(new String[] {"torch", "PyTorch " + m.get("torch_version") + ", 1 CPU thread, " + runs.get(0).get("network")
                    + ": time to 0.97 test (median of " + runs.size() + ")", s(m.get("torch_seconds_median")),
                    "epochs " + runs.stream().map(r -> String.valueOf(r.get("epochs"))).toList() + "; OpenBLAS kernel "
                            + runs.get(0).get("blas_core") + ", " + runs.get(0).get("blas_threads") + " thread"});
        }
        if (m.containsKey("cold_runs")) {
            List<Map<String, Object>> runs = Benchmark.cast(m.get("cold_runs"));
            rows.add(new String[] {"cold", "./submit.sh, a fresh process, default conf, stop at test 0.97: training time "
                    + "to 0.97 (median of " + runs.size() + ")", s(m.get("cold_time_to_target_seconds_median")),
                    "epochs " + runs.stream().map(r -> String.valueOf(r.get("epochs"))).toList() + ", run 1 epochs "
                            + runs.get(0).get("epoch_seconds")});
            rows.add(new String[] {"cold", "./submit.sh, the same runs: process wall time (median of " + runs.size() + ")",
                    s(m.get("cold_wall_seconds_median")), "Spark start-up " + runs.get(0).get("spark_startup_seconds")
                            + " s, data load " + runs.get(0).get("data_load_seconds") + " s (run 1)"});
        }
        if (m.containsKey("cold_over_torch")) {
            rows.add(new String[] {"ratio", "cold ./submit.sh training / PyTorch (process wall / PyTorch)",
                    Benchmark.fmt((double) m.get("cold_over_torch")) + " (" + Benchmark.fmt((double) m.get("cold_wall_over_torch")) + ")",
                    Benchmark.met((double) m.get("cold_over_torch"), 2.0)});
        }
        if (m.containsKey("cold_over_mllib")) {
            rows.add(new String[] {"ratio", "cold ./submit.sh training / MLlib fit (process wall / MLlib fit)",
                    Benchmark.fmt((double) m.get("cold_over_mllib")) + " (" + Benchmark.fmt((double) m.get("cold_wall_over_mllib")) + ")",
                    Benchmark.met((double) m.get("cold_over_mllib"), 0.05)});
        }
        return rows;
    }

    /** PyTorch, cold ./submit.sh and MLlib side by side, with the ratios. */
    static String markdown(Map<String, Object> m) {
        StringBuilder b = new StringBuilder("| MNIST, to test accuracy >= 0.97 | seconds (median) | runs |\n|---|---|---|\n");
        if (m.containsKey("torch_seconds_median")) {
            List<Map<String, Object>> runs = Benchmark.cast(m.get("torch_runs"));
            b.append("| PyTorch ").append(m.get("torch_version")).append(", 1 thread, OpenBLAS kernel ")
                    .append(runs.get(0).get("blas_core")).append(" | ").append(s(m.get("torch_seconds_median")))
                    .append(" | ").append(values(m, "torch_runs", "seconds")).append(" |\n");
        } else {
            b.append("| PyTorch | skipped | ").append(m.get("torch_skipped")).append(" |\n");
        }
        if (m.containsKey("cold_runs")) {
            b.append("| cold ./submit.sh: training, first step to the evaluation >= 0.97 | ")
                    .append(s(m.get("cold_time_to_target_seconds_median"))).append(" | ")
                    .append(values(m, "cold_runs", "time_to_target_seconds")).append(" |\n");
            b.append("| cold ./submit.sh: process wall time | ").append(s(m.get("cold_wall_seconds_median"))).append(" | ")
                    .append(values(m, "cold_runs", "wall_seconds")).append(" |\n");
        }
        if (m.containsKey("mllib_fit_seconds")) {
            b.append("| MLlib fit, ").append(m.get("mllib_what")).append(" | ").append(s(m.get("mllib_fit_seconds")))
                    .append(" | 1 |\n");
        }
        for (String[] ratio : new String[][] {{"cold_over_torch", "cold ./submit.sh training / PyTorch (target <= 2)"},
                {"cold_wall_over_torch", "cold ./submit.sh wall / PyTorch"},
                {"cold_over_mllib", "cold ./submit.sh training / MLlib fit (target <= 0.05)"},
                {"cold_wall_over_mllib", "cold ./submit.sh wall / MLlib fit"}}) {
            if (m.containsKey(ratio[0])) {
                b.append("| ratio: ").append(ratio[1]).append(" | ").append(Benchmark.fmt((double) m.get(ratio[0]))).append(" | |\n");
            }
        }
        b.append("(load average ").append(m.get("load_average_start")).append(" -> ").append(m.get("load_average_end")).append(")");
        return b.toString();
    }

    private static String values(Map<String, Object> m, String runs, String key) {
        List<Map<String, Object>> list = Benchmark.cast(m.get(runs));
        return list.stream().map(r -> Benchmark.fmt(((Number) r.get(key)).doubleValue())).toList().toString();
    }

    private static double median(List<Map<String, Object>> runs, String key) {
        return Benchmark.median(runs.stream().map(r -> ((Number) r.get(key)).doubleValue()).toList());
    }

    private static String s(Object seconds) {
        return Benchmark.fmt(((Number) seconds).doubleValue()) + " s";
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
