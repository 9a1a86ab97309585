/**
 * The distributed trainer: training and test sets as cached RDDs of {@link dev.scratchnet.partition.ExampleBlock}s,
 * one synchronous step as one broadcast of the parameters plus one job whose partitions' gradient sums are added
 * over a fixed tree, evaluation as a forward-only job. Spark is imported here, by the estimator ({@code ml})
 * and by the command line ({@code cli}); the book's packages ({@code layers}, {@code network}, {@code training},
 * {@code math}) never import it.
 */
package dev.scratchnet.spark;
