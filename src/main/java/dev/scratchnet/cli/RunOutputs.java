package dev.scratchnet.cli;

import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.report.AccuracyChart;
import dev.scratchnet.report.EpochMetrics;
import dev.scratchnet.report.Json;
import dev.scratchnet.report.MetricsCsv;
import dev.scratchnet.training.Checkpoint;
import dev.scratchnet.training.ModelFile;
import dev.scratchnet.training.TrainConfig;
import dev.scratchnet.training.Trainer;
import dev.scratchnet.training.TrainingState;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run's output folder: {@code metrics.csv} and {@code accuracy.png} rewritten after every epoch,
 * checkpoints as configured, and at the end the model ({@code model.npz}, then its readable copy
 * {@code model.json}) and {@code summary.json}, which names the model by its SHA-256. Every file is
 * written atomically.
 */
final class RunOutputs implements Trainer.Listener {
    static final String METRICS = "metrics.csv";
    static final String CHART = "accuracy.png";
    static final String SUMMARY = "summary.json";

    private final Path dir;
    private final TrainConfig config;
    private final NetworkSpec spec;
    private final Path checkpointDir;

    RunOutputs(Path dir, TrainConfig config, NetworkSpec spec) {
        this.dir = dir;
        this.config = config;
        this.spec = spec;
        this.checkpointDir = Path.of(config.checkpointFolder());
    }

    @Override
    public void afterStep(TrainingState state) {
        if (config.checkpointEvery() > 0 && state.globalStep() % config.checkpointEvery() == 0) {
            Checkpoint.save(checkpointDir, config, spec, state);
        }
    }

    @Override
    public void afterEpoch(TrainingState state, EpochMetrics metrics) {
        MetricsCsv.write(dir.resolve(METRICS), state.metrics());
        AccuracyChart.write(dir.resolve(CHART), state.metrics(), spec.describe() + ", batch " + config.batchSize()
                + ", " + config.optimizer() + " lr " + config.learningRate());
        if (config.checkpointEvery() == 0 || state.globalStep() % config.checkpointEvery() == 0) {
            Checkpoint.save(checkpointDir, config, spec, state);
        }
    }

    /** The model and summary.json; {@code run} holds everything else worth recording. */
    void finish(Trainer.Result result, Map<String, Object> run) {
        String modelSha256 = ModelFile.save(dir, spec, result.params());
        EpochMetrics last = result.last();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("final_test_accuracy", last.testAccuracy());
        summary.put("final_train_accuracy", Double.isNaN(last.trainAccuracy()) ? null : last.trainAccuracy());
        summary.put("epochs", last.epoch());
        summary.put("steps", result.steps());
        summary.put("train_seconds", result.trainSeconds());
        summary.put("time_to_target_seconds", result.reachedTarget() ? result.timeToTargetSeconds() : null);
        summary.put("reached_target", result.reachedTarget());
        summary.put("network", spec.describe());
        summary.put("parameters", spec.parameterCount());
        summary.put("model_sha256", modelSha256); // which model.npz this summary describes
        summary.putAll(run);
        summary.put("config", config.effective());
        summary.put("metrics", result.metrics());
        Json.write(dir.resolve(SUMMARY), summary);
    }
}
