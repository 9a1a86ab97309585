package dev.scratchnet.run;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.scratchnet.training.GradientEngine;

/**
 * What a run records about the engine it trained on, for summary.json.
 *
 * @param engine              {@link GradientEngine#describe()}
 * @param sparkMaster         the Spark master URL, or null in-process
 * @param sparkVersion        the Spark version, or null in-process
 * @param partitions          partitions of the cached training set (1 in-process)
 * @param cachedDataBytes     bytes of example data cached by the engine, or null when not measured
 * @param sparkStartupSeconds seconds to start Spark, or null when the run did not start it
 * @param dataLoadSeconds     seconds to read the data and build the engine's blocks
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record EngineFacts(String engine, String sparkMaster, String sparkVersion, int partitions, Long cachedDataBytes,
                          Double sparkStartupSeconds, double dataLoadSeconds) {

    /** An in-process run (no Spark). */
    public static EngineFacts inProcess(String engine, double dataLoadSeconds) {
        return new EngineFacts(engine, null, null, 1, null, null, dataLoadSeconds);
    }
}
