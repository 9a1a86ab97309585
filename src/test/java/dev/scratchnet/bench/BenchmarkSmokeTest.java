package dev.scratchnet.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.testing.TestData;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the benchmark's code path working: on a 3,000-image subset, one repeat, Spark and in-process
 * training plus the micro-benchmarks. (MLlib and numpy run only under {@code -Pbench}: MLlib is not on the
 * default test class path.)
 */
class BenchmarkSmokeTest {
    @Test
    void theBenchmarkRunsEndToEndOnASubset(@TempDir Path tmp) throws Exception {
        TestData.mnist();
        System.setProperty("bench.smoke", "true");
        try {
            Path json = tmp.resolve("bench.json");
            new Benchmark(TestData.projectDir(), 1, true, List.of("spark", "local", "micro")).run(json);
            String text = java.nio.file.Files.readString(json);
            assertTrue(text.contains("\"spark_over_in_process\""), text);
            assertTrue(text.contains("\"step_ms_2_partitions\""), text);
        } finally {
            System.clearProperty("bench.smoke");
        }
    }
}
