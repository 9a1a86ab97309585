package dev.scratchnet.training;

import dev.scratchnet.partition.GradientSum;
import dev.scratchnet.report.ConsoleLines;
import java.io.PrintStream;
import java.util.function.BooleanSupplier;

/**
 * The progress line within an epoch (rate, examples a second, the epoch's ETA, its loss so far), every
 * {@code progressSeconds}, for steps the driver takes and for a run of steps where the data is (through
 * {@link #watching}).
 */
final class Progress {
    private final PrintStream log;
    private final double every;
    private final int stepsPerEpoch;
    private final long maxSteps;
    private final int batchSize;
    private long since = System.nanoTime();
    private long steps;

    Progress(PrintStream log, double everySeconds, int stepsPerEpoch, long maxSteps, int batchSize) {
        this.log = log;
        this.every = everySeconds;
        this.stepsPerEpoch = stepsPerEpoch;
        this.maxSteps = maxSteps;
        this.batchSize = batchSize;
    }

    void maybePrint(TrainingState state) {
        maybePrint(state.epoch, state.stepInEpoch, state.globalStep, state.epochLossSum, state.epochWeight);
    }

    /** After step {@code stepInEpoch} (1-based) of {@code epoch} (0-based), global step count {@code globalStep}. */
    void maybePrint(int epoch, int stepInEpoch, long globalStep, double lossSum, double weight) {
        steps++;
        long now = System.nanoTime();
        double elapsed = (now - since) / 1e9;
        if (every <= 0 || elapsed < every) {
            return;
        }
        double rate = steps / elapsed;
        long left = Math.min(stepsPerEpoch - stepInEpoch, maxSteps - globalStep);
        log.println(ConsoleLines.progress(epoch + 1, stepInEpoch, stepsPerEpoch, rate, batchSize, left, lossSum / weight));
        restart();
    }

    /**
     * The progress of a run of steps where the data is, from {@code state} (not modified: the engine's thread tells
     * of the steps while the driver's waits for the run), asking {@code stopRequested} after every step.
     */
    StepWatcher watching(TrainingState state, BooleanSupplier stopRequested) {
        int epoch0 = state.epoch;
        int step0 = state.stepInEpoch;
        long global0 = state.globalStep;
        double loss0 = state.epochLossSum;
        double weight0 = state.epochWeight;
        return new StepWatcher() {
            private int epoch = epoch0;
            private int step = step0;
            private double loss = loss0;
            private double weight = weight0;

            @Override
            public boolean stopRequested() {
                return stopRequested.getAsBoolean();
            }

            @Override
            public void stepDone(long stepOfRun, GradientSum total) {
                if (stepOfRun == 1) { // the run's first step, or its first again after Spark retried the run
                    epoch = epoch0;
                    step = step0;
                    loss = loss0;
                    weight = weight0;
                    restart();
                }
                step++;
                loss += total.lossSum();
                weight += total.weightSum();
                if (step == stepsPerEpoch) {
                    epoch++;
                    step = 0;
                    loss = 0;
                    weight = 0;
                    restart();
                } else {
                    maybePrint(epoch, step, global0 + stepOfRun, loss, weight);
                }
            }
        };
    }

    void restart() {
        since = System.nanoTime();
        steps = 0;
    }
}
