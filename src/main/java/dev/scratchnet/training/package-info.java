/**
 * Minibatch training, independent of where gradients are computed: the settings
 * ({@link dev.scratchnet.training.TrainConfig}), the global minibatch order
 * ({@link dev.scratchnet.training.MinibatchSchedule}, a function of seed, epoch and step only), the
 * optimizers of the book's chapter 6, the blocks of examples that partitions hold
 * ({@link dev.scratchnet.training.ExampleBlock}), and the training loop
 * ({@link dev.scratchnet.training.Trainer}) driving a {@link dev.scratchnet.training.GradientEngine}.
 * {@link dev.scratchnet.training.LocalEngine} computes in this JVM (the oracle); the Spark engine lives in
 * {@code dev.scratchnet.spark}. No Spark here.
 */
package dev.scratchnet.training;
