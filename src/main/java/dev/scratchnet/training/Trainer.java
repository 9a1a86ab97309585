package dev.scratchnet.training;

import static dev.scratchnet.training.TrainingSettings.BATCH_SIZE;
import static dev.scratchnet.training.TrainingSettings.EPOCHS;
import static dev.scratchnet.training.TrainingSettings.EVAL_TRAIN;
import static dev.scratchnet.training.TrainingSettings.PROGRESS_SECONDS;
import static dev.scratchnet.training.TrainingSettings.SEED;
import static dev.scratchnet.training.TrainingSettings.STEPS;
import static dev.scratchnet.training.TrainingSettings.TARGET_ACCURACY;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.config.Configuration;
import dev.scratchnet.report.EpochMetrics;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * Synchronous minibatch training (the book's ch05/train_neuralnet.py loop): for each step, the engine
 * sums gradients over the step's global minibatch, the driver divides once and the optimizer updates the
 * parameters; after each epoch (and after a partial last one), correct predictions are counted and the
 * book's line is printed; the run stops after its epochs, its step limit, or the first epoch that reaches
 * the target accuracy.
 */
public final class Trainer {
    private final Configuration config;
    private final GradientEngine engine;
    private final PrintStream log;
    private final Listener listener;

    /** Called on the driver as training advances (outputs, checkpoints). */
    public interface Listener {
        /** After each step that ends neither an epoch nor the run (those get {@link #afterEpoch}). */
        default void afterStep(TrainingState state) {}

        /** After every evaluated epoch, including a partial last one. */
        default void afterEpoch(TrainingState state, EpochMetrics metrics) {}

        /**
         * Asked after every step: true ends the run at this step boundary (an interrupt), without evaluating; the
         * result says {@link Result#interrupted()}.
         */
        default boolean stopRequested() {
            return false;
        }
    }

    /** The outcome of a run. */
    public record Result(double[] params, List<EpochMetrics> metrics, long steps, double trainSeconds,
                         double timeToTargetSeconds, boolean reachedTarget, boolean interrupted) {
        public EpochMetrics last() {
            return metrics.get(metrics.size() - 1);
        }
    }

    /** Reads the training settings ({@link TrainingSettings}) of {@code config}. */
    public Trainer(Configuration config, GradientEngine engine, PrintStream log, Listener listener) {
        this.config = config;
        this.engine = engine;
        this.log = log;
        this.listener = listener;
    }

    /** Trains from {@code state} (fresh or resumed) to the end; {@code state} is advanced in place. */
    public Result run(TrainingState state) {
        MinibatchSchedule schedule = schedule();
        checkPosition(state, schedule.stepsPerEpoch());
        long maxSteps = maxSteps(schedule.stepsPerEpoch());
        double timeToTarget = state.metrics.stream().filter(this::reached).mapToDouble(EpochMetrics::seconds)
                .findFirst().orElse(Double.NaN);
        Clock clock = new Clock(state.seconds);
        Progress progress = new Progress(schedule.stepsPerEpoch(), maxSteps);
        boolean interrupted = false;
        while (Double.isNaN(timeToTarget) && state.globalStep < maxSteps) {
            if (listener.stopRequested()) {
                interrupted = true;
                break;
            }
            step(state, schedule, clock);
            boolean epochDone = state.stepInEpoch == schedule.stepsPerEpoch();
            if (!epochDone && state.globalStep < maxSteps) {
                listener.afterStep(state);
                progress.maybePrint(state);
                continue;
            }
            EpochMetrics m = endEpoch(state, epochDone, clock);
            progress.restart();
            if (reached(m)) {
                timeToTarget = m.seconds();
                log.printf(Locale.ROOT, "reached %s accuracy %.4f >= %.4f after %.1f s: stopping%n",
                        monitoredName(m), monitored(m), config.get(TARGET_ACCURACY), m.seconds());
            }
        }
        return new Result(state.params, List.copyOf(state.metrics), state.globalStep, state.seconds,
                timeToTarget, !Double.isNaN(timeToTarget), interrupted);
    }

    /** The minibatch order over the engine's training positions; fails when the batch is larger than they are. */
    private MinibatchSchedule schedule() {
        int[] positions = engine.trainPositions();
        checkBatchSize(config, positions.length, engine.trainSize());
        return new MinibatchSchedule(positions, config.get(BATCH_SIZE), config.get(SEED));
    }

    /**
     * Refuses a batch larger than the examples minibatches are drawn from ({@code training} of {@code total},
     * the rest held out for validation).
     */
    public static void checkBatchSize(Configuration config, int training, int total) {
        int batchSize = config.get(BATCH_SIZE);
        if (batchSize > training) {
            throw new ScratchnetException(BATCH_SIZE.key() + ": " + batchSize + " is larger than the training set ("
                    + training + " examples" + (training < total ? " outside the validation split" : "") + ")");
        }
    }

    /** A resumed position must be one this schedule can reach. */
    private static void checkPosition(TrainingState state, int stepsPerEpoch) {
        if (state.stepInEpoch >= stepsPerEpoch
                || state.globalStep != (long) state.epoch * stepsPerEpoch + state.stepInEpoch) {
            throw new ScratchnetException(String.format(Locale.ROOT,
                    "the checkpoint's position (epoch %d, step %d, global step %d) does not fit %d steps per epoch",
                    state.epoch, state.stepInEpoch, state.globalStep, stepsPerEpoch));
        }
    }

    /** The epochs' steps, cut by the step limit when there is one. */
    private long maxSteps(int stepsPerEpoch) {
        long all = (long) config.get(EPOCHS) * stepsPerEpoch;
        long limit = config.get(STEPS);
        return limit > 0 ? Math.min(limit, all) : all;
    }

    /** One synchronous step: gradient sum over the global minibatch, one division, one update. */
    private void step(TrainingState state, MinibatchSchedule schedule, Clock clock) {
        long start = System.nanoTime();
        int[] batch = schedule.batch(state.epoch, state.stepInEpoch);
        GradientSum sum = engine.gradientSum(state.params, batch, state.epoch, state.stepInEpoch);
        if (sum.count() != batch.length) {
            throw new IllegalStateException("step " + state.globalStep + " summed " + sum.count()
                    + " examples, expected " + batch.length);
        }
        double[] gradient = sum.meanGradient(state.params.length);
        checkFinite(state, sum.lossSum() / sum.count(), gradient, "the gradient");
        state.optimizer.update(state.params, gradient,
                TrainingSettings.rateFactor(config, state.globalStep, schedule.stepsPerEpoch()));
        checkFinite(state, 0, state.params, "the updated parameters");
        state.epochLossSum += sum.lossSum();
        state.epochExamples += sum.count();
        state.globalStep++;
        state.stepInEpoch++;
        state.seconds = clock.seconds();
        clock.addStep(System.nanoTime() - start);
    }

    /**
     * A step's mean loss above this means the run has diverged: the true class's probability averages below
     * {@code e^-1000}, and no model trained on from there is of use.
     */
    static final double DIVERGED_LOSS = 1000;

    /**
     * Stops the run at this step, before anything non-finite reaches a checkpoint or a model, when the loss or
     * {@code values} are not finite numbers or the loss says the run diverged.
     */
    private void checkFinite(TrainingState state, double meanLoss, double[] values, String what) {
        String problem = null;
        if (!Double.isFinite(meanLoss)) {
            problem = "the loss is " + meanLoss;
        } else if (meanLoss > DIVERGED_LOSS) {
            problem = String.format(Locale.ROOT, "the loss is %.3g", meanLoss);
        } else {
            for (double v : values) {
                if (!Double.isFinite(v)) {
                    problem = what + " hold " + v;
                    break;
                }
            }
        }
        if (problem != null) {
            throw new ScratchnetException(String.format(Locale.ROOT,
                    "training diverged at step %d (epoch %d, step %d): %s; lower %s (now %s); the last checkpoint "
                            + "and model, if any, are from before this step",
                    state.globalStep + 1, state.epoch + 1, state.stepInEpoch + 1, problem,
                    TrainingSettings.LEARNING_RATE.key(), config.text(TrainingSettings.LEARNING_RATE)));
        }
    }

    /** Evaluates, records and prints the epoch (or the partial epoch the run ends in), then moves to the next. */
    private EpochMetrics endEpoch(TrainingState state, boolean epochDone, Clock clock) {
        long evalStart = System.nanoTime();
        Accuracy a = engine.accuracy(state.params, config.get(EVAL_TRAIN));
        double evalSeconds = (System.nanoTime() - evalStart) / 1e9;
        state.seconds = clock.seconds();
        EpochMetrics m = new EpochMetrics(state.epoch + 1, state.globalStep, state.seconds,
                state.epochLossSum / Math.max(1, state.epochExamples), a.train(), a.validation(), a.test());
        state.metrics.add(m);
        log.printf(Locale.ROOT, "epoch %d%s | %.1f s (steps %.2f s, eval %.2f s) | step %d | loss %.4f%s%n",
                m.epoch(), epochDone ? "" : " (partial)", m.seconds(), clock.takeStepSeconds(), evalSeconds, m.step(),
                m.loss(), accuracies(m));
        if (epochDone) {
            state.epoch++;
            state.stepInEpoch = 0;
        }
        state.epochLossSum = 0;
        state.epochExamples = 0;
        listener.afterEpoch(state, m);
        return m;
    }

    /** {@code  | train acc, validation acc, test acc | 0.9788, 0.9741, 0.9730}, naming only the sets evaluated. */
    private static String accuracies(EpochMetrics m) {
        StringBuilder names = new StringBuilder();
        StringBuilder values = new StringBuilder();
        double[] accs = {m.trainAccuracy(), m.validationAccuracy(), m.testAccuracy()};
        String[] labels = {"train acc", "validation acc", "test acc"};
        for (int i = 0; i < accs.length; i++) {
            if (!Double.isNaN(accs[i])) {
                names.append(names.length() == 0 ? "" : ", ").append(labels[i]);
                values.append(values.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", accs[i]));
            }
        }
        return names.length() == 0 ? "" : " | " + names + " | " + values;
    }

    /** The stop rule: the target is on, and the monitored accuracy reaches it. */
    private boolean reached(EpochMetrics m) {
        double target = config.get(TARGET_ACCURACY);
        return target > 0 && monitored(m) >= target;
    }

    /** What early stopping looks at: validation accuracy, or test accuracy when there is no validation split. */
    static double monitored(EpochMetrics m) {
        return Double.isNaN(m.validationAccuracy()) ? m.testAccuracy() : m.validationAccuracy();
    }

    private static String monitoredName(EpochMetrics m) {
        return Double.isNaN(m.validationAccuracy()) ? "test" : "validation";
    }

    /** Training seconds: what earlier segments of the run took plus the time since this one started. */
    private static final class Clock {
        private final double secondsBefore;
        private final long start = System.nanoTime();
        private long stepNanos;

        Clock(double secondsBefore) {
            this.secondsBefore = secondsBefore;
        }

        double seconds() {
            return secondsBefore + (System.nanoTime() - start) / 1e9;
        }

        void addStep(long nanos) {
            stepNanos += nanos;
        }

        /** Seconds spent in steps since the last call. */
        double takeStepSeconds() {
            double s = stepNanos / 1e9;
            stepNanos = 0;
            return s;
        }
    }

    /** The progress line within an epoch, every {@code progressSeconds}. */
    private final class Progress {
        private final int stepsPerEpoch;
        private final long maxSteps;
        private final double every = config.get(PROGRESS_SECONDS);
        private long since = System.nanoTime();
        private long steps;

        Progress(int stepsPerEpoch, long maxSteps) {
            this.stepsPerEpoch = stepsPerEpoch;
            this.maxSteps = maxSteps;
        }

        void maybePrint(TrainingState state) {
            steps++;
            long now = System.nanoTime();
            double elapsed = (now - since) / 1e9;
            if (every <= 0 || elapsed < every) {
                return;
            }
            double rate = steps / elapsed;
            long left = Math.min(stepsPerEpoch - state.stepInEpoch, maxSteps - state.globalStep);
            log.printf(Locale.ROOT, "  epoch %d step %d/%d | %.1f steps/s, %.0f examples/s | epoch ETA %.0f s | loss %.4f%n",
                    state.epoch + 1, state.stepInEpoch, stepsPerEpoch, rate, rate * config.get(BATCH_SIZE),
                    left / rate, state.epochLossSum / state.epochExamples);
            restart();
        }

        void restart() {
            since = System.nanoTime();
            steps = 0;
        }
    }
}
