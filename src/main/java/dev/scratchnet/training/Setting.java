package dev.scratchnet.training;

/**
 * Every trainer setting: a Spark property {@code spark.scratchnet.<name>}, so it lives in Spark conf files
 * and takes {@code --conf} overrides. Defaults are the book's run (ch05/train_neuralnet.py); the default
 * conf file of the project overrides them with the fastest configuration we measured.
 */
public enum Setting {
    DATA_DIR("data.dir", "data/mnist", "a folder", "MNIST IDX files (raw or .gz); fetched there when missing"),
    PARTITIONS("partitions", "auto", "auto or an integer ≥ 1", "partitions of the cached training set (auto: Spark's default parallelism)"),
    BATCH_SIZE("batchSize", "100", "1 .. training set size", "global minibatch per synchronous step (all partitions together)"),
    LEARNING_RATE("learningRate", "0.1", "> 0", "learning rate"),
    EPOCHS("epochs", "17", "≥ 1", "passes over the training set (each epoch is floor(n / batchSize) steps)"),
    STEPS("steps", "10000", "0 (no limit) or ≥ 1", "stop after this many steps in all, even mid-epoch (the book's iters_num)"),
    HIDDEN("hidden", "50", "comma list of sizes ≥ 1, e.g. 100,50", "hidden layer sizes"),
    ACTIVATION("activation", "relu", "relu | sigmoid", "hidden-layer activation"),
    PRECISION("precision", "double", "double | single",
            "arithmetic of the matrix products: single runs sgemm (faster; partition invariance then holds to float rounding, not 1e-9); gradient checks always use double"),
    OPTIMIZER("optimizer", "sgd", "sgd | momentum | adagrad | adam", "update rule (book ch. 6), state kept on the driver"),
    MOMENTUM("momentum", "0.9", "0 ≤ m < 1", "Momentum coefficient (also Adam's beta1)"),
    WEIGHT_INIT("weightInit", "std:0.01", "std:<s> | he | xavier", "initial weight distribution (Gaussian); biases start at 0"),
    SEED("seed", "42", "an integer", "seed of the weights and of the minibatch order"),
    OUT("out", "out", "a folder", "where metrics.csv, accuracy.png, summary.json and the model go"),
    TARGET_ACCURACY("targetAccuracy", "0", "0 (off) or 0 < a ≤ 1", "stop after the first epoch whose test accuracy reaches it"),
    TREE_DEPTH("treeDepth", "2", "≥ 1", "depth of the treeAggregate that sums gradients"),
    EVAL_TRAIN("evalTrain", "true", "true | false", "also count correct predictions on the full training set each epoch"),
    PROGRESS_SECONDS("progressSeconds", "10", "≥ 0 (0: off)", "seconds between progress lines within an epoch"),
    CHECKPOINT_EVERY("checkpoint.every", "0", "0 (each epoch) or steps ≥ 1", "how often the driver checkpoints"),
    CHECKPOINT_DIR("checkpoint.dir", "", "a folder (default: <out>/checkpoint)", "where the checkpoint goes"),
    RESUME("resume", "false", "true | false", "continue from the checkpoint instead of starting afresh"),
    NO_EXECUTOR_TIMEOUT("noExecutorTimeout", "120", "≥ 0 seconds (0: wait forever)",
            "on a cluster, give up when no executor has been registered for this long, from the start on (Spark itself would wait forever)"),
    CLOSURE_CHECK_CACHE("closureCheckCache", "true", "true | false",
            "run Spark's per-job closure class-file check once per closure class (saves ~5-10 ms a step; false: Spark's own SparkContext)"),
    FAIL_ONCE("test.failTaskOnce", "", "empty, or a marker file path", "test only: the first gradient task that finds no marker file creates it and fails");

    private final String name;
    private final String defaultValue;
    private final String valid;
    private final String meaning;

    Setting(String name, String defaultValue, String valid, String meaning) {
        this.name = name;
        this.defaultValue = defaultValue;
        this.valid = valid;
        this.meaning = meaning;
    }

    /** The prefix of every trainer setting. */
    public static final String PREFIX = "spark.scratchnet.";

    /** The full property key, e.g. {@code spark.scratchnet.batchSize}. */
    public String key() {
        return PREFIX + name;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String valid() {
        return valid;
    }

    public String meaning() {
        return meaning;
    }

    /** The setting with this full key, or null. */
    public static Setting byKey(String key) {
        for (Setting s : values()) {
            if (s.key().equals(key)) {
                return s;
            }
        }
        return null;
    }

    /** The README's table of settings, in Markdown. */
    public static String markdownTable() {
        StringBuilder sb = new StringBuilder("| setting | meaning | default | valid values |\n|---|---|---|---|\n");
        for (Setting s : values()) {
            sb.append("| `").append(s.key()).append("` | ").append(s.meaning).append(" | `")
                    .append(s.defaultValue.isEmpty() ? " " : s.defaultValue).append("` | ").append(s.valid.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;"))
                    .append(" |\n");
        }
        return sb.toString();
    }
}
