package dev.scratchnet.training;

import static dev.scratchnet.config.Setting.Group.TRAINING;

import dev.scratchnet.config.Configuration;
import dev.scratchnet.config.Setting;
import dev.scratchnet.math.Precision;
import java.util.List;

/**
 * The settings of the training loop: minibatch, optimizer, how long to train and when to stop. Defaults are
 * the book's run (ch05/train_neuralnet.py: batch 100, SGD with learning rate 0.1, 10,000 iterations).
 */
public final class TrainingSettings {
    private TrainingSettings() {}

    public static final Setting<Integer> BATCH_SIZE = Setting.integer(TRAINING, "batchSize", 100, 1, Integer.MAX_VALUE,
            "global minibatch per synchronous step (all partitions together)").valid("1 .. training set size")
            .trajectory().param();
    public static final Setting<Optimizer.Kind> OPTIMIZER = Setting.choice(TRAINING, "optimizer", Optimizer.Kind.class,
            Optimizer.Kind.SGD, "update rule (book ch. 6), state kept on the driver").trajectory().param();
    public static final Setting<Double> LEARNING_RATE = Setting.decimal(TRAINING, "learningRate", 0.1, "> 0", v -> {
        if (v <= 0) {
            throw new IllegalArgumentException("must be > 0");
        }
    }, "learning rate").trajectory().param();
    public static final Setting<Double> MOMENTUM = Setting.decimal(TRAINING, "momentum", 0.9, "0 ≤ m < 1", v -> {
        if (v < 0 || v >= 1) {
            throw new IllegalArgumentException("must be in [0, 1)");
        }
    }, "Momentum coefficient (also Adam's beta1)").trajectory().param();
    public static final Setting<LearningRateSchedule> LR_SCHEDULE = Setting.custom(TRAINING, "lrSchedule",
            LearningRateSchedule.CONSTANT, LearningRateSchedule::parse, LearningRateSchedule::toString,
            "constant | step:<every epochs>:<factor> | cosine:<epochs>[:<floor>]",
            "how the learning rate changes: constant, multiplied by factor every so many epochs, or half a cosine "
                    + "down to floor × the rate (default 0) over so many epochs").trajectory().param();
    public static final Setting<Long> WARMUP_STEPS = Setting.longInteger(TRAINING, "warmupSteps", 0, 0, Long.MAX_VALUE,
            "linear learning-rate warm-up: step t of the first w runs at (t + 1) / w of the scheduled rate")
            .valid("0 (none) or steps ≥ 1").trajectory().param();
    public static final Setting<Integer> EPOCHS = Setting.integer(TRAINING, "epochs", 17, 1, 1_000_000,
            "passes over the training set (each epoch is floor(n / batchSize) steps)").param();
    public static final Setting<Long> STEPS = Setting.longInteger(TRAINING, "steps", 10_000, 0, Long.MAX_VALUE,
            "stop after this many steps in all, even mid-epoch (the book's iters_num)").valid("0 (no limit) or ≥ 1").param();
    public static final Setting<Long> SEED = Setting.longInteger(TRAINING, "seed", 42, Long.MIN_VALUE, Long.MAX_VALUE,
            "seed of the weights and of the minibatch order").trajectory().param();
    public static final Setting<Precision> PRECISION = Setting.choice(TRAINING, "precision", Precision.class,
            Precision.DOUBLE, "arithmetic of the matrix products: single runs sgemm (faster; partition invariance then "
                    + "holds to float rounding, not 1e-9); gradient checks always use double").trajectory().param();
    public static final Setting<Double> TARGET_ACCURACY = Setting.decimal(TRAINING, "targetAccuracy", 0, "0 (off) or 0 < a ≤ 1",
            v -> {
                if (v < 0 || v > 1) {
                    throw new IllegalArgumentException("must be 0 (off) or in (0, 1]");
                }
            }, "stop after the first epoch whose validation accuracy (test accuracy when there is no validation "
                    + "split) reaches it").param();
    public static final Setting<Double> VALIDATION_FRACTION = Setting.decimal(TRAINING, "validationFraction", 0,
            "0 ≤ f < 1", v -> {
                if (v < 0 || v >= 1) {
                    throw new IllegalArgumentException("must be in [0, 1)");
                }
            }, "fraction of the training set held out (seeded, whatever the partitioning) to validate on each epoch; "
                    + "the target accuracy then looks at it, and test accuracy is only reported").trajectory().param();
    public static final Setting<Boolean> EVAL_TRAIN = Setting.bool(TRAINING, "evalTrain", true,
            "also count correct predictions on the full training set each epoch").param();
    public static final Setting<Double> PROGRESS_SECONDS = Setting.decimal(TRAINING, "progressSeconds", 10, "≥ 0 (0: off)",
            v -> {
                if (v < 0) {
                    throw new IllegalArgumentException("must be ≥ 0");
                }
            }, "seconds between progress lines within an epoch");

    /** A fresh optimizer of the configured kind for {@code parameterCount} parameters. */
    public static Optimizer newOptimizer(Configuration config, int parameterCount) {
        return config.get(OPTIMIZER).create(config.get(LEARNING_RATE), config.get(MOMENTUM), parameterCount);
    }

    /** The factor of the learning rate at global step {@code step}: the warm-up times the schedule. */
    public static double rateFactor(Configuration config, long step, int stepsPerEpoch) {
        return config.get(LR_SCHEDULE).factor(step, stepsPerEpoch, config.get(WARMUP_STEPS));
    }

    /** The validation split {@code config} asks for. */
    public static ValidationSplit validationSplit(Configuration config) {
        return new ValidationSplit(config.get(VALIDATION_FRACTION), config.get(SEED));
    }

    /** In the order the README lists them. */
    public static final List<Setting<?>> ALL = List.of(BATCH_SIZE, OPTIMIZER, LEARNING_RATE, MOMENTUM, LR_SCHEDULE,
            WARMUP_STEPS, EPOCHS, STEPS,
            SEED, PRECISION, VALIDATION_FRACTION, TARGET_ACCURACY, EVAL_TRAIN, PROGRESS_SECONDS);
}
