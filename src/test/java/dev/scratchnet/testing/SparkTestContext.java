package dev.scratchnet.testing;

import dev.scratchnet.spark.CachedCleanSparkContext;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * A local Spark for tests: 2 threads, up to 3 attempts per task (so injected failures are retried), no UI; a
 * {@link CachedCleanSparkContext}, as the benchmark uses, so the distributed tests cover it.
 */
public final class SparkTestContext {
    private SparkTestContext() {}

    public static SparkConf conf() {
        return new SparkConf()
                .setMaster("local[2,3]")
                .setAppName("scratchnet-test")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.locality.wait", "0")
                .set("spark.ui.showConsoleProgress", "false");
    }

    /** The SparkSession over {@code sc} (the active context). */
    public static org.apache.spark.sql.SparkSession session(JavaSparkContext sc) {
        org.apache.spark.sql.SparkSession spark = org.apache.spark.sql.SparkSession.builder().getOrCreate();
        if (spark.sparkContext() != sc.sc()) {
            throw new IllegalStateException("the session is not over the test's context");
        }
        return spark;
    }

    public static JavaSparkContext start() {
        return CachedCleanSparkContext.start(conf(), System.out);
    }
}
