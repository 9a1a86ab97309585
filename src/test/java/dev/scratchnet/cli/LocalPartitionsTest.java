package dev.scratchnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scratchnet.config.Configuration;
import dev.scratchnet.registry.Settings;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** The partitions the JIT warm-up expects of a run on a local master: Spark's own count, read before Spark starts. */
class LocalPartitionsTest {
    private static int partitions(String master, Map<String, String> spark, String configured) {
        SparkConf conf = new SparkConf(false).set("spark.master", master);
        spark.forEach(conf::set);
        Configuration config = Configuration.parse(Settings.ALL,
                configured == null ? Map.of() : Map.of("spark.scratchnet.partitions", configured));
        return TrainCommand.localPartitions(conf, config);
    }

    @Test
    void asSparksDefaultParallelismOnALocalMaster() {
        assertEquals(Runtime.getRuntime().availableProcessors(), partitions("local[*]", Map.of(), null));
        assertEquals(3, partitions("local[3]", Map.of(), null));
        assertEquals(2, partitions("local[2,4]", Map.of(), "auto"));
        assertEquals(1, partitions("local", Map.of(), null));
        assertEquals(5, partitions("local[2]", Map.of("spark.default.parallelism", "5"), null));
        assertEquals(4, partitions("local[2]", Map.of("spark.default.parallelism", "5"), "4"), "the setting wins");
        assertEquals(1, partitions("local[99999999999]", Map.of(), null), "Spark says what is wrong with it");
    }
}
