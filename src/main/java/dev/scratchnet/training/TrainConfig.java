package dev.scratchnet.training;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.network.Activation;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.network.WeightInit;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The validated trainer settings (see {@link Setting}). Built from Spark properties by {@link #parse};
 * every bad or unknown {@code spark.scratchnet.*} key fails there, before any Spark job, with one line
 * naming the key.
 *
 * @param partitions 0 means "Spark's default parallelism"
 * @param steps 0 means "no limit beyond the epochs"
 * @param targetAccuracy 0 means "off"
 * @param checkpointEvery 0 means "at the end of every epoch"
 * @param noExecutorTimeout seconds without executors before a cluster run gives up; 0 means "never"
 * @param failTaskOnce test only: a marker file path, or empty
 */
public record TrainConfig(
        String dataDir, int partitions, int batchSize, double learningRate, int epochs, long steps,
        List<Integer> hidden, Activation activation, boolean singlePrecision, String optimizer, double momentum, WeightInit weightInit,
        long seed, String out, double targetAccuracy, int treeDepth, boolean evalTrain, double progressSeconds,
        long checkpointEvery, String checkpointDir, boolean resume, double noExecutorTimeout, boolean closureCheckCache,
        String failTaskOnce) implements Serializable {

    /** The book's run: every setting at its default. */
    public static TrainConfig defaults() {
        return parse(Map.of());
    }

    /** The network this configuration trains on inputs of {@code inputSize} into {@code classes} classes. */
    public NetworkSpec network(int inputSize, int classes) {
        return new NetworkSpec(inputSize, hidden, activation, classes);
    }

    /** The checkpoint folder: {@code checkpoint.dir}, or {@code <out>/checkpoint}. */
    public String checkpointFolder() {
        return checkpointDir.isEmpty() ? out + "/checkpoint" : checkpointDir;
    }

    /** Every setting with its effective value, by full key (for logs and summary.json). */
    public Map<String, String> effective() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(Setting.DATA_DIR.key(), dataDir);
        m.put(Setting.PARTITIONS.key(), partitions == 0 ? "auto" : String.valueOf(partitions));
        m.put(Setting.BATCH_SIZE.key(), String.valueOf(batchSize));
        m.put(Setting.LEARNING_RATE.key(), String.valueOf(learningRate));
        m.put(Setting.EPOCHS.key(), String.valueOf(epochs));
        m.put(Setting.STEPS.key(), String.valueOf(steps));
        m.put(Setting.HIDDEN.key(), String.join(",", hidden.stream().map(String::valueOf).toList()));
        m.put(Setting.ACTIVATION.key(), activation.id());
        m.put(Setting.PRECISION.key(), singlePrecision ? "single" : "double");
        m.put(Setting.OPTIMIZER.key(), optimizer);
        m.put(Setting.MOMENTUM.key(), String.valueOf(momentum));
        m.put(Setting.WEIGHT_INIT.key(), weightInit.toString());
        m.put(Setting.SEED.key(), String.valueOf(seed));
        m.put(Setting.OUT.key(), out);
        m.put(Setting.TARGET_ACCURACY.key(), String.valueOf(targetAccuracy));
        m.put(Setting.TREE_DEPTH.key(), String.valueOf(treeDepth));
        m.put(Setting.EVAL_TRAIN.key(), String.valueOf(evalTrain));
        m.put(Setting.PROGRESS_SECONDS.key(), String.valueOf(progressSeconds));
        m.put(Setting.CHECKPOINT_EVERY.key(), String.valueOf(checkpointEvery));
        m.put(Setting.CHECKPOINT_DIR.key(), checkpointFolder());
        m.put(Setting.RESUME.key(), String.valueOf(resume));
        m.put(Setting.NO_EXECUTOR_TIMEOUT.key(), String.valueOf(noExecutorTimeout));
        m.put(Setting.CLOSURE_CHECK_CACHE.key(), String.valueOf(closureCheckCache));
        if (!failTaskOnce.isEmpty()) {
            m.put(Setting.FAIL_ONCE.key(), failTaskOnce);
        }
        return m;
    }

    /**
     * Validates {@code spark.scratchnet.*} properties (other keys are ignored) over the defaults.
     *
     * @throws ScratchnetException naming the first bad key
     */
    public static TrainConfig parse(Map<String, String> properties) {
        Map<Setting, String> values = new TreeMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(properties).entrySet()) {
            if (!e.getKey().startsWith(Setting.PREFIX)) {
                continue;
            }
            Setting s = Setting.byKey(e.getKey());
            if (s == null) {
                throw new ScratchnetException(e.getKey() + ": unknown setting" + suggestion(e.getKey()));
            }
            values.put(s, e.getValue().trim());
        }
        Reader r = new Reader(values);
        String precision = r.string(Setting.PRECISION).toLowerCase(Locale.ROOT);
        if (!precision.equals("double") && !precision.equals("single")) {
            throw r.bad(Setting.PRECISION, "unknown precision");
        }
        String optimizer = r.string(Setting.OPTIMIZER).toLowerCase(Locale.ROOT);
        if (!List.of("sgd", "momentum", "adagrad", "adam").contains(optimizer)) {
            throw r.bad(Setting.OPTIMIZER, "unknown optimizer");
        }
        Activation activation = Activation.parse(r.string(Setting.ACTIVATION));
        if (activation == null) {
            throw r.bad(Setting.ACTIVATION, "unknown activation");
        }
        WeightInit init = WeightInit.parse(r.string(Setting.WEIGHT_INIT));
        if (init == null) {
            throw r.bad(Setting.WEIGHT_INIT, "not a positive std, 'he' or 'xavier'");
        }
        String partitions = r.string(Setting.PARTITIONS);
        int partitionCount = partitions.equalsIgnoreCase("auto") ? 0 : r.integer(Setting.PARTITIONS, 1, 100_000);
        double momentum = r.decimal(Setting.MOMENTUM);
        if (momentum < 0 || momentum >= 1) {
            throw r.bad(Setting.MOMENTUM, "must be in [0, 1)");
        }
        double learningRate = r.decimal(Setting.LEARNING_RATE);
        if (learningRate <= 0) {
            throw r.bad(Setting.LEARNING_RATE, "must be > 0");
        }
        double target = r.decimal(Setting.TARGET_ACCURACY);
        if (target < 0 || target > 1) {
            throw r.bad(Setting.TARGET_ACCURACY, "must be 0 (off) or in (0, 1]");
        }
        double progress = r.decimal(Setting.PROGRESS_SECONDS);
        if (progress < 0) {
            throw r.bad(Setting.PROGRESS_SECONDS, "must be ≥ 0");
        }
        double noExecutorTimeout = r.decimal(Setting.NO_EXECUTOR_TIMEOUT);
        if (noExecutorTimeout < 0) {
            throw r.bad(Setting.NO_EXECUTOR_TIMEOUT, "must be ≥ 0");
        }
        return new TrainConfig(
                r.path(Setting.DATA_DIR),
                partitionCount,
                r.integer(Setting.BATCH_SIZE, 1, Integer.MAX_VALUE),
                learningRate,
                r.integer(Setting.EPOCHS, 1, 1_000_000),
                r.longInteger(Setting.STEPS, 0, Long.MAX_VALUE),
                r.hidden(),
                activation,
                precision.equals("single"),
                optimizer,
                momentum,
                init,
                r.longInteger(Setting.SEED, Long.MIN_VALUE, Long.MAX_VALUE),
                r.path(Setting.OUT),
                target,
                r.integer(Setting.TREE_DEPTH, 1, 10),
                r.bool(Setting.EVAL_TRAIN),
                progress,
                r.longInteger(Setting.CHECKPOINT_EVERY, 0, Long.MAX_VALUE),
                r.string(Setting.CHECKPOINT_DIR),
                r.bool(Setting.RESUME),
                noExecutorTimeout,
                r.bool(Setting.CLOSURE_CHECK_CACHE),
                r.string(Setting.FAIL_ONCE));
    }

    private static String suggestion(String key) {
        String name = key.substring(Setting.PREFIX.length());
        for (Setting s : Setting.values()) {
            if (s.key().substring(Setting.PREFIX.length()).equalsIgnoreCase(name)) {
                return " (did you mean " + s.key() + "?)";
            }
        }
        List<String> names = new ArrayList<>();
        for (Setting s : Setting.values()) {
            if (s != Setting.FAIL_ONCE) {
                names.add(s.key().substring(Setting.PREFIX.length()));
            }
        }
        return " (known: " + String.join(", ", names) + ")";
    }

    /** Reads one setting at a time, with messages that name the key and quote the value. */
    private record Reader(Map<Setting, String> values) {
        String string(Setting s) {
            return values.getOrDefault(s, s.defaultValue());
        }

        ScratchnetException bad(Setting s, String why) {
            return new ScratchnetException(s.key() + ": " + why + ", got '" + string(s) + "' (valid: " + s.valid() + ")");
        }

        String path(Setting s) {
            String v = string(s);
            if (v.isEmpty()) {
                throw bad(s, "must not be empty");
            }
            return v;
        }

        long longInteger(Setting s, long min, long max) {
            long v;
            try {
                v = Long.parseLong(string(s).replace("_", ""));
            } catch (NumberFormatException e) {
                throw bad(s, "not an integer");
            }
            if (v < min || v > max) {
                throw bad(s, "out of range");
            }
            return v;
        }

        int integer(Setting s, int min, int max) {
            return (int) longInteger(s, min, max);
        }

        double decimal(Setting s) {
            double v;
            try {
                v = Double.parseDouble(string(s));
            } catch (NumberFormatException e) {
                throw bad(s, "not a number");
            }
            if (!Double.isFinite(v)) {
                throw bad(s, "not a finite number");
            }
            return v;
        }

        boolean bool(Setting s) {
            String v = string(s).toLowerCase(Locale.ROOT);
            if (!v.equals("true") && !v.equals("false")) {
                throw bad(s, "not true or false");
            }
            return v.equals("true");
        }

        List<Integer> hidden() {
            List<Integer> sizes = new ArrayList<>();
            for (String part : string(Setting.HIDDEN).split(",", -1)) {
                try {
                    int h = Integer.parseInt(part.trim());
                    if (h < 1 || h > 100_000) {
                        throw bad(Setting.HIDDEN, "sizes must be between 1 and 100000");
                    }
                    sizes.add(h);
                } catch (NumberFormatException e) {
                    throw bad(Setting.HIDDEN, "not a comma list of integers");
                }
            }
            return sizes;
        }
    }
}
