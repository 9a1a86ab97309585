/**
 * The distributed trainer: training and test sets as cached RDDs of {@link dev.scratchnet.partition.ExampleBlock}s,
 * one synchronous step as one broadcast of the parameters plus one job whose partitions' gradient sums are added
 * over a fixed tree ({@link dev.scratchnet.spark.SparkEngine}), or a run of steps as one job where the data is
 * ({@link dev.scratchnet.spark.EpochJob}, the tasks meeting each step through {@link dev.scratchnet.spark.StepSync}),
 * evaluation as a forward-only job. Spark is imported here, by the estimator ({@code ml})
 * and by the command line ({@code cli}); the others ({@code layers}, {@code network}, {@code partition},
 * {@code optim}, {@code training}, {@code run}, {@code math}, …) never import it.
 */
package dev.scratchnet.spark;
