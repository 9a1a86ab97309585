/**
 * Minibatch training, independent of where gradients are computed: the training and output settings
 * ({@link dev.scratchnet.training.TrainingSettings}, {@link dev.scratchnet.training.OutputSettings}), the global
 * minibatch order ({@link dev.scratchnet.training.MinibatchSchedule}, a function of seed, epoch and step only),
 * the optimizers of the book's chapter 6, the blocks of examples that partitions hold
 * ({@link dev.scratchnet.training.ExampleBlock}), the training loop ({@link dev.scratchnet.training.Trainer})
 * driving a {@link dev.scratchnet.training.GradientEngine}, and the run around it
 * ({@link dev.scratchnet.training.TrainingRun}: starting state, resume, outputs, summary).
 * {@link dev.scratchnet.training.LocalEngine} computes in this JVM (the oracle); the Spark engine lives in
 * {@code dev.scratchnet.spark}. No Spark here.
 */
package dev.scratchnet.training;
