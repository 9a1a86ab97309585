package dev.scratchnet.registry;

import static dev.scratchnet.config.Setting.Group.DATA;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.config.Choice;
import dev.scratchnet.config.Configuration;
import dev.scratchnet.config.Setting;
import java.util.List;
import java.util.Locale;

/** Where the training data comes from and how to read it. */
public final class DataSettings {
    private DataSettings() {}

    /** The formats the command line reads. */
    public enum Format implements Choice {
        /** IDX files as MNIST ships them (raw or .gz), in {@code data.dir}. */
        MNIST,
        LIBSVM,
        PARQUET,
        CSV;

        @Override
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The folder {@code ./submit.sh} fetches MNIST into when it is missing; no other folder is ever fetched into. */
    public static final String DEFAULT_MNIST_DIR = "data/mnist";

    public static final Setting<Format> FORMAT = Setting.choice(DATA, "data.format", Format.class, Format.MNIST,
            "what the data is: MNIST's IDX files in data.dir, or LibSVM / Parquet / CSV files at data.train and data.test");
    public static final Setting<String> DATA_DIR = Setting.text(DATA, "data.dir", DEFAULT_MNIST_DIR,
            "a folder: a path or a Hadoop URI (file:, hdfs://, s3a://)", DataSettings::notEmpty,
            "MNIST IDX files (raw or .gz), read by the executors; only the default folder is fetched when missing");
    public static final Setting<String> TRAIN = Setting.text(DATA, "data.train", "",
            "a file or folder: a path or a Hadoop URI", v -> {}, "training data for libsvm, parquet and csv");
    public static final Setting<String> TEST = Setting.text(DATA, "data.test", "",
            "empty (no test set), or a file or folder", v -> {}, "test data for libsvm, parquet and csv (evaluated each epoch, never trained on)");
    public static final Setting<String> FEATURES = Setting.text(DATA, "data.features", "auto",
            "auto | * | a column | a comma list of columns", DataSettings::notEmpty,
            "feature columns of parquet and csv: one vector column or numeric columns (auto: a vector column named "
                    + "features if there is one, else every column but the label; *: every column but the label)");
    public static final Setting<String> LABEL = Setting.text(DATA, "data.label", "label", "a column name",
            DataSettings::notEmpty, "label column of parquet and csv: class indices 0 … K-1 as numbers (task=regression: any finite numbers)");
    public static final Setting<String> WEIGHT = Setting.text(DATA, "data.weight", "", "empty (none) or a column name",
            v -> {}, "column of sample weights for parquet and csv (finite numbers ≥ 0; empty: every example weighs 1), "
                    + "in the loss, the gradient and the metrics");
    public static final Setting<Double> SCALE = Setting.decimal(DATA, "data.scale", 1, "> 0", v -> {
        if (v <= 0) {
            throw new IllegalArgumentException("must be > 0");
        }
    }, "multiplies every feature value of libsvm, parquet and csv data (e.g. 0.00392156862745098 = 1/255 for "
            + "pixels 0 … 255; MNIST's IDX pixels are always divided by 255, as the book does)").param();

    /**
     * What every raw feature value is multiplied by before the network: MNIST's IDX pixels are divided by 255
     * ({@code data.ImageSet}), other formats take {@link #SCALE}.
     */
    public static double featureScale(Configuration config) {
        return config.get(FORMAT) == Format.MNIST ? 1 / 255.0 : config.get(SCALE);
    }

    /** In the order the README lists them. */
    public static final List<Setting<?>> ALL = List.of(FORMAT, DATA_DIR, TRAIN, TEST, FEATURES, LABEL, WEIGHT, SCALE);

    /**
     * Refuses paths the chosen format does not read, before anything starts: {@code data.train} or
     * {@code data.test} with {@code data.format=mnist} (which reads {@code data.dir}), a {@code data.dir} other
     * than the default with a format that reads {@code data.train}, and no {@code data.train} for those formats.
     * Otherwise a mistyped format would quietly train on MNIST.
     *
     * @throws ScratchnetException naming both settings
     */
    public static void checkPaths(Configuration config) {
        Format format = config.get(FORMAT);
        if (format == Format.MNIST) {
            for (Setting<String> path : List.of(TRAIN, TEST)) {
                if (!config.get(path).isEmpty()) {
                    throw new ScratchnetException(path.key() + " is set (" + config.get(path) + "), but "
                            + FORMAT.key() + "=mnist reads the IDX files in " + DATA_DIR.key() + ": set "
                            + FORMAT.key() + " to libsvm, parquet or csv to read it, or leave " + path.key() + " empty");
                }
            }
        } else {
            if (!isDefaultDir(config.get(DATA_DIR))) {
                throw new ScratchnetException(DATA_DIR.key() + " is set (" + config.get(DATA_DIR) + "), but "
                        + FORMAT.key() + "=" + format.id() + " reads " + TRAIN.key() + " and " + TEST.key()
                        + ": set the paths there, or " + FORMAT.key() + "=mnist to read IDX files from that folder");
            }
            if (config.get(TRAIN).isEmpty()) {
                throw new ScratchnetException(TRAIN.key() + ": must name the training data for " + FORMAT.key() + "="
                        + format.id());
            }
        }
    }

    /**
     * Whether {@code location} begins with a URI scheme ({@code hdfs:}, {@code s3a:}, {@code file:}, ...) rather than
     * being a plain path.
     */
    public static boolean hasScheme(String location) {
        return SCHEME.matcher(location).matches();
    }

    private static final java.util.regex.Pattern SCHEME = java.util.regex.Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*:.*");

    /** Whether {@code dir} is the default MNIST folder, as written or as a path to the same folder. */
    static boolean isDefaultDir(String dir) {
        if (dir.equals(DEFAULT_MNIST_DIR)) {
            return true;
        }
        try {
            String local = dir.startsWith("file:") ? java.nio.file.Path.of(java.net.URI.create(dir)).toString() : dir;
            if (hasScheme(local)) {
                return false; // another file system
            }
            return java.nio.file.Path.of(local).toAbsolutePath().normalize()
                    .equals(java.nio.file.Path.of(DEFAULT_MNIST_DIR).toAbsolutePath().normalize());
        } catch (IllegalArgumentException e) { // InvalidPathException too
            return false;
        }
    }

    private static void notEmpty(String value) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("must not be empty");
        }
    }
}
