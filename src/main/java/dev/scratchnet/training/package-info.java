/**
 * The training loop, independent of where gradients are computed: the training and output settings
 * ({@link dev.scratchnet.training.TrainingSettings}, {@link dev.scratchnet.training.OutputSettings}), the global
 * minibatch order ({@link dev.scratchnet.training.MinibatchSchedule}, a function of seed, epoch and step only), the
 * one loop over steps every run takes ({@link dev.scratchnet.training.StepLoop}: in a Spark task where the data is,
 * and on the driver for a job a step and the in-process oracle), its instructions and its outcome
 * ({@link dev.scratchnet.training.EpochTask}, {@link dev.scratchnet.training.EpochResult},
 * {@link dev.scratchnet.training.EpochSoFar}), the one update every step ends in
 * ({@link dev.scratchnet.training.StepUpdate}, {@link dev.scratchnet.training.BatchNormStatistics}), a task's side of
 * a run of steps over its blocks ({@link dev.scratchnet.training.EpochRunner}), and the driver's loop from one run of
 * steps to the next ({@link dev.scratchnet.training.Trainer}, with {@link dev.scratchnet.training.StopRule} and
 * {@link dev.scratchnet.training.TrainingState}) driving a {@link dev.scratchnet.training.GradientEngine}.
 * {@link dev.scratchnet.training.LocalEngine} computes in this JVM (the oracle); the Spark engine lives in
 * {@code dev.scratchnet.spark}. What a partition computes is in {@code dev.scratchnet.partition}, the update rules in
 * {@code dev.scratchnet.optim}, the run's files in {@code dev.scratchnet.run}. No Spark here.
 */
package dev.scratchnet.training;
