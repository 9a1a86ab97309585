package dev.scratchnet.training;

import dev.scratchnet.report.EpochMetrics;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a run stands: the parameters, the optimizer, the next step to take ({@code epoch},
 * {@code stepInEpoch}, both 0-based), steps done, training seconds so far and the metrics of the
 * epochs finished. All that a checkpoint must hold to continue bit for bit.
 */
public final class TrainingState {
    final double[] params;
    final Optimizer optimizer;
    int epoch;
    int stepInEpoch;
    long globalStep;
    double seconds;
    double epochLossSum;
    long epochExamples;
    final List<EpochMetrics> metrics;

    public TrainingState(double[] params, Optimizer optimizer, int epoch, int stepInEpoch, long globalStep,
                         double seconds, double epochLossSum, long epochExamples, List<EpochMetrics> metrics) {
        this.params = params;
        this.optimizer = optimizer;
        this.epoch = epoch;
        this.stepInEpoch = stepInEpoch;
        this.globalStep = globalStep;
        this.seconds = seconds;
        this.epochLossSum = epochLossSum;
        this.epochExamples = epochExamples;
        this.metrics = new ArrayList<>(metrics);
    }

    /** A fresh start: step 0 of epoch 0. */
    public static TrainingState fresh(double[] params, Optimizer optimizer) {
        return new TrainingState(params, optimizer, 0, 0, 0, 0.0, 0.0, 0, List.of());
    }

    public double[] params() {
        return params;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public int epoch() {
        return epoch;
    }

    public int stepInEpoch() {
        return stepInEpoch;
    }

    public long globalStep() {
        return globalStep;
    }

    public double seconds() {
        return seconds;
    }

    public double epochLossSum() {
        return epochLossSum;
    }

    public long epochExamples() {
        return epochExamples;
    }

    public List<EpochMetrics> metrics() {
        return List.copyOf(metrics);
    }
}
