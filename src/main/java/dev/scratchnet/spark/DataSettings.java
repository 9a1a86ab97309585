package dev.scratchnet.spark;

import static dev.scratchnet.config.Setting.Group.DATA;

import dev.scratchnet.config.Setting;
import java.util.List;

/** Where the training data comes from. */
public final class DataSettings {
    private DataSettings() {}

    public static final Setting<String> DATA_DIR = Setting.text(DATA, "data.dir", "data/mnist", "a folder", v -> {
        if (v.isEmpty()) {
            throw new IllegalArgumentException("must not be empty");
        }
    }, "MNIST IDX files (raw or .gz); fetched there when missing");

    /** In the order the README lists them. */
    public static final List<Setting<?>> ALL = List.of(DATA_DIR);
}
