package dev.scratchnet.testing;

import dev.scratchnet.data.ImageSet;
import dev.scratchnet.data.Mnist;
import dev.scratchnet.data.MnistFetcher;
import java.nio.file.Path;

/** Real MNIST for tests: fetched once into the project's {@code data/mnist} (as the main job does). */
public final class TestData {
    private static Mnist.Split mnist;

    private TestData() {}

    /** The project folder (surefire sets {@code scratchnet.project.dir}). */
    public static Path projectDir() {
        return Path.of(System.getProperty("scratchnet.project.dir", ".")).toAbsolutePath();
    }

    public static Path mnistDir() {
        return projectDir().resolve("data/mnist");
    }

    public static synchronized Mnist.Split mnist() {
        if (mnist == null) {
            MnistFetcher.ensure(mnistDir(), System.out);
            mnist = Mnist.load(mnistDir());
        }
        return mnist;
    }

    /**
     * The settings (without the {@code spark.scratchnet.} prefix) that tests of exact trajectories and step counts
     * pin, so that the code's defaults (single precision, a validation split, early stopping, weight decay) do not
     * change what they count: double precision, every example trains, no early stopping, no weight decay. A test
     * that sets one of them itself overrides it.
     */
    public static final java.util.Map<String, String> PLAIN = java.util.Map.of("precision", "double",
            "validationFraction", "0", "patience", "0", "regParam", "0");

    /** {@link #PLAIN} with {@code kv} (key, value, …, prefix-less) over it, as full {@code spark.scratchnet.*} keys. */
    public static java.util.Map<String, String> plain(String... kv) {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        PLAIN.forEach((k, v) -> m.put("spark.scratchnet." + k, v));
        for (int i = 0; i < kv.length; i += 2) {
            m.put("spark.scratchnet." + kv[i], kv[i + 1]);
        }
        return m;
    }

    /** The first {@code train} training and {@code test} test examples. */
    public static Mnist.Split subset(int train, int test) {
        Mnist.Split all = mnist();
        return new Mnist.Split(all.train().slice(0, train), all.test().slice(0, test));
    }

    /** Largest |a - b| / max(1e-3, |b|) over two arrays: a relative difference that ignores values near 0. */
    public static double maxRelativeDifference(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths " + a.length + " and " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]) / Math.max(1e-3, Math.abs(b[i])));
        }
        return max;
    }

    /**
     * Asserts that two evaluations count the same examples and the same right answers, and that their loss sums
     * agree to summation order (partitions add their sums in another grouping than one block does).
     */
    public static void assertSameEvaluation(dev.scratchnet.partition.Evaluation expected,
                                            dev.scratchnet.partition.Evaluation got, String what) {
        dev.scratchnet.partition.Evaluation.Scores[][] pairs = {{expected.train(), got.train()},
                {expected.validation(), got.validation()}, {expected.test(), got.test()}};
        for (dev.scratchnet.partition.Evaluation.Scores[] p : pairs) {
            org.junit.jupiter.api.Assertions.assertEquals(p[0].count(), p[1].count(), what);
            org.junit.jupiter.api.Assertions.assertEquals(p[0].weight(), p[1].weight(), what);
            org.junit.jupiter.api.Assertions.assertEquals(p[0].correct(), p[1].correct(), what);
            org.junit.jupiter.api.Assertions.assertEquals(p[0].loss(), p[1].loss(), 1e-12 * Math.max(1, p[0].loss()), what);
        }
    }

    /** Tiny in-memory data set with random pixels, for tests that need no real images. */
    public static ImageSet random(int n, int features, int classes, long seed) {
        java.util.Random r = new java.util.Random(seed);
        byte[] pixels = new byte[n * features];
        r.nextBytes(pixels);
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) r.nextInt(classes);
        }
        return ImageSet.of(pixels, labels, 1, features, classes);
    }
}
