package dev.scratchnet.training;

import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.report.EpochMetrics;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a run stands: the parameters, the optimizer, the next step to take ({@code epoch},
 * {@code stepInEpoch}, both 0-based), steps done, training seconds so far, the metrics of the
 * epochs finished, and the best epoch so far with its parameters (what early stopping keeps). All that a
 * checkpoint must hold to continue bit for bit.
 */
public final class TrainingState {
    final double[] params;
    final Optimizer optimizer;
    int epoch;
    int stepInEpoch;
    long globalStep;
    double seconds;
    double epochLossSum;
    double epochWeight;
    final List<EpochMetrics> metrics;
    /** The best epoch so far (1-based; 0: none yet) and a copy of its parameters (null: none). */
    int bestEpoch;
    double[] bestParams;

    public TrainingState(double[] params, Optimizer optimizer, int epoch, int stepInEpoch, long globalStep,
                         double seconds, double epochLossSum, double epochWeight, List<EpochMetrics> metrics,
                         int bestEpoch, double[] bestParams) {
        this.params = params;
        this.optimizer = optimizer;
        this.epoch = epoch;
        this.stepInEpoch = stepInEpoch;
        this.globalStep = globalStep;
        this.seconds = seconds;
        this.epochLossSum = epochLossSum;
        this.epochWeight = epochWeight;
        this.metrics = new ArrayList<>(metrics);
        this.bestEpoch = bestEpoch;
        this.bestParams = bestParams;
    }

    /**
     * A copy to write from while this state trains on: its metrics, position and sums, and (with {@code arrays}) copies
     * of the parameters and the optimizer; without, it shares them and only what a metrics file and a chart need is
     * its own.
     */
    public TrainingState snapshot(boolean arrays) {
        return new TrainingState(arrays ? params.clone() : params, arrays ? optimizer.copy() : optimizer, epoch,
                stepInEpoch, globalStep, seconds, epochLossSum, epochWeight, metrics, bestEpoch, bestParams);
    }

    /** A fresh start: step 0 of epoch 0. */
    public static TrainingState fresh(double[] params, Optimizer optimizer) {
        return new TrainingState(params, optimizer, 0, 0, 0, 0.0, 0.0, 0, List.of(), 0, null);
    }

    /** The next step and the sums of its epoch's steps so far. */
    EpochSoFar soFar() {
        return new EpochSoFar(new GradientEngine.StepPosition(epoch, stepInEpoch, globalStep), epochLossSum, epochWeight);
    }

    /** Moves to {@code at}, a position inside an epoch. */
    void moveTo(EpochSoFar at) {
        epoch = at.next().epoch();
        stepInEpoch = at.next().stepInEpoch();
        globalStep = at.next().globalStep();
        epochLossSum = at.lossSum();
        epochWeight = at.weightSum();
    }

    /** Takes over {@code params} and {@code optimizer}'s state (nothing to do when they are this state's own). */
    void adopt(double[] params, Optimizer optimizer) {
        if (params != this.params) {
            System.arraycopy(params, 0, this.params, 0, this.params.length);
        }
        if (optimizer != this.optimizer) {
            this.optimizer.restore(optimizer.state());
        }
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

    /** The weights' sum of the examples the current epoch's steps have seen so far. */
    public double epochWeight() {
        return epochWeight;
    }

    public List<EpochMetrics> metrics() {
        return List.copyOf(metrics);
    }

    /** The best epoch so far (1-based), or 0. */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** The best epoch's parameters, or null. */
    public double[] bestParams() {
        return bestParams;
    }
}
