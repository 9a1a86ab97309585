/**
 * The update rules and how the learning rate moves: the book's chapter 6 optimizers (SGD, Momentum, AdaGrad, Adam)
 * and MLlib's {@code gd} and full-batch {@code l-bfgs} ({@link dev.scratchnet.optim.Optimizer},
 * {@link dev.scratchnet.optim.Lbfgs}, one iteration with its line search: {@link dev.scratchnet.optim.LbfgsIteration}),
 * and the learning-rate schedules
 * ({@link dev.scratchnet.optim.LearningRateSchedule}). Each works on the one flat parameter array and keeps its state
 * as plain arrays (checkpointed as they are). No network, no data, no Spark.
 */
package dev.scratchnet.optim;
