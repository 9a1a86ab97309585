package dev.scratchnet.training;

import java.io.Serializable;

/**
 * What a run of steps where the data is brings back: the parameters and optimizer after the last step, each step's
 * loss sum and weight sum (the driver adds them to the epoch's in the order a step-by-step run would), and the
 * counts on the training blocks when the run ended its epoch ({@link Evaluation#NONE} otherwise).
 */
public record EpochResult(double[] params, Optimizer optimizer, double[] lossSums, double[] weightSums,
                          Evaluation training) implements Serializable {
}
