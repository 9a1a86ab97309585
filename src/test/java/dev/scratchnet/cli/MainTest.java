package dev.scratchnet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scratchnet.math.Blas;
import dev.scratchnet.report.EpochMetrics;
import dev.scratchnet.report.Json;
import dev.scratchnet.report.MetricsCsv;
import dev.scratchnet.report.NdArray;
import dev.scratchnet.report.Npz;
import dev.scratchnet.report.Sha256;
import dev.scratchnet.run.ModelFile;
import dev.scratchnet.testing.SparkTestContext;
import dev.scratchnet.testing.TestData;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands as a user runs them: exit codes, one-line errors, and the files a run leaves. */
class MainTest {
    record Run(int code, String out, String err) {}

    @BeforeAll
    static void data() {
        TestData.mnist();
    }

    static Run run(SparkConf conf, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, conf, new PrintStream(out, true), new PrintStream(err, true));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A run's configuration: MNIST, {@code outDir}, {@link TestData#PLAIN}'s pins, then {@code kv}. */
    static SparkConf conf(Path outDir, String... kv) {
        SparkConf conf = SparkTestContext.conf()
                .set("spark.scratchnet.data.dir", TestData.mnistDir().toString())
                .set("spark.scratchnet.out", outDir.toString())
                .set("spark.scratchnet.progressSeconds", "0");
        TestData.PLAIN.forEach((k, v) -> conf.set("spark.scratchnet." + k, v));
        for (int i = 0; i < kv.length; i += 2) {
            conf.set("spark.scratchnet." + kv[i], kv[i + 1]);
        }
        return conf;
    }

    @Test
    void badSettingFailsWithOneLineBeforeAnythingIsWritten(@TempDir Path tmp) {
        Path out = tmp.resolve("run");
        Run r = run(conf(out, "batchSize", "-5"), "train");
        assertEquals(2, r.code());
        assertEquals("scratchnet: spark.scratchnet.batchSize: out of range, got '-5' (valid: auto or 1 .. training set size)\n", r.err());
        assertFalse(Files.exists(out), "no output folder for a run that never started");

        Run unknown = run(conf(out, "optimiser", "adam"), "train");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().startsWith("scratchnet: spark.scratchnet.optimiser: unknown setting"), unknown.err());
    }

    @Test
    void batchLargerThanTheTrainingSetIsAUserError(@TempDir Path tmp) {
        Run r = run(conf(tmp.resolve("run"), "batchSize", "70000"), "train");
        assertEquals(2, r.code(), r.err());
        assertEquals("scratchnet: spark.scratchnet.batchSize: 70000 is larger than the training set (60000 examples)\n", r.err());
    }

    @Test
    void unwritableOutputFolderAndMissingDataAreOneLineErrors(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Run r = run(conf(file.resolve("sub")), "train");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("scratchnet: output folder (spark.scratchnet.out)"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());

        Path emptyData = Files.createDirectories(tmp.resolve("data-with-one-file"));
        Files.writeString(emptyData.resolve("train-images-idx3-ubyte"), "not idx");
        Run d = run(conf(tmp.resolve("run")).set("spark.scratchnet.data.dir", emptyData.toString()), "train");
        assertEquals(2, d.code());
        assertEquals(1, d.err().lines().count(), d.err());
        assertTrue(d.err().contains("MNIST file missing"), d.err());
    }

    @Test
    void aMasterSparkCannotParseIsAOneLineError(@TempDir Path tmp) {
        Run r = run(conf(tmp.resolve("run"), "steps", "1").setMaster("nonsense://x"), "train");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("scratchnet: cannot start Spark (spark.master=nonsense://x): "), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void unknownCommandAndBadOptionsAreOneLineErrors(@TempDir Path tmp) {
        Run r = run(conf(tmp), "frobnicate");
        assertEquals(2, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        Run e = run(conf(tmp), "evaluate");
        assertEquals(2, e.code());
        assertTrue(e.err().contains("--model"), e.err());
    }

    @Test
    void gradcheckPrintsTheBooksDifferencesAndPasses(@TempDir Path tmp) {
        Run r = run(conf(tmp, "hidden", "50", "weightInit", "std:0.01"), "gradcheck");
        assertEquals(0, r.code(), r.out() + r.err());
        for (String name : List.of("W1", "b1", "W2", "b2")) {
            String line = r.out().lines().filter(l -> l.startsWith(name + ":")).findFirst().orElseThrow();
            double diff = Double.parseDouble(line.substring(name.length() + 1).trim());
            assertTrue(diff < 1e-6, line);
        }
        assertTrue(r.out().contains("gradient check passed"), r.out());
    }

    @Test
    void trainWritesEveryOutputAndEvaluateReloadsTheModel(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        Run r = run(conf(out, "hidden", "20", "batchSize", "500", "optimizer", "adam", "learningRate", "0.01",
                "weightInit", "he", "epochs", "2", "steps", "150", "partitions", "3", "evalTrain", "true"), "train");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("| BLAS " + Blas.implementation()), "logs the BLAS that loaded");
        assertTrue(r.out().contains("spark.scratchnet.batchSize = 500"), "logs the effective configuration");
        assertTrue(r.out().contains("train acc, test acc | "), r.out());

        List<EpochMetrics> metrics = MetricsCsv.read(out.resolve("metrics.csv"));
        assertEquals(2, metrics.size(), "one full epoch of 120 steps, then a partial one to step 150");
        assertEquals(150, metrics.get(1).step());
        assertTrue(metrics.get(1).testAccuracy() > 0.85, "learned: " + metrics.get(1));

        BufferedImage png = ImageIO.read(out.resolve("accuracy.png").toFile());
        assertEquals(640, png.getWidth());

        JsonNode summary = Json.readTree(out.resolve("summary.json"));
        for (String key : List.of("final_test_accuracy", "final_train_accuracy", "epochs", "steps", "train_seconds",
                "time_to_target_seconds", "config", "spark_master", "partitions", "blas")) {
            assertTrue(summary.has(key), "summary.json has " + key);
        }
        assertEquals(150, summary.get("steps").asInt());
        assertEquals(3, summary.get("partitions").asInt());
        assertEquals(metrics.get(1).testAccuracy(), summary.get("final_test_accuracy").asDouble(), 1e-12);

        Npz.Archive model = Npz.read(out.resolve("model.npz"), java.util.Set.of(ModelFile.EMBEDDED_DESCRIPTION));
        Map<String, NdArray> weights = model.arrays();
        assertEquals(List.of("W1", "b1", "W2", "b2"), List.copyOf(weights.keySet()));
        assertEquals(List.of(ModelFile.EMBEDDED_DESCRIPTION), List.copyOf(model.members().keySet()));
        String sha256 = Sha256.of(out.resolve("model.npz"));
        assertEquals(sha256, summary.get("model_sha256").asText(), "summary.json names the model it describes");
        JsonNode copy = Json.readTree(out.resolve("model.json"));
        assertEquals(sha256, copy.get("weights_sha256").asText(), "model.json names the model it describes");
        assertEquals(Json.readTree(model.members().get(ModelFile.EMBEDDED_DESCRIPTION), "network.json").get("layers"),
                copy.get("layers"));
        assertEquals("affine:20,relu,affine", copy.get("layers").asText());
        assertArrayEquals(new int[] {784, 20}, weights.get("W1").shape());
        assertArrayEquals(new int[] {10}, weights.get("b2").shape());
        assertEquals("784-20-10 relu", ModelFile.load(out).spec().describe());

        Run eval = run(conf(tmp.resolve("unused")), "evaluate", "--model", out.resolve("model.npz").toString());
        assertEquals(0, eval.code(), eval.err());
        String expected = String.format(java.util.Locale.ROOT, "test accuracy %.4f", metrics.get(1).testAccuracy());
        assertTrue(eval.out().contains(expected), eval.out() + " should say " + expected);
    }

    @Test
    void inProcessTrainingMatchesTheSparkRunThroughTheCommandLine(@TempDir Path tmp) {
        String[] settings = {"hidden", "16", "batchSize", "600", "optimizer", "adam", "learningRate", "0.01",
                "weightInit", "he", "epochs", "1", "steps", "40", "evalTrain", "false", "partitions", "3"};
        Run spark = run(conf(tmp.resolve("spark"), settings), "train");
        assertEquals(0, spark.code(), spark.err());
        Run local = run(conf(tmp.resolve("local"), settings), "train", "--in-process");
        assertEquals(0, local.code(), local.err());
        assertTrue(local.out().contains("in-process (no Spark)"), local.out());
        double[] a = ModelFile.load(tmp.resolve("spark")).params();
        double[] b = ModelFile.load(tmp.resolve("local")).params();
        double diff = TestData.maxRelativeDifference(a, b);
        assertTrue(diff < 1e-9, "spark vs in-process: " + diff);
    }

    @Test
    void evaluateRejectsFilesThatAreNotOurs(@TempDir Path tmp) throws Exception {
        Path json = Files.writeString(tmp.resolve("model.json"), "{\"format\": \"scratchnet-model\"}");
        Run r = run(conf(tmp), "evaluate", "--model", json.toString());
        assertEquals(2, r.code());
        assertEquals("scratchnet: model " + json + ": no model.npz in " + tmp + "\n", r.err());

        Path numpyOnly = tmp.resolve("weights.npz");
        Npz.write(numpyOnly, new java.util.LinkedHashMap<>(Map.of("W1", NdArray.vector(new double[] {1, 2}))));
        Run n = run(conf(tmp), "evaluate", "--model", numpyOnly.toString());
        assertEquals(2, n.code());
        assertTrue(n.err().startsWith("scratchnet: " + numpyOnly + " has no network description"), n.err());

        Path notOurs = tmp.resolve("other.npz");
        Npz.write(numpyOnly, new java.util.LinkedHashMap<>(), Map.of(ModelFile.EMBEDDED_DESCRIPTION,
                "{\"format\": \"something-else\"}".getBytes(StandardCharsets.UTF_8)));
        Files.move(numpyOnly, notOurs);
        Run o = run(conf(tmp), "evaluate", "--model", notOurs.toString());
        assertEquals("scratchnet: " + notOurs + " member network.json is not a scratchnet model description"
                + " (no \"format\": \"scratchnet-model\")\n", o.err());

        Run missing = run(conf(tmp), "evaluate", "--model", tmp.resolve("nope").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("does not exist"), missing.err());
    }
}
