package dev.scratchnet.training;

import dev.scratchnet.config.Configuration;
import dev.scratchnet.math.Blas;
import dev.scratchnet.network.NetworkSettings;
import dev.scratchnet.network.NetworkSpec;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One training run, whatever the front end (command line, estimator, tests) and the engine: the starting
 * state (fresh, or the checkpoint when {@code resume=true}), the {@link Trainer} with the run's
 * {@link RunOutputs} listening, and the typed {@link RunSummary} at the end.
 *
 * <p>Front ends call {@link #startingState()} before they start Spark, so that a bad checkpoint fails fast,
 * then {@link #run} with the engine they built.
 */
public final class TrainingRun {
    private final Configuration config;
    private final NetworkSpec spec;
    private final RunOutputs outputs;
    private final PrintStream log;

    public TrainingRun(Configuration config, NetworkSpec spec, RunOutputs outputs, PrintStream log) {
        this.config = config;
        this.spec = spec;
        this.outputs = outputs;
        this.log = log;
    }

    /** Fresh weights and optimizer, or the checkpoint's state when {@code resume=true}. */
    public TrainingState startingState() {
        if (config.get(OutputSettings.RESUME)) {
            Path dir = outputs.checkpointDir() != null ? outputs.checkpointDir()
                    : Path.of(OutputSettings.checkpointFolder(config));
            return Checkpoint.load(dir, config, spec);
        }
        double[] params = config.get(NetworkSettings.WEIGHT_INIT).initialize(spec, config.get(TrainingSettings.SEED));
        return TrainingState.fresh(params, TrainingSettings.newOptimizer(config, spec.parameterCount()));
    }

    /** Trains from {@code state} on {@code engine} to the end, writes the outputs and returns the summary. */
    public RunSummary run(GradientEngine engine, TrainingState state, EngineFacts facts) {
        int batchSize = config.get(TrainingSettings.BATCH_SIZE);
        int training = engine.trainPositions().length;
        log.printf(Locale.ROOT, "data: %d training examples%s (%.1f s) | %s%s%n", training,
                training < engine.trainSize() ? " and " + (engine.trainSize() - training) + " held out for validation" : "",
                facts.dataLoadSeconds(), engine.describe(), facts.cachedDataBytes() == null ? ""
                        : String.format(Locale.ROOT, " | cached %.1f MB", facts.cachedDataBytes() / 1e6));
        if (state.globalStep() > 0) {
            log.printf(Locale.ROOT, "resuming from %s at epoch %d step %d (global step %d)%n", outputs.checkpointDir(),
                    state.epoch() + 1, state.stepInEpoch(), state.globalStep());
        }
        log.printf(Locale.ROOT, "network %s (%d parameters) | batch %d = %d steps/epoch | %s lr %s%n",
                spec.describe(), spec.parameterCount(), batchSize, training / Math.max(1, batchSize),
                config.text(TrainingSettings.OPTIMIZER), config.text(TrainingSettings.LEARNING_RATE));
        Trainer.Result result = new Trainer(config, engine, log, outputs).run(state);
        RunSummary summary = RunSummary.of(result, spec.describe(), spec.parameterCount(), batchSize, facts,
                Blas.implementation(), config.effective());
        return outputs.finish(result.params(), summary);
    }
}
