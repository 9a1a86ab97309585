package dev.scratchnet.training;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.scratchnet.report.EpochMetrics;
import java.util.List;
import java.util.Map;

/**
 * {@code summary.json}: how a run ended, what it ran on, the effective configuration, and the SHA-256 of the
 * {@code model.npz} it describes ({@code model_sha256}). Accuracies and
 * times that do not apply (no test set, target never reached) are null.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RunSummary(
        Double finalTestAccuracy, Double finalValidationAccuracy, Double finalTrainAccuracy,
        int epochs, long steps, double trainSeconds, Double timeToTargetSeconds, boolean reachedTarget,
        String network, int parameters, String modelSha256,
        String engine, String sparkMaster, String sparkVersion, int partitions, Long cachedDataBytes,
        Double sparkStartupSeconds, double dataLoadSeconds,
        String blas, String javaVersion, Double examplesPerSecond,
        Map<String, String> config, List<EpochMetrics> metrics) {

    /** The summary of {@code result}, trained with {@code batchSize} examples a step on {@code engine}. */
    static RunSummary of(Trainer.Result result, String network, int parameters, int batchSize, EngineFacts engine,
                         String blas, Map<String, String> config) {
        EpochMetrics last = result.last();
        return new RunSummary(orNull(last.testAccuracy()), orNull(last.validationAccuracy()),
                orNull(last.trainAccuracy()), last.epoch(), result.steps(), result.trainSeconds(),
                result.reachedTarget() ? result.timeToTargetSeconds() : null, result.reachedTarget(), network, parameters,
                null, engine.engine(), engine.sparkMaster(), engine.sparkVersion(), engine.partitions(),
                engine.cachedDataBytes(), engine.sparkStartupSeconds(), engine.dataLoadSeconds(),
                blas, System.getProperty("java.version"),
                result.trainSeconds() > 0 ? result.steps() * (double) batchSize / result.trainSeconds() : null,
                config, result.metrics());
    }

    /** This summary naming the model file it describes by its SHA-256. */
    RunSummary withModel(String sha256) {
        return new RunSummary(finalTestAccuracy, finalValidationAccuracy, finalTrainAccuracy, epochs, steps, trainSeconds,
                timeToTargetSeconds, reachedTarget, network, parameters, sha256, engine, sparkMaster, sparkVersion,
                partitions, cachedDataBytes, sparkStartupSeconds, dataLoadSeconds, blas, javaVersion, examplesPerSecond,
                config, metrics);
    }

    private static Double orNull(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
