package dev.scratchnet.run;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.network.Task;
import dev.scratchnet.report.EpochMetrics;
import dev.scratchnet.training.Trainer;
import java.util.List;
import java.util.Map;

/**
 * {@code summary.json}: how a run ended and with which model, what it ran on, the effective configuration, and the
 * SHA-256 of the {@code model.npz} it describes ({@code model_sha256}). One flat JSON object; figures that do not
 * apply (no test set, target never reached, a regression's accuracies) are null.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RunSummary(@JsonUnwrapped Outcome outcome, String modelSha256, @JsonUnwrapped EngineFacts engineFacts,
                         String blas, String javaVersion, Map<String, String> config, List<EpochMetrics> metrics) {

    /**
     * How the run ended. The {@code final_*} figures are those of the model, which is the epoch {@code model_epoch}
     * (the best one when early stopping kept it, else the last).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Outcome(Double finalTestAccuracy, Double finalValidationAccuracy, Double finalTrainAccuracy,
                          Double finalValidationRmse, Double finalTestRmse, int modelEpoch, int epochs, long steps,
                          int batchSize, String stopReason, double trainSeconds, Double timeToTargetSeconds,
                          boolean reachedTarget, String network, int parameters, Double examplesPerSecond) {
    }

    /** The summary of {@code result} for a network {@code spec} trained on {@code engine}. */
    static RunSummary of(Trainer.Result result, NetworkSpec spec, EngineFacts engine, String blas,
                         Map<String, String> config) {
        EpochMetrics model = result.model();
        boolean regression = spec.task() == Task.REGRESSION;
        Outcome outcome = new Outcome(orNull(model.testAccuracy()), orNull(model.validationAccuracy()),
                orNull(model.trainAccuracy()), regression ? orNull(EpochMetrics.rmse(model.validationLoss())) : null,
                regression ? orNull(EpochMetrics.rmse(model.testLoss())) : null, result.modelEpoch(), result.last().epoch(),
                result.steps(), result.batchSize(), result.stop().name().toLowerCase(java.util.Locale.ROOT),
                result.trainSeconds(), result.reachedTarget() ? result.timeToTargetSeconds() : null,
                result.reachedTarget(), spec.describe(), spec.parameterCount(),
                result.trainSeconds() > 0 ? result.steps() * (double) result.batchSize() / result.trainSeconds() : null);
        return new RunSummary(outcome, null, engine, blas, System.getProperty("java.version"), config, result.metrics());
    }

    /** This summary naming the model file it describes by its SHA-256. */
    RunSummary withModel(String sha256) {
        return new RunSummary(outcome, sha256, engineFacts, blas, javaVersion, config, metrics);
    }

    public Double finalTestAccuracy() {
        return outcome.finalTestAccuracy();
    }

    public Double finalValidationAccuracy() {
        return outcome.finalValidationAccuracy();
    }

    public int epochs() {
        return outcome.epochs();
    }

    public long steps() {
        return outcome.steps();
    }

    public double trainSeconds() {
        return outcome.trainSeconds();
    }

    private static Double orNull(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
