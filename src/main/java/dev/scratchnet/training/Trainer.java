package dev.scratchnet.training;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.report.EpochMetrics;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * Synchronous minibatch training (the book's ch05/train_neuralnet.py loop): for each step, the engine
 * sums gradients over the step's global minibatch, the driver divides once and the optimizer updates the
 * parameters; after each epoch, correct predictions are counted on the train set (optional) and the test
 * set and the book's line is printed.
 */
public final class Trainer {
    private final TrainConfig config;
    private final GradientEngine engine;
    private final PrintStream log;
    private final Listener listener;

    /** Called on the driver as training advances (outputs, checkpoints). */
    public interface Listener {
        /** After every step (the state is advanced past it). */
        default void afterStep(TrainingState state) {}

        /** After every evaluated epoch, including a partial last one. */
        default void afterEpoch(TrainingState state, EpochMetrics metrics) {}
    }

    /** The outcome of a run. */
    public record Result(double[] params, List<EpochMetrics> metrics, long steps, double trainSeconds,
                         double timeToTargetSeconds, boolean reachedTarget) {
        public EpochMetrics last() {
            return metrics.get(metrics.size() - 1);
        }
    }

    public Trainer(TrainConfig config, GradientEngine engine, PrintStream log, Listener listener) {
        this.config = config;
        this.engine = engine;
        this.log = log;
        this.listener = listener;
    }

    /** Trains from {@code state} (fresh or resumed) to the end; {@code state} is advanced in place. */
    public Result run(TrainingState state) {
        int n = engine.trainSize();
        if (config.batchSize() > n) {
            throw new ScratchnetException(Setting.BATCH_SIZE.key() + ": " + config.batchSize()
                    + " is larger than the training set (" + n + " examples)");
        }
        MinibatchSchedule schedule = new MinibatchSchedule(n, config.batchSize(), config.seed());
        int stepsPerEpoch = schedule.stepsPerEpoch();
        if (state.stepInEpoch >= stepsPerEpoch || state.globalStep != (long) state.epoch * stepsPerEpoch + state.stepInEpoch) {
            throw new ScratchnetException(String.format(Locale.ROOT,
                    "the checkpoint's position (epoch %d, step %d, global step %d) does not fit %d steps per epoch",
                    state.epoch, state.stepInEpoch, state.globalStep, stepsPerEpoch));
        }
        long maxSteps = config.steps() > 0 ? Math.min(config.steps(), (long) config.epochs() * stepsPerEpoch)
                : (long) config.epochs() * stepsPerEpoch;
        double timeToTarget = Double.NaN;
        for (EpochMetrics m : state.metrics) {
            if (Double.isNaN(timeToTarget) && reached(m)) {
                timeToTarget = m.seconds();
            }
        }
        if (!Double.isNaN(timeToTarget) || state.globalStep >= maxSteps) {
            return result(state, timeToTarget);
        }
        long segmentStart = System.nanoTime();
        double secondsAtStart = state.seconds;
        long lastProgress = segmentStart;
        long stepsSinceProgress = 0;
        long stepNanos = 0;
        while (state.globalStep < maxSteps) {
            long stepStart = System.nanoTime();
            int[] batch = schedule.batch(state.epoch, state.stepInEpoch);
            GradientSum sum = engine.gradientSum(state.params, batch, state.epoch, state.stepInEpoch);
            if (sum.count() != batch.length) {
                throw new IllegalStateException("step " + state.globalStep + " summed " + sum.count()
                        + " examples, expected " + batch.length);
            }
            state.optimizer.update(state.params, sum.meanGradient(state.params.length));
            state.epochLossSum += sum.lossSum();
            state.epochExamples += sum.count();
            state.globalStep++;
            state.stepInEpoch++;
            stepsSinceProgress++;
            long now = System.nanoTime();
            stepNanos += now - stepStart;
            state.seconds = secondsAtStart + (now - segmentStart) / 1e9;
            boolean epochDone = state.stepInEpoch == stepsPerEpoch;
            boolean runDone = state.globalStep == maxSteps;
            if (!epochDone && !runDone) {
                listener.afterStep(state);
            }
            if (config.progressSeconds() > 0 && !epochDone && !runDone
                    && (now - lastProgress) / 1e9 >= config.progressSeconds()) {
                double rate = stepsSinceProgress / ((now - lastProgress) / 1e9);
                long left = Math.min(stepsPerEpoch - state.stepInEpoch, maxSteps - state.globalStep);
                log.printf(Locale.ROOT, "  epoch %d step %d/%d | %.1f steps/s, %.0f examples/s | epoch ETA %.0f s | loss %.4f%n",
                        state.epoch + 1, state.stepInEpoch, stepsPerEpoch, rate, rate * config.batchSize(),
                        left / rate, state.epochLossSum / state.epochExamples);
                lastProgress = now;
                stepsSinceProgress = 0;
            }
            if (epochDone || runDone) {
                long evalStart = System.nanoTime();
                EpochMetrics m = evaluate(state);
                double evalSeconds = (System.nanoTime() - evalStart) / 1e9;
                state.seconds = secondsAtStart + (System.nanoTime() - segmentStart) / 1e9;
                m = new EpochMetrics(m.epoch(), m.step(), state.seconds, m.loss(), m.trainAccuracy(), m.testAccuracy());
                state.metrics.add(m);
                log.printf(Locale.ROOT, "epoch %d%s | %.1f s (steps %.2f s, eval %.2f s) | step %d | loss %.4f | train acc, test acc | %s, %.4f%n",
                        m.epoch(), epochDone ? "" : " (partial)", m.seconds(), stepNanos / 1e9, evalSeconds, m.step(), m.loss(),
                        Double.isNaN(m.trainAccuracy()) ? "-" : String.format(Locale.ROOT, "%.4f", m.trainAccuracy()),
                        m.testAccuracy());
                stepNanos = 0;
                if (epochDone) {
                    state.epoch++;
                    state.stepInEpoch = 0;
                }
                state.epochLossSum = 0;
                state.epochExamples = 0;
                lastProgress = System.nanoTime();
                stepsSinceProgress = 0;
                listener.afterEpoch(state, m);
                if (reached(m)) {
                    timeToTarget = m.seconds();
                    log.printf(Locale.ROOT, "reached test accuracy %.4f >= %.4f after %.1f s: stopping%n",
                            m.testAccuracy(), config.targetAccuracy(), m.seconds());
                    break;
                }
            }
        }
        return result(state, timeToTarget);
    }

    private boolean reached(EpochMetrics m) {
        return config.targetAccuracy() > 0 && m.testAccuracy() >= config.targetAccuracy();
    }

    private EpochMetrics evaluate(TrainingState state) {
        double trainAcc = config.evalTrain()
                ? (double) engine.correctOnTrain(state.params) / engine.trainSize() : Double.NaN;
        double testAcc = (double) engine.correctOnTest(state.params) / engine.testSize();
        return new EpochMetrics(state.epoch + 1, state.globalStep, state.seconds,
                state.epochLossSum / Math.max(1, state.epochExamples), trainAcc, testAcc);
    }

    private Result result(TrainingState state, double timeToTarget) {
        return new Result(state.params, List.copyOf(state.metrics), state.globalStep, state.seconds,
                timeToTarget, !Double.isNaN(timeToTarget));
    }
}
