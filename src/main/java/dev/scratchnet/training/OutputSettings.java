package dev.scratchnet.training;

import static dev.scratchnet.config.Setting.Group.OUTPUT;

import dev.scratchnet.config.Configuration;
import dev.scratchnet.config.Setting;
import java.util.List;

/** Where a run writes its outputs and checkpoints, how often, and whether it resumes. */
public final class OutputSettings {
    private OutputSettings() {}

    public static final Setting<String> OUT = Setting.text(OUTPUT, "out", "out", "a folder", OutputSettings::notEmpty,
            "where metrics.csv, accuracy.png, summary.json and the model go");
    public static final Setting<Long> CHECKPOINT_EVERY = Setting.longInteger(OUTPUT, "checkpoint.every", 0, 0, Long.MAX_VALUE,
            "how often the driver checkpoints").valid("0 (each epoch) or steps ≥ 1").param();
    public static final Setting<String> CHECKPOINT_DIR = Setting.text(OUTPUT, "checkpoint.dir", "",
            "a folder (default: <out>/checkpoint)", v -> {}, "where the checkpoint goes").param();
    public static final Setting<Boolean> RESUME = Setting.bool(OUTPUT, "resume", false,
            "continue from the checkpoint instead of starting afresh").param();

    /** In the order the README lists them. */
    public static final List<Setting<?>> ALL = List.of(OUT, CHECKPOINT_EVERY, CHECKPOINT_DIR, RESUME);

    /** The checkpoint folder: {@code checkpoint.dir}, or {@code <out>/checkpoint}. */
    public static String checkpointFolder(Configuration config) {
        String dir = config.get(CHECKPOINT_DIR);
        return dir.isEmpty() ? config.get(OUT) + "/checkpoint" : dir;
    }

    private static void notEmpty(String value) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("must not be empty");
        }
    }
}
