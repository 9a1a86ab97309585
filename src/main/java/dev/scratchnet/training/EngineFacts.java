package dev.scratchnet.training;

/**
 * What a run records about the engine it trained on, for summary.json.
 *
 * @param engine              {@link GradientEngine#describe()}
 * @param sparkMaster         the Spark master URL, or null in-process
 * @param sparkVersion        the Spark version, or null in-process
 * @param partitions          partitions of the cached training set (1 in-process)
 * @param cachedDataBytes     bytes of example data cached by the engine, or null when not measured
 * @param sparkStartupSeconds seconds to start Spark, or null in-process
 * @param dataLoadSeconds     seconds to read the data and build the engine's blocks
 */
public record EngineFacts(String engine, String sparkMaster, String sparkVersion, int partitions, Long cachedDataBytes,
                          Double sparkStartupSeconds, double dataLoadSeconds) {
}
