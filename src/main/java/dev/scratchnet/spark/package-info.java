/**
 * The distributed trainer: training and test sets as cached RDDs of {@link dev.scratchnet.training.ExampleBlock}s,
 * one synchronous step as one broadcast plus one {@code treeAggregate} of gradient sums, evaluation as a
 * forward-only job. The only package besides the entry point that imports {@code org.apache.spark} (apart
 * from {@code ml.linalg}).
 */
package dev.scratchnet.spark;
