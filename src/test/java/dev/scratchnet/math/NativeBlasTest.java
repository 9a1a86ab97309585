package dev.scratchnet.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native OpenBLAS from the jar: loads on linux-x86_64 and agrees with the Java BLAS; a broken library or
 * a bad path falls back with one line; disabled means the Java BLAS and nothing extracted. The fallback
 * cases run in fresh JVMs ({@link NativeBlasProbe}), since netlib decides once per JVM.
 */
class NativeBlasTest {
    @TempDir
    Path tmp;

    static boolean linuxX86() {
        return BundledOpenBlas.platform().equals("linux-x86_64");
    }

    @Test
    void nativeOpenBlasLoadsAndAgreesWithJavaBlasTo1e12() {
        assumeTrue(linuxX86(), "the jar ships OpenBLAS for linux-x86_64 only");
        BlasChoice nat = NativeBlas.install(true);
        assertTrue(nat.isNative(), nat.description());
        assertTrue(nat.description().startsWith("native OpenBLAS 0.3.31 (bytedeco 1.5.13, /"), nat.description());
        assertTrue(nat.description().endsWith(" via dev.ludovic.netlib.blas.JNIBLAS"), nat.description());
        Matcher path = Pattern.compile("bytedeco [^,]+, ([^,]+libopenblas\\.so\\.0)").matcher(nat.description());
        assertTrue(path.find(), nat.description());
        assertTrue(Files.isRegularFile(Path.of(path.group(1))), path.group(1));
        assertTrue(BundledOpenBlas.mappedLibraryNames().contains("libopenblas.so.0"));
        assertEquals(nat.description(), Blas.implementation());

        // The step's shapes: forward (batch × 784 · 784 × 100), dW (784 × batch · batch × 100), dX.
        int m = 500;
        int k = 784;
        int n = 100;
        Random r = new Random(7);
        double[] a = r.doubles((long) m * k, -1, 1).toArray();
        double[] b = r.doubles((long) k * n, -1, 1).toArray();
        double[] cNative = product(false, m, n, k, a, b);
        double[] dwNative = product(true, k, n, m, a, r.doubles((long) m * n, -1, 1).toArray());
        try {
            BlasChoice java = NativeBlas.install(false);
            assertFalse(java.isNative());
            assertEquals("dev.ludovic.netlib.blas.VectorBLAS (native disabled)", java.description());
            double[] cJava = product(false, m, n, k, a, b);
            r = new Random(7);
            r.doubles((long) m * k + (long) k * n, -1, 1).toArray();
            double[] dwJava = product(true, k, n, m, a, r.doubles((long) m * n, -1, 1).toArray());
            assertTrue(relativeDifference(cNative, cJava) <= 1e-12, "forward: " + relativeDifference(cNative, cJava));
            assertTrue(relativeDifference(dwNative, dwJava) <= 1e-12, "dW: " + relativeDifference(dwNative, dwJava));
        } finally {
            assertTrue(NativeBlas.install(true).isNative(), "switches back to the library already loaded");
        }
    }

    @Test
    void installIsIdempotentAndThreadSafe() throws Exception {
        BlasChoice first = NativeBlas.install(true);
        assertSame(first, NativeBlas.install(true));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<BlasChoice>> all = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                all.add(pool.submit(() -> NativeBlas.install(true)));
            }
            for (Future<BlasChoice> f : all) {
                assertSame(first, f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertSame(first, NativeBlas.current());
    }

    @Test
    void disabledUsesJavaBlasAndExtractsNothing() throws Exception {
        Probe p = probe("disabled");
        assertEquals(0, p.exit, p.toString());
        assertTrue(p.out.contains("choice: false | dev.ludovic.netlib.blas.VectorBLAS (native disabled)"), p.toString());
        assertTrue(p.out.contains("gemm: ok"), p.toString());
        assertEquals(List.of(), p.errLines(), p.toString());
        assertFalse(Files.exists(tmp.resolve("cache")), "nothing extracted");
    }

    @Test
    void netlibsOwnSwitchTurnsNativeOffQuietly() throws Exception {
        Probe p = probe("enabled", "-Ddev.ludovic.netlib.blas.allowNative=false");
        assertEquals(0, p.exit, p.toString());
        assertTrue(p.out.contains("choice: false | dev.ludovic.netlib.blas.VectorBLAS (native disabled by "
                + "-Ddev.ludovic.netlib.blas.allowNative=false)"), p.toString());
        assertEquals(List.of(), p.errLines(), p.toString());
        assertFalse(Files.exists(tmp.resolve("cache")), "nothing extracted");
    }

    @Test
    void enabledInAFreshJvmLoadsFromTheGivenCacheFolder() throws Exception {
        assumeTrue(linuxX86(), "the jar ships OpenBLAS for linux-x86_64 only");
        Probe p = probe("enabled");
        assertEquals(0, p.exit, p.toString());
        assertTrue(p.out.contains("choice: true | native OpenBLAS 0.3.31 (bytedeco 1.5.13, " + tmp.resolve("cache")), p.toString());
        assertTrue(p.out.contains("gemm: ok"), p.toString());
        assertEquals(List.of(), p.errLines(), p.toString());
    }

    @Test
    void brokenLibraryFallsBackWithOneLine() throws Exception {
        assumeTrue(linuxX86(), "the jar ships OpenBLAS for linux-x86_64 only");
        Probe p = probe("broken");
        assertEquals(0, p.exit, p.toString());
        assertTrue(p.out.contains("choice: false | dev.ludovic.netlib.blas.VectorBLAS (native unavailable: bundled OpenBLAS 0.3.31"),
                p.toString());
        assertTrue(p.out.contains("gemm: ok"), p.toString());
        List<String> err = p.errLines();
        assertEquals(1, err.size(), p.toString());
        assertTrue(err.get(0).startsWith("scratchnet: native BLAS unavailable, using dev.ludovic.netlib.blas.VectorBLAS: "
                + "bundled OpenBLAS 0.3.31 for linux-x86_64 did not load: "), err.get(0));
        assertTrue(err.get(0).contains("libopenblas.so.0"), err.get(0));
    }

    @Test
    void bogusLibraryPathFallsBackWithOneLine() throws Exception {
        Probe p = probe("enabled", "-Ddev.ludovic.netlib.blas.nativeLibPath=" + tmp.resolve("no/such/libopenblas.so.0"));
        assertEquals(0, p.exit, p.toString());
        assertTrue(p.out.contains("choice: false | dev.ludovic.netlib.blas.VectorBLAS (native unavailable: "
                + "dev.ludovic.netlib.blas.nativeLibPath=" + tmp.resolve("no/such/libopenblas.so.0") + " did not load"), p.toString());
        assertTrue(p.out.contains("gemm: ok"), p.toString());
        assertEquals(1, p.errLines().size(), p.toString());
        assertTrue(p.errLines().get(0).startsWith("scratchnet: native BLAS unavailable"), p.toString());
    }

    @Test
    void theJarShipsLinuxX86AndArm64BuildsForTheirMachines() throws Exception {
        for (String platform : List.of("linux-x86_64", "linux-arm64")) {
            BundledOpenBlas bundle = BundledOpenBlas.forPlatform(platform).orElseThrow(() -> new AssertionError(platform));
            assertEquals("libopenblas.so.0", bundle.libraryName());
            assertEquals("0.3.31", bundle.openblasVersion());
            for (String f : bundle.files()) {
                Path copy = tmp.resolve(platform + "-" + f);
                try (var in = getClass().getClassLoader().getResourceAsStream("dev/scratchnet/math/native/" + platform + "/" + f)) {
                    Files.copy(in, copy);
                }
                BundledOpenBlas.checkElf(copy, platform);
            }
        }
        assertTrue(BundledOpenBlas.forPlatform("macosx-arm64").isEmpty(), "macOS keeps netlib's default (Accelerate)");
    }

    private double[] product(boolean transA, int m, int n, int k, double[] a, double[] b) {
        double[] c = new double[m * n];
        Blas.gemm(transA, false, m, n, k, 1, a, 0, b, 0, 0, c, 0);
        return c;
    }

    /** max |a - b| / max |b|: a relative difference of two products. */
    static double relativeDifference(double[] a, double[] b) {
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return diff / scale;
    }

    record Probe(int exit, String out, String err) {
        /** stderr without the JVM's own notice about the incubator module. */
        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank() && !l.startsWith("WARNING: Using incubator modules")).toList();
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Probe probe(String mode, String... jvmFlags) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-Xmx256m");
        cmd.add("--add-modules=jdk.incubator.vector");
        cmd.addAll(List.of(jvmFlags));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), NativeBlasProbe.class.getName(),
                mode, tmp.resolve("cache").toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectOutput(tmp.resolve(mode + ".out").toFile())
                .redirectError(tmp.resolve(mode + ".err").toFile());
        Process proc = pb.start();
        if (!proc.waitFor(120, TimeUnit.SECONDS)) {
            proc.destroyForcibly();
            throw new AssertionError("probe " + mode + " did not finish in 120 s");
        }
        return new Probe(proc.exitValue(), Files.readString(tmp.resolve(mode + ".out"), StandardCharsets.UTF_8),
                Files.readString(tmp.resolve(mode + ".err"), StandardCharsets.UTF_8));
    }
}
