package dev.scratchnet.training;

import java.io.Serializable;

/**
 * Where a run stands between two steps: the next step's position and the loss and weight sums of its epoch's steps
 * before it (none at an epoch's start). Where a {@link StepLoop} starts ({@link EpochTask.Span}) and where it stopped
 * ({@link EpochResult}); a {@link TrainingState} holds the same.
 */
public record EpochSoFar(GradientEngine.StepPosition next, double lossSum, double weightSum) implements Serializable {}
