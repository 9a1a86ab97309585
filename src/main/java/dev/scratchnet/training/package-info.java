/**
 * The training loop, independent of where gradients are computed: the training and output settings
 * ({@link dev.scratchnet.training.TrainingSettings}, {@link dev.scratchnet.training.OutputSettings}), the global
 * minibatch order ({@link dev.scratchnet.training.MinibatchSchedule}, a function of seed, epoch and step only), the
 * driver's loop ({@link dev.scratchnet.training.Trainer}, with {@link dev.scratchnet.training.StopRule} and
 * {@link dev.scratchnet.training.TrainingState}) driving a {@link dev.scratchnet.training.GradientEngine}, the one
 * update every step ends in, on the driver or in every task ({@link dev.scratchnet.training.StepUpdate},
 * {@link dev.scratchnet.training.BatchNormStatistics}), and the loop of steps as a task runs it where the data is
 * ({@link dev.scratchnet.training.EpochRunner}, {@link dev.scratchnet.training.EpochTask},
 * {@link dev.scratchnet.training.EpochResult}). {@link dev.scratchnet.training.LocalEngine} computes in this JVM (the
 * oracle); the Spark engine lives in {@code dev.scratchnet.spark}. What a partition computes is in
 * {@code dev.scratchnet.partition}, the update rules in {@code dev.scratchnet.optim}, the run's files in
 * {@code dev.scratchnet.run}. No Spark here.
 */
package dev.scratchnet.training;
