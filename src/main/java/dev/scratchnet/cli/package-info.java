/**
 * The entry point that spark-submit runs: {@code train} (the default), {@code gradcheck},
 * {@code evaluate --model PATH} and {@code fetch-data}. Reads {@code spark.scratchnet.*} settings from the
 * Spark configuration, turns every user mistake into one line on stderr and a non-zero exit. With
 * {@code --deploy-mode cluster}, {@code ClusterSubmit} runs spark-submit itself, so that holds before the cluster
 * is asked for anything.
 */
package dev.scratchnet.cli;
