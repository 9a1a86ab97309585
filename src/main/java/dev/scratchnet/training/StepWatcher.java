package dev.scratchnet.training;

import dev.scratchnet.partition.GradientSum;
import dev.scratchnet.partition.Step;

/**
 * What the driver hears of a run of steps where the data is, while it runs: it is asked whether to stop after the
 * step under way, and told each step's total as it is known (steps counted from the run's start; a run that Spark
 * retries from its start counts again from 1).
 */
public interface StepWatcher {
    /** Whether the run should end after the step under way (an interrupt). */
    boolean stopRequested();

    /** Step {@code stepOfRun} (1-based, from the run's start) summed to {@code total}. */
    default void stepDone(long stepOfRun, GradientSum total) {}

    /** Hears nothing and never stops. */
    StepWatcher NONE = () -> false;
}
