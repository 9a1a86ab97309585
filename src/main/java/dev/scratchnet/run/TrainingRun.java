package dev.scratchnet.run;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.config.Configuration;
import dev.scratchnet.math.Blas;
import dev.scratchnet.network.NetworkSettings;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.training.GradientEngine;
import dev.scratchnet.training.OutputSettings;
import dev.scratchnet.training.StopRule;
import dev.scratchnet.training.Trainer;
import dev.scratchnet.training.TrainingSettings;
import dev.scratchnet.training.TrainingState;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.BooleanSupplier;

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
    private final BooleanSupplier stopRequested;

    public TrainingRun(Configuration config, NetworkSpec spec, RunOutputs outputs, PrintStream log) {
        this(config, spec, outputs, log, () -> false);
    }

    private TrainingRun(Configuration config, NetworkSpec spec, RunOutputs outputs, PrintStream log,
                        BooleanSupplier stopRequested) {
        this.config = config;
        this.spec = spec;
        this.outputs = outputs;
        this.log = log;
        this.stopRequested = stopRequested;
    }

    /**
     * This run, stopping at the next step boundary once {@code stopRequested} says so: it then checkpoints where it
     * stands (unless the last checkpoint is there already) and throws {@link RunInterrupted}.
     */
    public TrainingRun interruptible(BooleanSupplier stopRequested) {
        return new TrainingRun(config, spec, outputs, log, stopRequested);
    }

    /**
     * Fresh weights and optimizer, or the checkpoint's state when {@code resume=true} (which must have been made
     * on the engine's data); first checks that this JVM has the memory the network needs, before anything is
     * allocated.
     */
    public TrainingState startingState(GradientEngine engine) {
        return startingState(engine, null);
    }

    /** As {@link #startingState(GradientEngine)}, a fresh start from {@code initial} (taken over) when it is not null. */
    public TrainingState startingState(GradientEngine engine, double[] initial) {
        checkMemory(spec, config.get(TrainingSettings.OPTIMIZER), Runtime.getRuntime());
        if (config.get(OutputSettings.RESUME)) {
            Path dir = outputs.checkpointDir() != null ? outputs.checkpointDir()
                    : Path.of(OutputSettings.checkpointFolder(config));
            return Checkpoint.load(dir, config, spec, engine.dataIdentity());
        }
        double[] params = initial != null ? initial
                : config.get(NetworkSettings.WEIGHT_INIT).initialize(spec, config.get(TrainingSettings.SEED));
        return TrainingState.fresh(params, TrainingSettings.newOptimizer(config, spec.parameterCount()));
    }

    /**
     * Copies of the parameter vector this JVM holds at once: the parameters, the best epoch's, the optimizer's
     * state, the gradient sum and its mean, the broadcast's serialized copy, a checkpoint's arrays being written,
     * and, in local mode, each task's own gradient.
     */
    static int parameterCopies(Optimizer.Kind optimizer) {
        return 8 + optimizer.stateCopies();
    }

    /** Refuses a network whose parameter copies would not fit in the memory this JVM may still use. */
    public static void checkMemory(NetworkSpec spec, Optimizer.Kind optimizer, Runtime runtime) {
        long need = 8L * spec.parameterCount() * parameterCopies(optimizer);
        long available = runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory());
        if (need > available) {
            throw new ScratchnetException(String.format(Locale.ROOT,
                    "network %s (%.1f M parameters) needs about %d MB of driver memory (parameters, %s state, "
                            + "gradients, broadcast, checkpoint), %d MB are available: give the driver more "
                            + "(--driver-memory, spark.driver.memory) or use smaller hidden layers (%s)",
                    spec.describe(), spec.parameterCount() / 1e6, need >> 20, optimizer.id(), available >> 20,
                    NetworkSettings.HIDDEN.key()));
        }
    }

    /** How a run ended: its summary (as summary.json has it) and the model's parameters. */
    public record Finished(RunSummary summary, double[] model) {}

    /** Trains from {@code state} on {@code engine} to the end, writes the outputs and returns the summary and model. */
    public Finished run(GradientEngine engine, TrainingState state, EngineFacts facts) {
        int batchSize = Trainer.batchSize(config, engine);
        int training = engine.trainPositions().length;
        log.printf(Locale.ROOT, "data: %d training examples%s (%.1f s) | %s%s%n", training,
                training < engine.trainSize() ? " and " + (engine.trainSize() - training) + " held out for validation" : "",
                facts.dataLoadSeconds(), engine.describe(), facts.cachedDataBytes() == null ? ""
                        : String.format(Locale.ROOT, " | cached %.1f MB", facts.cachedDataBytes() / 1e6));
        if (state.globalStep() > 0) {
            log.printf(Locale.ROOT, "resuming from %s at epoch %d step %d (global step %d)%n", outputs.checkpointDir(),
                    state.epoch() + 1, state.stepInEpoch(), state.globalStep());
        }
        log.printf(Locale.ROOT, "network %s (%d parameters) | batch %d%s = %d steps/epoch | %s%s%n",
                spec.describe(), spec.parameterCount(), batchSize,
                config.isSet(TrainingSettings.BATCH_SIZE) ? "" : " (auto)", training / Math.max(1, batchSize),
                config.text(TrainingSettings.OPTIMIZER), config.get(TrainingSettings.OPTIMIZER) == Optimizer.Kind.LBFGS
                        ? "" : " lr " + config.text(TrainingSettings.LEARNING_RATE));
        outputs.trainingOn(engine.dataIdentity());
        Trainer.Result result;
        try {
            result = new Trainer(config, spec, engine, log, outputs, stopRequested).run(state);
        } catch (RuntimeException | Error e) {
            try {
                outputs.awaitWrites(); // the last epoch's files finished before the run reports its error
            } catch (RuntimeException | Error also) {
                e.addSuppressed(also);
            }
            throw e;
        }
        if (result.interrupted()) {
            outputs.checkpointIfBehind(state);
            throw new RunInterrupted(state);
        }
        if (result.modelEpoch() != result.last().epoch()) {
            log.printf(Locale.ROOT, "model: epoch %d's weights (best %s)%n", result.modelEpoch(),
                    StopRule.of(config, engine.hasValidation()).monitoredName());
        }
        RunSummary summary = RunSummary.of(result, spec, facts, Blas.implementation(), config.effective());
        return new Finished(outputs.finish(result.params(), summary), result.params());
    }
}
