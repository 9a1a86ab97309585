package dev.scratchnet.bench;

import dev.scratchnet.math.NativeBlas;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The BLAS MLlib computes with in this JVM, made the bundled OpenBLAS on one thread and checked, so that MLlib's
 * fits are comparable whatever the machine has installed.
 *
 * <p>MLlib calls netlib's {@code NativeBLAS.getInstance()} (through {@code org.apache.spark.ml.linalg.BLAS}); netlib
 * binds its native library once per JVM, to {@code libblas.so.3} unless the property
 * {@code dev.ludovic.netlib.blas.nativeLibPath} names another. Installing Debian's {@code python3-torch} (or
 * numpy) puts a system {@code libblas.so.3} on the machine (reference BLAS, or a multithreaded OpenBLAS), which a
 * plain JVM's MLlib then loads. {@link NativeBlas#install} extracts scratchnet's bundled OpenBLAS and sets that
 * property before netlib initialises: called first thing in every benchmark JVM that fits MLlib, it gives MLlib the
 * same library as scratchnet. One thread: the launchers set {@code OPENBLAS_NUM_THREADS=1}, read by OpenBLAS when it
 * loads.
 */
final class MllibBlas {
    private MllibBlas() {}

    /** Installs the bundled OpenBLAS for scratchnet and MLlib alike (before anything touches netlib); its description. */
    static String install() {
        return NativeBlas.install(true).description();
    }

    /**
     * What MLlib's BLAS is now: netlib's class, the library netlib was pointed at, the BLAS libraries mapped into this
     * process, {@code OPENBLAS_NUM_THREADS}, and {@code ok} (the bundled library is mapped, no system
     * {@code libblas.so.3} is, one thread).
     */
    static Map<String, Object> check() {
        Map<String, Object> m = new LinkedHashMap<>();
        String netlib = org.apache.spark.ml.linalg.BLAS$.MODULE$.nativeBLAS().getClass().getName();
        String path = System.getProperty("dev.ludovic.netlib.blas.nativeLibPath", "");
        List<String> mapped = mappedBlasLibraries();
        String threads = System.getenv().getOrDefault("OPENBLAS_NUM_THREADS", "unset");
        m.put("mllib_netlib", netlib);
        m.put("netlib_native_lib_path", path);
        m.put("mapped_blas_libraries", mapped);
        m.put("OPENBLAS_NUM_THREADS", threads);
        boolean bundled = !path.isEmpty() && mapped.contains(path);
        boolean system = mapped.stream().anyMatch(l -> l.contains("libblas.so") || l.startsWith("/usr/"));
        boolean ok = netlib.endsWith("JNIBLAS") && bundled && !system && threads.equals("1");
        m.put("ok", ok);
        m.put("verdict", ok ? "bundled OpenBLAS (" + path + "), OPENBLAS_NUM_THREADS=1"
                : "NOT the bundled OpenBLAS on one thread: netlib " + netlib + ", mapped " + mapped
                        + ", OPENBLAS_NUM_THREADS=" + threads);
        return m;
    }

    /** The distinct files in {@code /proc/self/maps} whose name has "blas" in it. */
    static List<String> mappedBlasLibraries() {
        try {
            return Files.readAllLines(Path.of("/proc/self/maps")).stream().map(l -> l.replaceAll("^(\\S+\\s+){5}", "").strip())
                    .filter(f -> f.startsWith("/") && Path.of(f).getFileName().toString().toLowerCase().contains("blas"))
                    .distinct().toList();
        } catch (IOException | RuntimeException e) {
            return List.of("unknown: " + e.getMessage());
        }
    }
}
