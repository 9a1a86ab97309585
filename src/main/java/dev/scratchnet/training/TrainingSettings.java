package dev.scratchnet.training;

import static dev.scratchnet.config.Setting.Group.TRAINING;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.config.Choice;
import dev.scratchnet.config.Configuration;
import dev.scratchnet.config.Setting;
import dev.scratchnet.math.Precision;
import dev.scratchnet.network.WeightDecay;
import dev.scratchnet.optim.LearningRateSchedule;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.partition.ValidationSplit;
import java.util.List;
import java.util.Locale;

/**
 * The settings of the training loop: minibatch, optimizer, regularization, how long to train and when to stop.
 * Defaults work on data nobody tuned for, after scikit-learn's {@code MLPClassifier}: Adam at 0.001, batches of
 * at most 200 (a tenth of a small table, so that it still gets ten steps an epoch), a little L2 weight decay, a
 * tenth of a large training set held out, and a stop when the validation loss (the training loss of a small table)
 * has not improved by {@code tol} for 20 epochs, keeping the best epoch's weights; 1,000 epochs at most. The book's
 * run is {@code conf/book.conf}.
 * Where MLlib's {@code MultilayerPerceptronClassifier} has the same thing, the estimator's Param has MLlib's name
 * ({@code stepSize}, {@code maxIter}, {@code solver}, {@code tol}, {@code regParam}).
 */
public final class TrainingSettings {
    private TrainingSettings() {}

    /** What early stopping watches on the validation split (the training loss when there is none). */
    public enum Monitor implements Choice {
        LOSS, ACCURACY;

        @Override
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The largest batch size {@code auto} chooses, scikit-learn's 200: {@code auto} is {@code n / 10} within
     * {@code [16, 200]} (never more than {@code n}), so that a small table gets ten steps an epoch, not one.
     */
    public static final int AUTO_BATCH = 200;
    /** The smallest batch size {@code auto} chooses (unless the table is smaller). */
    public static final int AUTO_MIN_BATCH = 16;

    public static final Setting<Integer> BATCH_SIZE = Setting.integerOrAuto(TRAINING, "batchSize", 1, Integer.MAX_VALUE,
            "global minibatch per synchronous step, all partitions together (auto: a tenth of the training examples, "
                    + "at least 16 and at most 200)")
            .valid("auto or 1 .. training set size").trajectory().param();
    public static final Setting<Optimizer.Kind> OPTIMIZER = Setting.choice(TRAINING, "optimizer", Optimizer.Kind.class,
            Optimizer.Kind.ADAM, "update rule (book §6.1; gd is MLlib's name for sgd; l-bfgs: full-batch L-BFGS, "
                    + "MLlib's default), state kept on the driver").trajectory().param("solver");
    public static final Setting<Double> LEARNING_RATE = Setting.decimal(TRAINING, "learningRate", 0.001, "> 0", v -> {
        if (v <= 0) {
            throw new IllegalArgumentException("must be > 0");
        }
    }, "learning rate (not used by l-bfgs)").trajectory().param("stepSize");
    public static final Setting<Double> MOMENTUM = Setting.decimal(TRAINING, "momentum", 0.9, "0 ≤ m < 1", v -> {
        if (v < 0 || v >= 1) {
            throw new IllegalArgumentException("must be in [0, 1)");
        }
    }, "Momentum coefficient (also Adam's beta1)").trajectory().param();
    public static final Setting<Double> REG_PARAM = Setting.decimal(TRAINING, "regParam", 1e-4, "≥ 0", v -> {
        if (v < 0) {
            throw new IllegalArgumentException("must be ≥ 0");
        }
    }, "L2 weight decay λ (book §6.4.2): the loss gains ½ λ Σ W² over the weights, not the biases").trajectory()
            .param();
    public static final Setting<LearningRateSchedule> LR_SCHEDULE = Setting.custom(TRAINING, "lrSchedule",
            LearningRateSchedule.CONSTANT, LearningRateSchedule::parse, LearningRateSchedule::toString,
            "constant | step:<every epochs>:<factor> | cosine:<epochs>[:<floor>]",
            "how the learning rate changes: constant, multiplied by factor every so many epochs, or half a cosine "
                    + "down to floor × the rate (default 0) over so many epochs").trajectory().param();
    public static final Setting<Long> WARMUP_STEPS = Setting.longInteger(TRAINING, "warmupSteps", 0, 0, Long.MAX_VALUE,
            "linear learning-rate warm-up: step t of the first w runs at (t + 1) / w of the scheduled rate")
            .valid("0 (none) or steps ≥ 1").trajectory().param();
    public static final Setting<Integer> EPOCHS = Setting.integer(TRAINING, "epochs", 1000, 1, 1_000_000,
            "at most this many passes over the training set (each epoch is floor(n / batchSize) steps; for l-bfgs, "
                    + "iterations)").param("maxIter");
    public static final Setting<Long> STEPS = Setting.longInteger(TRAINING, "steps", 0, 0, Long.MAX_VALUE,
            "stop after this many steps in all, even mid-epoch (the book's iters_num)").valid("0 (no limit) or ≥ 1").param();
    public static final Setting<Long> SEED = Setting.longInteger(TRAINING, "seed", 42, Long.MIN_VALUE, Long.MAX_VALUE,
            "seed of the weights, the minibatch order, the validation split and dropout").trajectory().param();
    public static final Setting<Precision> PRECISION = Setting.choice(TRAINING, "precision", Precision.class,
            Precision.SINGLE, "arithmetic of the passes: single computes in float from input to loss (sgemm; "
                    + "partition invariance then holds to float rounding, not 1e-9), double in double (dgemm); the "
                    + "driver keeps parameters and optimizer state in double").trajectory().param();
    /** The smallest training set {@code validationFraction=auto} holds a tenth of out (200 examples to validate on). */
    public static final int AUTO_VALIDATION_MIN = 2000;

    public static final Setting<Double> VALIDATION_FRACTION = Setting.decimalOrAuto(TRAINING, "validationFraction",
            "0 ≤ f < 1", v -> {
                if (v < 0 || v >= 1) {
                    throw new IllegalArgumentException("must be in [0, 1)");
                }
            }, "fraction of the training set held out (seeded, whatever the partitioning) to validate on each epoch; "
                    + "early stopping and the target accuracy look at it (auto: 0.1 of a set of at least 2,000 "
                    + "examples, else none: a small table trains on every example and early stopping watches the "
                    + "training loss, as scikit-learn's MLPClassifier does; NaN through the API)").trajectory().param();
    public static final Setting<Integer> PATIENCE = Setting.integer(TRAINING, "patience", 20, 0, 1_000_000,
            "early stopping: stop when the monitored quantity has not improved by tol for this many epochs, and keep "
                    + "the best epoch's weights (0: off, the last epoch's weights)").param();
    public static final Setting<Double> TOL = Setting.decimal(TRAINING, "tol", 1e-4, "≥ 0", v -> {
        if (v < 0) {
            throw new IllegalArgumentException("must be ≥ 0");
        }
    }, "the improvement early stopping counts (for l-bfgs: the relative change of the loss that ends it)").param();
    public static final Setting<Monitor> MONITOR = Setting.choice(TRAINING, "monitor", Monitor.class, Monitor.LOSS,
            "what early stopping watches: the validation split's loss or accuracy (the training loss when there is no "
                    + "validation split)").param();
    public static final Setting<Double> TARGET_ACCURACY = Setting.decimal(TRAINING, "targetAccuracy", 0, "0 (off) or 0 < a ≤ 1",
            v -> {
                if (v < 0 || v > 1) {
                    throw new IllegalArgumentException("must be 0 (off) or in (0, 1]");
                }
            }, "also stop after the first epoch whose validation accuracy (test accuracy when there is no validation "
                    + "split) reaches it").param();
    public static final Setting<Boolean> EVAL_TRAIN = Setting.bool(TRAINING, "evalTrain", false,
            "also count correct predictions on the full training set each epoch (the book's train accuracy)").param();
    public static final Setting<Integer> BLOCK_SIZE = Setting.integer(TRAINING, "blockSize", 128, 1, 1_000_000,
            "MLlib's block size: the rows stacked into one matrix product when evaluating and predicting (training "
                    + "stacks each partition's share of a minibatch whole); no effect on the results").param();
    public static final Setting<Double> PROGRESS_SECONDS = Setting.decimal(TRAINING, "progressSeconds", 10, "≥ 0 (0: off)",
            v -> {
                if (v < 0) {
                    throw new IllegalArgumentException("must be ≥ 0");
                }
            }, "seconds between progress lines within an epoch");

    /** In the order the README lists them. */
    public static final List<Setting<?>> ALL = List.of(BATCH_SIZE, OPTIMIZER, LEARNING_RATE, MOMENTUM, REG_PARAM,
            LR_SCHEDULE, WARMUP_STEPS, EPOCHS, STEPS, SEED, PRECISION, VALIDATION_FRACTION, PATIENCE, TOL, MONITOR,
            TARGET_ACCURACY, EVAL_TRAIN, BLOCK_SIZE, PROGRESS_SECONDS);

    /**
     * The batch size for {@code training} examples (those outside the validation split, of {@code total}): the
     * given one, which must fit, or {@code auto}'s {@code training / 10} within {@code [16, 200]} and at most
     * {@code training}.
     *
     * @throws ScratchnetException when a given batch size is larger than the training examples
     */
    public static int batchSize(Configuration config, int training, int total) {
        int given = config.get(BATCH_SIZE);
        if (given == 0) {
            return Math.min(training, Math.max(AUTO_MIN_BATCH, Math.min(AUTO_BATCH, training / 10)));
        }
        if (given > training) {
            throw new ScratchnetException(BATCH_SIZE.key() + ": " + given + " is larger than the training set ("
                    + training + " examples" + (training < total ? " outside the validation split" : "") + ")");
        }
        return given;
    }

    /** A fresh optimizer of the configured kind for {@code parameterCount} parameters. */
    public static Optimizer newOptimizer(Configuration config, int parameterCount) {
        return config.get(OPTIMIZER).create(config.get(LEARNING_RATE), config.get(MOMENTUM), parameterCount);
    }

    /** The configured weight decay. */
    public static WeightDecay weightDecay(Configuration config) {
        return new WeightDecay(config.get(REG_PARAM));
    }

    /** The factor of the learning rate at global step {@code step}: the warm-up times the schedule. */
    public static double rateFactor(Configuration config, long step, int stepsPerEpoch) {
        return config.get(LR_SCHEDULE).factor(step, stepsPerEpoch, config.get(WARMUP_STEPS));
    }

    /** The validation split {@code config} asks for on a training set of {@code n} examples. */
    public static ValidationSplit validationSplit(Configuration config, long n) {
        double f = config.get(VALIDATION_FRACTION);
        return new ValidationSplit(Double.isNaN(f) ? (n >= AUTO_VALIDATION_MIN ? 0.1 : 0) : f, config.get(SEED));
    }
}
