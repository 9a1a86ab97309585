package dev.scratchnet.training;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.config.Configuration;
import dev.scratchnet.math.Blas;
import dev.scratchnet.network.NetworkSettings;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.report.EpochMetrics;
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
        checkMemory(spec, config.get(TrainingSettings.OPTIMIZER), Runtime.getRuntime());
        if (config.get(OutputSettings.RESUME)) {
            Path dir = outputs.checkpointDir() != null ? outputs.checkpointDir()
                    : Path.of(OutputSettings.checkpointFolder(config));
            return Checkpoint.load(dir, config, spec, engine.dataIdentity());
        }
        double[] params = config.get(NetworkSettings.WEIGHT_INIT).initialize(spec, config.get(TrainingSettings.SEED));
        return TrainingState.fresh(params, TrainingSettings.newOptimizer(config, spec.parameterCount()));
    }

    /**
     * Copies of the parameter vector this JVM holds at once: the parameters, the optimizer's state, the gradient
     * sum and its mean, the broadcast's serialized copy, a checkpoint's arrays being written, and, in local mode,
     * each task's own gradient.
     */
    static int parameterCopies(Optimizer.Kind optimizer) {
        int state = switch (optimizer) {
            case SGD -> 0;
            case MOMENTUM, ADAGRAD -> 1;
            case ADAM -> 2;
        };
        return 7 + state;
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
        outputs.trainingOn(engine.dataIdentity());
        Trainer.Listener listener = new Trainer.Listener() {
            @Override
            public void afterStep(TrainingState s) {
                outputs.afterStep(s);
            }

            @Override
            public void afterEpoch(TrainingState s, EpochMetrics m) {
                outputs.afterEpoch(s, m);
            }

            @Override
            public boolean stopRequested() {
                return stopRequested.getAsBoolean();
            }
        };
        Trainer.Result result = new Trainer(config, engine, log, listener).run(state);
        if (result.interrupted()) {
            outputs.checkpointIfBehind(state);
            throw new RunInterrupted(state);
        }
        RunSummary summary = RunSummary.of(result, spec.describe(), spec.parameterCount(), batchSize, facts,
                Blas.implementation(), config.effective());
        return outputs.finish(result.params(), summary);
    }
}
