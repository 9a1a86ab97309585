package dev.scratchnet.spark;

import dev.scratchnet.config.Configuration;
import dev.scratchnet.config.Setting;
import dev.scratchnet.network.NetworkSettings;
import dev.scratchnet.training.OutputSettings;
import dev.scratchnet.training.TrainingSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import scala.Tuple2;

/**
 * Every scratchnet setting, gathered from the packages that own them: the one list the command line, the
 * README's tables and the estimator's Params are derived from.
 */
public final class Settings {
    private Settings() {}

    /** Every setting, grouped as the README lists them. */
    public static final List<Setting<?>> ALL = all();

    private static List<Setting<?>> all() {
        List<Setting<?>> all = new ArrayList<>();
        all.addAll(DataSettings.ALL);
        all.addAll(NetworkSettings.ALL);
        all.addAll(TrainingSettings.ALL);
        all.addAll(EngineSettings.ALL);
        all.addAll(OutputSettings.ALL);
        return List.copyOf(all);
    }

    /** Every setting at its default: the book's run. */
    public static Configuration defaults() {
        return Configuration.defaults(ALL);
    }

    /** The {@code spark.scratchnet.*} keys of {@code properties} over the defaults; other keys are ignored. */
    public static Configuration parse(Map<String, String> properties) {
        return Configuration.parse(ALL, properties);
    }

    /** The {@code spark.scratchnet.*} keys of a Spark configuration. */
    public static Configuration of(SparkConf conf) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (Tuple2<String, String> kv : conf.getAll()) {
            properties.put(kv._1(), kv._2());
        }
        return parse(properties);
    }

    /** The setting with the full key {@code key}, or null. */
    public static Setting<?> byKey(String key) {
        for (Setting<?> s : ALL) {
            if (s.key().equals(key)) {
                return s;
            }
        }
        return null;
    }

    /** The README's settings tables. */
    public static String markdownTables() {
        return Configuration.markdownTables(ALL);
    }
}
