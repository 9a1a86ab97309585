/**
 * What runs where the data is for one step, on one partition's block of examples: the block itself
 * ({@link dev.scratchnet.partition.ExampleBlock}, its examples stacked compactly as
 * {@link dev.scratchnet.partition.ExampleBlockBuilder} takes them in, and which of them the validation split
 * holds, {@link dev.scratchnet.partition.ValidationSplit}), what a task is shipped ({@link dev.scratchnet.partition.Step}
 * and the parameters in the step's precision, {@link dev.scratchnet.partition.Parameters}), the book's forward and
 * backward over the block's share of the minibatch ({@link dev.scratchnet.partition.PartitionStep}), what it returns
 * ({@link dev.scratchnet.partition.GradientSum}) and how the partitions' sums are added in a fixed order
 * ({@link dev.scratchnet.partition.SumTree}); the rounds a batch-normalized network exchanges inside a step
 * ({@link dev.scratchnet.partition.BatchNormExchange}, {@link dev.scratchnet.partition.StepExchange}); and the
 * forward-only counts after an epoch ({@link dev.scratchnet.partition.BlockEvaluation},
 * {@link dev.scratchnet.partition.Evaluation}). Only sums leave a partition; the driver divides once. Knows nothing
 * of the training loop, the optimizers or Spark.
 */
package dev.scratchnet.partition;
