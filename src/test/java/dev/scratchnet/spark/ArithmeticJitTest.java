package dev.scratchnet.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * In fresh JVMs (a compiler directive lasts for the JVM's life): with {@link ArithmeticJit} applied, a hot JDK
 * method and netlib's argument checks ({@code AbstractBLAS}) stop short of C2 while a hot method of ours reaches it;
 * without, all three reach C2.
 */
class ArithmeticJitTest {
    @Test
    void onlyTheArithmeticReachesC2() throws Exception {
        String with = probe(true);
        assertTrue(with.startsWith("applied: C2 for arithmetic only | "), with);
        assertTrue(with.contains("ours 4 "), "scratchnet's code keeps C2: " + with);
        assertTrue(with.matches(".* jdk [0-3] .*"), "the JDK's code gets C1 only: " + with);
        assertTrue(with.matches(".* blas checks [0-3]$"), "netlib's argument checks get C1 only: " + with);
    }

    @Test
    void withoutItTheSameProbeReachesC2ForBoth() throws Exception {
        String without = probe(false);
        assertTrue(without.contains("ours 4 ") && without.endsWith(" jdk 4 blas checks 4"), without);
    }

    /**
     * The file {@code submit.sh} gives the driver's JVM at its start is the directives {@code apply} adds: the same
     * levels, and {@code apply} then adds nothing and says the JVM had them from its start.
     */
    @Test
    void theFileGivenAtTheJvmsStartIsTheSameDirectives() throws Exception {
        Path file = Path.of(ArithmeticJit.class.getResource("c2-arithmetic.json").toURI());
        String from = probe(true, "-XX:+UnlockDiagnosticVMOptions", "-XX:CompilerDirectivesFile=" + file);
        assertTrue(from.startsWith("applied: " + ArithmeticJit.FROM_START + " | "), from);
        assertTrue(from.contains("ours 4 "), "scratchnet's code keeps C2: " + from);
        assertTrue(from.matches(".* jdk [0-3] .*"), "the JDK's code gets C1 only: " + from);
        assertTrue(from.matches(".* blas checks [0-3]$"), "netlib's argument checks get C1 only: " + from);
    }

    private static String probe(boolean apply, String... jvmFlags) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx128m"));
        cmd.addAll(List.of(jvmFlags));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName(), String.valueOf(apply)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), out);
        return out.lines().reduce((a, b) -> b).orElse("");
    }

    /** Runs a hot method of ours and a hot JDK method until ours is C2-compiled, then reports both levels. */
    static final class Probe {
        private Probe() {}

        public static void main(String[] args) throws Exception {
            String applied = "no";
            boolean apply = Boolean.parseBoolean(args[0]);
            if (apply) {
                applied = ArithmeticJit.apply();
                if (!ArithmeticJit.apply().equals(applied)) {
                    throw new IllegalStateException("a second apply() answered differently");
                }
            }
            int[] data = new int[1000];
            for (int i = 0; i < data.length; i++) {
                data[i] = i * 31;
            }
            long sink = 0;
            long deadline = System.nanoTime() + 60_000_000_000L;
            long oursAtC2Since = 0;
            int ours = 0;
            int jdk = 0;
            int checks = 0;
            dev.ludovic.netlib.blas.BLAS blas = dev.ludovic.netlib.blas.BLAS.getInstance();
            float[] f = new float[8];
            while (System.nanoTime() < deadline) {
                for (int i = 0; i < 20_000; i++) {
                    sink += sum(data) + java.util.Arrays.hashCode(data) + (long) blas.sdot(f.length, f, 1, f, 1);
                }
                ours = level("dev.scratchnet.spark.ArithmeticJitTest$Probe.sum([I)J");
                jdk = level("java.util.Arrays.hashCode([I)I");
                checks = level("dev.ludovic.netlib.blas.AbstractBLAS.sdot(I[FI[FI)F");
                if (ours == 4 && oursAtC2Since == 0) {
                    oursAtC2Since = System.nanoTime();
                }
                // Without the directive, wait (up to the deadline) for the JDK method to reach C2 too: on a loaded
                // machine the compile queue can hold it back for a while after ours.
                if (oursAtC2Since > 0 && (jdk == 4 && checks == 4 || apply && System.nanoTime() - oursAtC2Since > 2_000_000_000L)) {
                    break;
                }
            }
            System.out.println(String.format(Locale.ROOT, "applied: %s | ours %d (%d) jdk %d blas checks %d", applied, ours,
                    sink & 1, jdk, checks));
        }

        static long sum(int[] data) {
            long s = 0;
            for (int v : data) {
                s += v;
            }
            return s;
        }

        /** The highest tier {@code method} is compiled at now (0: interpreted), from {@code jcmd Compiler.codelist}. */
        static int level(String method) throws Exception {
            Object list = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerCodelist",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            int best = 0;
            for (String line : String.valueOf(list).split("\n")) {
                String[] f = line.trim().split(" ");
                if (f.length >= 4 && f[3].equals(method) && f[2].equals("0")) {
                    best = Math.max(best, Integer.parseInt(f[1]));
                }
            }
            return best;
        }
    }
}
