package dev.scratchnet.cli;

import dev.scratchnet.training.TrainConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import scala.Tuple2;

/**
 * The Spark configuration this run was given (conf files, {@code --conf}, spark-submit options) and the
 * trainer settings validated from its {@code spark.scratchnet.*} keys — before any SparkContext exists.
 */
record SparkSettings(SparkConf sparkConf, TrainConfig config) {

    /** From an explicit configuration (tests); validates the trainer settings. */
    static SparkSettings of(SparkConf conf) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (Tuple2<String, String> kv : conf.getAll()) {
            properties.put(kv._1(), kv._2());
        }
        return new SparkSettings(conf, TrainConfig.parse(properties));
    }
}
