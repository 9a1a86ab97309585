package dev.scratchnet.registry;

import dev.scratchnet.config.Configuration;
import dev.scratchnet.config.Setting;
import dev.scratchnet.network.NetworkSettings;
import dev.scratchnet.training.OutputSettings;
import dev.scratchnet.training.TrainingSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every scratchnet setting, gathered from the packages that own them: the one list the command line, the
 * README's tables and the estimator's Params are derived from. It lives apart from the Spark engine so that every
 * front end (the command line, the estimator, the in-process trainer and its tests) reaches it without Spark.
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

    /** The README's settings tables. */
    public static String markdownTables() {
        return Configuration.markdownTables(ALL);
    }
}
