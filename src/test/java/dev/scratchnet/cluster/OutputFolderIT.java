package dev.scratchnet.cluster;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scratchnet.cli.Main;
import dev.scratchnet.report.Json;
import dev.scratchnet.report.MetricsCsv;
import dev.scratchnet.report.RunLock;
import dev.scratchnet.report.Sha256;
import dev.scratchnet.run.ModelFile;
import dev.scratchnet.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's output folder under real processes and SIGKILL: a kill the moment the new model lands leaves that
 * model whole and nothing of the earlier run that describes another model; two runs cannot share a folder; and
 * the lock of a killed run does not block the next one.
 */
class OutputFolderIT {
    static final int KILLS = 20;

    @TempDir
    Path tmp;
    static Path logs;

    @BeforeAll
    static void data() {
        TestData.mnist();
        logs = Runs.root().resolve("target/it-logs/output-folder");
    }

    /** {@link Runs#shortRun} cut to 3 steps of 1,000 and run in-process: no Spark context, mostly JVM start. */
    static List<String> inProcess(Path out, long seed, String... extra) {
        List<String> args = new ArrayList<>(Runs.shortRun(out,
                "--conf", "spark.scratchnet.batchSize=1000",
                "--conf", "spark.scratchnet.steps=3",
                "--conf", "spark.scratchnet.progressSeconds=0",
                "--conf", "spark.scratchnet.seed=" + seed));
        args.addAll(List.of(extra));
        args.addAll(List.of("train", "--in-process"));
        return args;
    }

    /** What a finished run of one seed leaves: its model's SHA-256 and test accuracy. */
    record Finished(String sha256, double testAccuracy) {}

    static Finished runToEnd(String name, Path out, long seed) throws Exception {
        Runs.Proc p = Runs.submit(logs, name, inProcess(out, seed));
        assertEquals(0, p.waitFor(300), p.err());
        return new Finished(Sha256.of(out.resolve(ModelFile.WEIGHTS)),
                Json.readTree(out.resolve("summary.json")).path("final_test_accuracy").asDouble());
    }

    @Test
    void killedTheMomentTheNewModelLandsLeavesItWholeAndNothingThatNamesAnother() throws Exception {
        long start = System.nanoTime();
        Path out = tmp.resolve("run");
        // The two models a kill may leave: runs are deterministic, so a seed's model is always the same bytes.
        Finished[] bySeed = {runToEnd("seed-0", out, 0), runToEnd("seed-1", tmp.resolve("seed-1"), 1)};
        assertFalse(bySeed[0].sha256().equals(bySeed[1].sha256()), "two seeds, two models");

        int beforeCopy = 0;
        int beforeSummary = 0;
        int afterAll = 0;
        int leftovers = 0;
        for (int i = 1; i <= KILLS; i++) {
            Finished previous = bySeed[(i + 1) % 2];
            Finished next = bySeed[i % 2];
            Object summaryBefore = stamp(out.resolve("summary.json"));
            Runs.Proc p = killWhenModelReplaced(out, "kill-" + i, inProcess(out, i % 2));
            int code = p.process().waitFor();

            String sha = Sha256.of(out.resolve(ModelFile.WEIGHTS));
            assertTrue(sha.equals(previous.sha256()) || sha.equals(next.sha256()),
                    "kill " + i + ": model.npz is neither the previous model nor the new one");
            assertEquals(next.sha256(), sha, "kill " + i + ": the kill came after the new model.npz landed");
            assertEvaluates(out, next.testAccuracy());

            // Every file under a reader's name is complete, and what names a model names this one: the earlier
            // run's summary.json went with its model, at this run's first write (the folder describes one run).
            Path copy = out.resolve(ModelFile.DESCRIPTION);
            if (Files.exists(copy)) {
                assertEquals(sha, Json.readTree(copy).path("weights_sha256").asText(), "kill " + i + ": model.json");
            }
            Path onnx = out.resolve(ModelFile.ONNX);
            if (Files.exists(onnx)) {
                assertEquals(sha, dev.scratchnet.onnx.OnnxModel.read(onnx).metadata().get(ModelFile.ONNX_NPZ_SHA256),
                        "kill " + i + ": model.onnx");
            }
            if (Files.exists(out.resolve("summary.json"))) {
                assertEquals(sha, Json.readTree(out.resolve("summary.json")).path("model_sha256").asText(),
                        "kill " + i + ": summary.json");
            }
            assertEquals(1, MetricsCsv.read(out.resolve("metrics.csv")).size());
            assertNotNull(ImageIO.read(out.resolve("accuracy.png").toFile()), "accuracy.png decodes");

            // Where the kill landed: model.json is deleted before the model is replaced, summary.json written last.
            Object summaryAfter = stamp(out.resolve("summary.json"));
            boolean summaryReplaced = summaryAfter != null && !Objects.equals(summaryBefore, summaryAfter);
            if (!Files.exists(copy)) {
                beforeCopy++;
            } else if (!summaryReplaced) {
                beforeSummary++;
            } else {
                afterAll++;
            }
            leftovers += temporaryFiles(out).size();
            System.out.printf(Locale.ROOT, "kill %d: exit %d, model.json %s, summary.json %s, temporary files %s%n",
                    i, code, Files.exists(copy) ? "written" : "absent", summaryReplaced ? "written" : "absent",
                    temporaryFiles(out));
        }
        // A run after the last kill: the killed run's lock does not block it, and it clears what that run left.
        Finished last = runToEnd("after-kills", out, 0);
        assertEquals(bySeed[0].sha256(), last.sha256());
        assertEquals(List.of(), temporaryFiles(out), "temporary files a killed run left are gone");
        System.out.printf(Locale.ROOT, "%d kills right after the new model.npz landed: %d before model.json was written,"
                        + " %d before summary.json, %d after both; %d temporary files left behind in all; %.0f s%n",
                KILLS, beforeCopy, beforeSummary, afterAll, leftovers, (System.nanoTime() - start) / 1e9);
    }

    /**
     * Starts a run into {@code out} and sends it SIGKILL the moment a new {@code model.npz} lands (the earlier one
     * is removed at the run's first write): on the rename's inotify event, or, should events be lost, when
     * polling sees a new file under that name.
     */
    static Runs.Proc killWhenModelReplaced(Path out, String name, List<String> args) throws Exception {
        Path model = out.resolve(ModelFile.WEIGHTS);
        Object before = stamp(model);
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            out.register(watch, ENTRY_CREATE, ENTRY_MODIFY);
            Runs.Proc p = Runs.submit(logs, name, args);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            while (true) {
                WatchKey key = watch.poll(50, TimeUnit.MILLISECONDS);
                boolean replaced = false;
                if (key != null) {
                    for (WatchEvent<?> event : key.pollEvents()) {
                        replaced |= ModelFile.WEIGHTS.equals(String.valueOf(event.context()));
                    }
                    key.reset();
                }
                Object now = stamp(model);
                replaced = (replaced || !Objects.equals(before, now)) && now != null;
                if (replaced) {
                    p.process().destroyForcibly();
                    return p;
                }
                if (!p.process().isAlive()) {
                    fail(name + " exited (" + p.process().exitValue() + ") without replacing the model; stderr:\n"
                            + Runs.tail(p.err(), 20));
                }
                if (System.nanoTime() > deadline) {
                    p.process().destroyForcibly();
                    fail(name + ": no new model.npz after 300 s");
                }
            }
        }
    }

    /**
     * A file's identity and modification time, or null when it does not exist: the earlier model is removed before
     * the new one lands, so the new file may reuse the old one's inode; it cannot reuse its modification time.
     */
    private static Object stamp(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return a.fileKey() + " " + a.lastModifiedTime() + " " + a.size();
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code evaluate --model out}, as a user runs it (in this JVM: evaluate starts no Spark). */
    static void assertEvaluates(Path out, double testAccuracy) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        SparkConf conf = new SparkConf(false).set("spark.scratchnet.data.dir", TestData.mnistDir().toString());
        int code = Main.run(new String[] {"evaluate", "--model", out.toString()}, conf,
                new PrintStream(stdout, true), new PrintStream(stderr, true));
        String said = stdout.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, said + stderr.toString(StandardCharsets.UTF_8));
        String expected = String.format(Locale.ROOT, "test accuracy %.4f", testAccuracy);
        assertTrue(said.contains(expected), said + " should say " + expected);
    }

    static List<String> temporaryFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp")).sorted().toList();
        }
    }

    @Test
    void aSecondRunOnTheSameFolderIsRefusedAndAKilledRunDoesNotBlockTheNext() throws Exception {
        Path out = tmp.resolve("shared");
        // A run long enough to still hold the folder when the second starts; it is killed below.
        Runs.Proc first = Runs.submit(logs, "lock-holder", inProcess(out, 0,
                "--conf", "spark.scratchnet.steps=0", "--conf", "spark.scratchnet.epochs=1000"));
        Path lockFile = out.resolve(RunLock.FILE);
        // After its first checkpoint the first run has created every file it makes before the model.
        first.await("first checkpoint", 240, () -> Files.exists(out.resolve("checkpoint/checkpoint.json")));
        assertEquals(first.process().pid(), Json.readTree(lockFile).path("pid").asLong(),
                "submit.sh execs java: the pid in the lock file is the process we started");
        JsonNode holder = Json.readTree(lockFile);
        TreeSet<String> names = names(out);

        Runs.Proc second = Runs.submit(logs, "lock-refused", inProcess(out, 1));
        assertEquals(2, second.waitFor(300), second.err());
        String line = Runs.tail(second.err(), 1);
        assertTrue(line.startsWith("scratchnet: output folder (spark.scratchnet.out) " + out
                + " is in use by another run: pid " + first.process().pid() + " on host "
                + holder.path("host").asText() + ", started " + holder.path("started").asText()), line);
        assertEquals(names, names(out), "the refused run created nothing");
        assertEquals(holder, Json.readTree(lockFile), "and left the holder's record alone");
        assertTrue(first.process().isAlive(), "the first run is still going");

        first.process().destroyForcibly();
        first.process().waitFor();
        Runs.Proc third = Runs.submit(logs, "lock-after-kill", inProcess(out, 1));
        assertEquals(0, third.waitFor(300), third.err());
        assertEquals(third.process().pid(), Json.readTree(lockFile).path("pid").asLong());
        assertTrue(Files.exists(out.resolve(ModelFile.WEIGHTS)));
    }

    /** The folder's entries, without the temporary files of the first run's writes in flight. */
    private static TreeSet<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.contains(".tmp"))
                    .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
    }
}
