package dev.scratchnet.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scratchnet.report.Json;
import dev.scratchnet.testing.Exports;
import dev.scratchnet.testing.SparkTestContext;
import dev.scratchnet.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training data does not pass through the driver: MNIST's 60,000 training images replicated 8 times
 * (480,000 rows, Parquet) train through {@code ./submit.sh} on a standalone cluster (local-cluster.sh: a master,
 * two workers, executors in their own JVMs) with a driver of 512 MB of heap, and so does the 1× data.
 *
 * <p>Asserted: only what load cannot change (exit code, outputs written, the example count in summary.json, the
 * driver's heap really capped at 512 MB). Measured and printed, never asserted: the epoch times of 1× and 8×,
 * runs alternating ({@code -Dscale.rounds}, 1 by default; 2 or more for a median), and the driver's largest heap after a GC. The 1× run
 * trains 9 epochs and the 8× run 2, so that both have a steady-state epoch (epoch 1 carries the JIT's warm-up
 * of Spark's per-job code, which 30 steps of 1× do not outgrow): the ratio compares 8×'s epoch 2 with the
 * median of 1×'s epochs 2..9, and is printed for the first epochs and for equal step counts too.
 */
class ScaleIT {
    static final int COPIES = 8;
    static final int BATCH = 2000;
    static final int ROUNDS = Integer.getInteger("scale.rounds", 1);
    static final String DRIVER_MEMORY = "512m";

    @TempDir
    static Path tmp;
    static Path state;
    static Path logs;
    static Path once;
    static Path replicated;

    static List<String> script(String action) {
        return List.of(Runs.root().resolve("src/main/sh/local-cluster.sh").toString(), action);
    }

    static Map<String, String> clusterEnv() {
        return Map.of("SCRATCHNET_CLUSTER_DIR", state.toString());
    }

    @BeforeAll
    static void writeDataAndStartCluster() throws Exception {
        state = Runs.root().resolve("target/it-scale-cluster");
        logs = Runs.root().resolve("target/it-logs/scale");
        long start = System.nanoTime();
        once = tmp.resolve("mnist-x1.parquet");
        JavaSparkContext sc = SparkTestContext.start();
        try {
            Exports.parquetCopies(SparkTestContext.session(sc), TestData.mnist().train(), 1, 2, once);
        } finally {
            sc.close();
        }
        replicated = replicate(once, COPIES, tmp.resolve("mnist-x" + COPIES + ".parquet"));
        System.out.printf("data: 1x %.1f MB, %dx %.1f MB of Parquet, written in %.1f s%n", megabytes(once),
                COPIES, megabytes(replicated), (System.nanoTime() - start) / 1e9);
        Runs.runOk(logs, "cluster-start", script("start"), clusterEnv(), 180);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (state != null && Files.exists(state.resolve("pids"))) {
            Runs.runOk(logs, "cluster-stop", script("stop"), clusterEnv(), 120);
        }
    }

    /**
     * {@code copies} copies of the Parquet files of {@code source} in one folder: the rows of {@code source}
     * {@code copies} times over (the files are whole copies of it, so copying them is the replication).
     */
    static Path replicate(Path source, int copies, Path target) throws IOException {
        Files.createDirectories(target);
        List<Path> parts;
        try (Stream<Path> files = Files.list(source)) {
            parts = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).sorted().toList();
        }
        for (int c = 0; c < copies; c++) {
            for (Path part : parts) {
                Files.copy(part, target.resolve("copy-" + c + "-" + part.getFileName()));
            }
        }
        return target;
    }

    static double megabytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.mapToLong(f -> f.toFile().length()).sum() / 1e6;
        }
    }

    /** One training run's outcome: its per-epoch seconds and the driver's largest heap after a GC, in MB. */
    record Run(String name, int copies, double[] epochSeconds, double loadSeconds, double wallSeconds,
               long driverHeapAfterGcMb) {}

    /**
     * Trains on {@code data} ({@code copies} × MNIST) for {@code epochs} on the cluster, with the driver capped
     * at 512 MB and logging its GCs; checks what load cannot change.
     */
    static Run train(String name, Path data, int copies, int epochs) throws Exception {
        Path out = tmp.resolve("out-" + name);
        Path gcLog = logs.resolve(name + "-driver-gc.log");
        Files.deleteIfExists(gcLog);
        List<String> args = new ArrayList<>(List.of(
                "--properties-file", state.resolve("cluster.conf").toString(), "--load-spark-defaults",
                "--conf", "spark.driver.memory=" + DRIVER_MEMORY,
                "--conf", "spark.driver.extraJavaOptions=" + defaultDriverJavaOptions() + " -Xlog:gc*:file=" + gcLog,
                "--conf", "spark.ui.enabled=false",
                "--conf", "spark.scratchnet.data.format=parquet",
                "--conf", "spark.scratchnet.data.train=" + data,
                "--conf", "spark.scratchnet.data.scale=" + Exports.SCALE,
                "--conf", "spark.scratchnet.out=" + out,
                "--conf", "spark.scratchnet.hidden=100",
                "--conf", "spark.scratchnet.weightInit=he",
                "--conf", "spark.scratchnet.optimizer=momentum",
                "--conf", "spark.scratchnet.learningRate=0.2",
                "--conf", "spark.scratchnet.batchSize=" + BATCH,
                "--conf", "spark.scratchnet.epochs=" + epochs,
                "--conf", "spark.scratchnet.steps=0",
                "--conf", "spark.scratchnet.targetAccuracy=0",
                "--conf", "spark.scratchnet.evalTrain=false",
                "--conf", "spark.scratchnet.validationFraction=0",
                "--conf", "spark.scratchnet.precision=double",
                "--conf", "spark.scratchnet.partitions=2",
                "train"));
        Runs.Proc p = Runs.submit(logs, name, args);
        assertEquals(0, p.waitFor(900), name + " failed; stdout:\n" + p.out() + "\nstderr:\n" + Runs.tail(p.err(), 40));

        int n = copies * TestData.mnist().train().size();
        JsonNode summary = Json.readTree(out.resolve("summary.json"));
        assertEquals((long) epochs * (n / BATCH), summary.path("steps").asLong(), "steps: every example, once an epoch");
        assertEquals((long) n * (784 + 8), summary.path("cached_data_bytes").asLong(),
                "cached: " + n + " examples as one byte a pixel and a double label (a class index or a target)");
        assertEquals(epochs, summary.path("metrics").size());
        for (String file : List.of("model.npz", "metrics.csv", "accuracy.png")) {
            assertTrue(Files.size(out.resolve(file)) > 0, file);
        }

        String gc = Files.readString(gcLog);
        assertTrue(gc.contains("Heap Max Capacity: 512M"), "the driver's heap is capped at 512 MB:\n" + gc.lines()
                .filter(l -> l.contains("gc,init")).toList());
        double[] cumulative = new double[epochs];
        for (int e = 0; e < epochs; e++) {
            cumulative[e] = summary.path("metrics").get(e).path("seconds").asDouble();
        }
        double[] epochSeconds = new double[epochs];
        for (int e = 0; e < epochs; e++) {
            epochSeconds[e] = cumulative[e] - (e == 0 ? 0 : cumulative[e - 1]);
        }
        Run run = new Run(name, copies, epochSeconds, summary.path("data_load_seconds").asDouble(), p.seconds(),
                maxHeapAfterGcMb(gc));
        System.out.printf(Locale.ROOT, "%s: %d examples, exit 0 after %.1f s (data load %.1f s), epochs %s s, "
                + "driver heap after GC at most %d MB of 512%n", name, n, run.wallSeconds(), run.loadSeconds(),
                format(epochSeconds), run.driverHeapAfterGcMb());
        return run;
    }

    /** {@code spark.driver.extraJavaOptions} of conf/spark-defaults.conf, which a --conf of it replaces. */
    static String defaultDriverJavaOptions() throws IOException {
        for (String line : Files.readAllLines(Runs.root().resolve("conf/spark-defaults.conf"))) {
            String[] kv = line.strip().split("\\s+", 2);
            if (kv.length == 2 && kv[0].equals("spark.driver.extraJavaOptions")) {
                return kv[1];
            }
        }
        return "";
    }

    private static final Pattern GC_PAUSE = Pattern.compile("Pause.*?\\d+M->(\\d+)M\\(\\d+M\\)");

    /** The largest heap occupancy right after a GC pause in a unified-logging GC log, in MB (0: no GC). */
    static long maxHeapAfterGcMb(String gcLog) {
        long max = 0;
        Matcher m = GC_PAUSE.matcher(gcLog);
        while (m.find()) {
            max = Math.max(max, Long.parseLong(m.group(1)));
        }
        return max;
    }

    @Test
    void eightTimesTheDataTrainsWithA512MegabyteDriver() throws Exception {
        long start = System.nanoTime();
        List<Run> ones = new ArrayList<>();
        List<Run> eights = new ArrayList<>();
        for (int r = 1; r <= ROUNDS; r++) {
            ones.add(train("x1-round" + r, once, 1, 9));
            eights.add(train("x" + COPIES + "-round" + r, replicated, COPIES, 2));
        }
        double oneSteady = median(ones.stream().flatMapToDouble(x -> Arrays.stream(x.epochSeconds(), 1, 9)).toArray());
        double eightSteady = median(eights.stream().mapToDouble(x -> x.epochSeconds()[1]).toArray());
        double oneFirst = median(ones.stream().mapToDouble(x -> x.epochSeconds()[0]).toArray());
        double eightFirst = median(eights.stream().mapToDouble(x -> x.epochSeconds()[0]).toArray());
        // Equal work: 8 epochs of 1x and 1 epoch of 8x are both 240 steps from a cold start.
        double oneEightEpochs = median(ones.stream().mapToDouble(x -> Arrays.stream(x.epochSeconds(), 0, 8).sum()).toArray());
        System.out.printf(Locale.ROOT, "scale: %d round(s), load average %s%n", ROUNDS, loadAverage());
        System.out.printf(Locale.ROOT, "scale: steady epoch  1x %.2f s (median of epochs 2-9), %dx %.2f s (epoch 2): "
                + "ratio %.2f (target <= %.1f)%n", oneSteady, COPIES, eightSteady, eightSteady / oneSteady, 1.1 * COPIES);
        System.out.printf(Locale.ROOT, "scale: first epoch   1x %.2f s, %dx %.2f s: ratio %.2f%n", oneFirst, COPIES,
                eightFirst, eightFirst / oneFirst);
        System.out.printf(Locale.ROOT, "scale: 240 cold steps 1x (epochs 1-8) %.2f s, %dx (epoch 1) %.2f s: ratio %.2f%n",
                oneEightEpochs, COPIES, eightFirst, eightFirst / oneEightEpochs);
        System.out.printf(Locale.ROOT, "scale: driver heap after GC at most 1x %d MB, %dx %d MB (of 512)%n",
                ones.stream().mapToLong(Run::driverHeapAfterGcMb).max().orElse(0), COPIES,
                eights.stream().mapToLong(Run::driverHeapAfterGcMb).max().orElse(0));
        System.out.printf(Locale.ROOT, "scale: the runs took %.0f s%n", (System.nanoTime() - start) / 1e9);
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static String format(double[] values) {
        StringBuilder s = new StringBuilder();
        for (double v : values) {
            s.append(s.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.2f", v));
        }
        return s.toString();
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
