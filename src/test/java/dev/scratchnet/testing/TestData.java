package dev.scratchnet.testing;

import dev.scratchnet.data.Dataset;
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

    /** Tiny in-memory data set with random pixels, for tests that need no real images. */
    public static Dataset random(int n, int features, int classes, long seed) {
        java.util.Random r = new java.util.Random(seed);
        byte[] pixels = new byte[n * features];
        r.nextBytes(pixels);
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) r.nextInt(classes);
        }
        return Dataset.of(pixels, labels, 1, features, classes);
    }
}
