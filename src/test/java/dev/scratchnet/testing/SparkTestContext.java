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

    public static JavaSparkContext start() {
        return CachedCleanSparkContext.start(conf(), System.out);
    }
}
