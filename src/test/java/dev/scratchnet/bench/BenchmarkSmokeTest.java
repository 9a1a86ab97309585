package dev.scratchnet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.testing.SparkTestContext;
import dev.scratchnet.testing.TestData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the benchmark's code path working: on a 3,000-image subset, one repeat, Spark and in-process
 * training plus the micro-benchmarks; and the tables part's measurement, in this JVM, on three small pairs.
 * (MLlib's MNIST anchor, numpy, PyTorch and the ./submit.sh runs are only under {@code -Pbench}.)
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

    @Test
    void theTablesPartMeasuresAFitItsJobsAndTheHeldOutMetric() {
        try (JavaSparkContext sc = SparkTestContext.start()) {
            SparkSession spark = SparkTestContext.session(sc);
            Map<String, Object> wine = TablesBenchmark.measure(spark, "wine", TablesBenchmark.SCRATCHNET, 2);
            List<Map<String, Object>> fits = Benchmark.cast(wine.get("fits"));
            assertEquals(2, fits.size(), wine.toString());
            Map<String, Object> fit = fits.get(0);
            assertTrue((int) fit.get("learner_jobs") > 0 && (int) fit.get("jobs") >= (int) fit.get("learner_jobs"), fit.toString());
            assertTrue((double) fit.get("learner_fit_seconds") <= (double) fit.get("fit_seconds"), fit.toString());
            assertTrue(fit.containsKey("epochs") && fit.containsKey("steps"), fit.toString());
            double accuracy = (double) wine.get("accuracy");
            // wine with nothing set scores 0.97 (README); a run that learned nothing scores about 0.4
            assertTrue(accuracy >= 0.9 && accuracy <= 1, wine.toString());
            assertTrue(wine.containsKey("later_fit_seconds_median"), wine.toString());

            Map<String, Object> linear = TablesBenchmark.measure(spark, "diabetes", TablesBenchmark.LINEAR, 1);
            // the label's own spread is about 77; a least-squares fit scores in the fifties
            double rmse = (double) linear.get("rmse");
            assertTrue(rmse > 40 && rmse < 65, linear.toString());

            String table = TablesBenchmark.markdown(List.of(wine, linear), "held-out metric", 1);
            assertTrue(table.contains("| wine | ") && table.contains("| diabetes | "), table);
            assertFalse(table.contains("null"), table);
        }
    }
}
