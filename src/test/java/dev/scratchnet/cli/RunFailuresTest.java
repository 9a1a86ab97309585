package dev.scratchnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.data.ImageSet;
import dev.scratchnet.data.Mnist;
import dev.scratchnet.report.Sha256;
import dev.scratchnet.testing.Exports;
import dev.scratchnet.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs that must stop with one line and leave the last good outputs alone: divergence, a resume on other data,
 * settings that can be checked before Spark starts, an internal failure.
 */
class RunFailuresTest {
    @TempDir
    static Path tmp;
    static Path data;
    static Path inverted;

    @BeforeAll
    static void exports() {
        Mnist.Split split = TestData.subset(2000, 400);
        data = tmp.resolve("mnist");
        Exports.idx(split.train(), data, "train", false);
        Exports.idx(split.test(), data, "t10k", false);
        byte[] pixels = split.train().pixels().clone();
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (255 - (pixels[i] & 0xFF));
        }
        inverted = tmp.resolve("inverted");
        Exports.idx(ImageSet.of(pixels, split.train().labels().clone(), 28, 28, 10), inverted, "train", false);
        Exports.idx(split.test(), inverted, "t10k", false);
    }

    static final String[] RUN = {"hidden", "16", "weightInit", "he", "batchSize", "200", "optimizer", "sgd",
            "learningRate", "0.1", "epochs", "1", "steps", "0", "partitions", "2", "evalTrain", "false"};

    static MainTest.Run train(Path out, String... kv) {
        List<String> all = new ArrayList<>(List.of(RUN));
        all.add("data.dir");
        all.add(data.toString());
        all.addAll(List.of(kv));
        return MainTest.run(MainTest.conf(out, all.toArray(new String[0])), "train");
    }

    static void assertOneLine(MainTest.Run r, int code, String start) {
        assertEquals(code, r.code(), r.out() + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("scratchnet: " + start), "[" + r.err() + "] out: " + r.out());
    }

    @Test
    void aDivergingRunStopsAtTheStepAndKeepsTheLastGoodModel() throws Exception {
        Path out = tmp.resolve("diverge");
        assertEquals(0, train(out).code());
        String goodModel = Sha256.of(out.resolve("model.npz"));
        MainTest.Run nan = train(out, "learningRate", "1e300");
        assertOneLine(nan, 2, "training diverged at step 2 (epoch 1, step 2): the loss is NaN; lower "
                + "spark.scratchnet.learningRate (now 1.0E300)");
        assertEquals(goodModel, Sha256.of(out.resolve("model.npz")), "the last good model stays");
        MainTest.Run huge = train(out, "learningRate", "1e6", "epochs", "3");
        assertOneLine(huge, 2, "training diverged at step ");
        assertTrue(huge.err().contains("spark.scratchnet.learningRate (now 1000000)"), huge.err());
        assertEquals(goodModel, Sha256.of(out.resolve("model.npz")));
    }

    @Test
    void aResumeOnOtherDataIsRefused() {
        Path out = tmp.resolve("other-data");
        assertEquals(0, train(out, "steps", "4").code());
        MainTest.Run same = train(out, "resume", "true");
        assertEquals(0, same.code(), same.err());
        MainTest.Run other = train(out, "resume", "true", "data.dir", inverted.toString());
        assertOneLine(other, 2, out.resolve("checkpoint/checkpoint.json") + " was made on other training data (2000 examples x 784 features, digest ");
        assertTrue(other.err().contains("resume needs the same data"), other.err());
    }

    @Test
    void settingsThatDoNotFitTheDataFailBeforeSparkStarts() throws Exception {
        Path out = tmp.resolve("early");
        MainTest.Run batch = train(out, "batchSize", "1900", "validationFraction", "0.1");
        assertOneLine(batch, 2, "spark.scratchnet.batchSize: 1900 is larger than the training set (");
        assertTrue(batch.err().contains("examples outside the validation split)"), batch.err());
        assertFalse(batch.out().contains("data: "), "no data was cached: " + batch.out());

        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        MainTest.Run checkpoint = train(out, "checkpoint.dir", file.toString());
        assertOneLine(checkpoint, 2, "checkpoint folder (spark.scratchnet.checkpoint.dir) " + file);
        assertFalse(checkpoint.out().contains("data: "), checkpoint.out());

        MainTest.Run big = train(out, "hidden", "30000,30000");
        assertOneLine(big, 2, "network 784-30000-30000-10 ");
        assertTrue(big.err().contains("MB of driver memory"), big.err());
        assertFalse(big.out().contains("data: "), big.out());
    }

    @Test
    void anInternalFailureIsOneLineExitThreeWithTheTraceInTheLog() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.failure(new OutOfMemoryError("Java heap space"), new PrintStream(err, true));
        assertEquals(3, code);
        String line = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.startsWith("scratchnet: out of memory on the driver (Java heap space): give it more"), line);
        err.reset();
        assertEquals(3, Main.failure(new IllegalStateException("boom\nsecond line"), new PrintStream(err, true)));
        assertEquals("scratchnet: internal failure: java.lang.IllegalStateException: boom",
                err.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow().replaceFirst(" \\(stack trace in .*\\)$", ""));
    }
}
