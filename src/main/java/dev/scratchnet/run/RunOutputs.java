package dev.scratchnet.run;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.config.Configuration;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.report.AccuracyChart;
import dev.scratchnet.report.AtomicFiles;
import dev.scratchnet.report.EpochMetrics;
import dev.scratchnet.report.Json;
import dev.scratchnet.report.MetricsCsv;
import dev.scratchnet.report.RemoteCopy;
import dev.scratchnet.training.OutputSettings;
import dev.scratchnet.training.Trainer;
import dev.scratchnet.training.TrainingSettings;
import dev.scratchnet.training.TrainingState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a run writes as it goes: checkpoints at the configured cadence, and, when it has an output folder,
 * {@code metrics.csv} and {@code accuracy.png} after every epoch and at the end the model ({@code model.npz},
 * then the same network as {@code model.onnx} and its readable copy {@code model.json}) and {@code summary.json}, which names the model by its SHA-256.
 * Every file is written atomically. An epoch's files are written on a thread of their own from a copy of the state
 * while the next epoch trains (a cold run spent 50-110 ms an epoch on them, the checkpoint's fsync included); every
 * other write, and the run's end, waits for them first, and a failed write ends the run at its next write with the
 * same line.
 */
public final class RunOutputs implements Trainer.Listener {
    public static final String METRICS = "metrics.csv";
    public static final String CHART = "accuracy.png";
    public static final String SUMMARY = "summary.json";

    private final Path dir;
    private final Configuration config;
    private final NetworkSpec spec;
    private final Path checkpointDir;
    private final long checkpointEvery;
    private final List<RemoteCopy> remotes;
    private final double inputScale;
    private volatile long lastCheckpointStep = -1;
    private String dataIdentity;
    private boolean claimed;
    /** The epoch's files being written (null: none), on {@link #writer}. */
    private java.util.concurrent.Future<?> pending;
    private java.util.concurrent.ExecutorService writer;

    private RunOutputs(Path dir, Configuration config, NetworkSpec spec, Path checkpointDir, List<RemoteCopy> remotes,
                       double inputScale) {
        this.dir = dir;
        this.inputScale = inputScale;
        this.config = config;
        this.spec = spec;
        this.checkpointDir = checkpointDir;
        this.checkpointEvery = config.get(OutputSettings.CHECKPOINT_EVERY);
        this.remotes = List.copyOf(remotes);
    }

    /**
     * Every output into {@code out} and checkpoints into {@code checkpointDir}, local folders that {@code remotes}
     * publish elsewhere after every write (staging folders of outputs on a Hadoop file system). {@code inputScale}
     * is what the data's raw feature values are multiplied by before the network (MNIST: 1/255), which
     * {@code model.onnx} does inside its graph.
     */
    public static RunOutputs folder(Path out, Path checkpointDir, Configuration config, NetworkSpec spec,
                                    List<RemoteCopy> remotes, double inputScale) {
        return new RunOutputs(out, config, spec, checkpointDir, remotes, inputScale);
    }

    /** Checkpoints only, into {@code checkpointDir} when it is not null; nothing else is written. */
    public static RunOutputs checkpointsOnly(Path checkpointDir, Configuration config, NetworkSpec spec) {
        return new RunOutputs(null, config, spec, checkpointDir, List.of(), 1);
    }

    /** What the run trains on, recorded in every checkpoint. */
    void trainingOn(String identity) {
        this.dataIdentity = identity;
    }

    /** The checkpoint folder, or null when this run does not checkpoint. */
    public Path checkpointDir() {
        return checkpointDir;
    }

    /**
     * The files of an earlier run in the output folder, which this run's first write replaces together: the summary
     * (first, as it names the model), the model's readable copy and its ONNX form, the model, the metrics and the chart.
     */
    static final List<String> RUN_FILES = List.of(SUMMARY, ModelFile.DESCRIPTION, ModelFile.ONNX, ModelFile.WEIGHTS,
            METRICS, CHART);

    /**
     * Before this run's first file: removes an earlier run's files from the output folder, so that the folder never
     * shows one run's summary and model beside another run's metrics. A run that fails or is stopped before it
     * writes anything leaves the earlier run as it was.
     */
    private void claimFolder() {
        if (claimed || dir == null) {
            claimed = true;
            return;
        }
        for (String name : RUN_FILES) {
            try {
                Files.deleteIfExists(dir.resolve(name));
            } catch (IOException e) {
                throw new ScratchnetException("output folder " + dir + ": cannot remove the earlier run's " + name + ": "
                        + AtomicFiles.oneLine(e), e);
            }
        }
        claimed = true;
    }

    @Override
    public boolean wantsEveryEpoch() {
        return dir != null || checkpointDir != null;
    }

    @Override
    public void afterStep(TrainingState state) {
        awaitWrites();
        if (checkpointEvery > 0 && state.globalStep() % checkpointEvery == 0) {
            claimFolder();
            checkpoint(state);
            publish();
        }
    }

    @Override
    public void afterEpoch(TrainingState state, EpochMetrics metrics) {
        awaitWrites();
        claimFolder();
        boolean checkpoint = checkpointDir != null && (checkpointEvery == 0 || state.globalStep() % checkpointEvery == 0);
        if (dir == null && !checkpoint) {
            return;
        }
        TrainingState copy = state.snapshot(checkpoint);
        if (writer == null) {
            writer = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "scratchnet-epoch-outputs");
                t.setDaemon(true);
                return t;
            });
        }
        pending = writer.submit(() -> {
            if (dir != null) {
                MetricsCsv.write(dir.resolve(METRICS), copy.metrics());
                AccuracyChart.write(dir.resolve(CHART), copy.metrics(), spec.describe() + ", batch "
                        + config.get(TrainingSettings.BATCH_SIZE) + ", " + config.text(TrainingSettings.OPTIMIZER)
                        + " lr " + config.text(TrainingSettings.LEARNING_RATE));
            }
            if (checkpoint) {
                checkpoint(copy);
            }
            publish();
        });
    }

    /**
     * Waits for the epoch's files being written, if any; a write that failed ends the run here with its line. Also what
     * a run that ends in an error does before it reports it, so that nothing is left half-written.
     */
    public void awaitWrites() {
        java.util.concurrent.Future<?> p = pending;
        if (p == null) {
            return;
        }
        pending = null;
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    p.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the files are finished first, whatever stops the run
                }
            }
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void publish() {
        for (RemoteCopy r : remotes) {
            r.sync();
        }
    }

    private void checkpoint(TrainingState state) {
        if (checkpointDir != null) {
            Checkpoint.save(checkpointDir, config, spec, state, dataIdentity);
            lastCheckpointStep = state.globalStep();
        }
    }

    /** A checkpoint of {@code state} unless the last one written by this run is already at its step. */
    void checkpointIfBehind(TrainingState state) {
        awaitWrites();
        if (lastCheckpointStep != state.globalStep()) {
            claimFolder();
            checkpoint(state);
            publish();
        }
    }

    /**
     * The model, then summary.json naming it by its SHA-256, when this run has an output folder; returns the
     * summary as written.
     */
    RunSummary finish(double[] params, RunSummary summary) {
        awaitWrites();
        if (writer != null) {
            writer.shutdown();
        }
        if (dir == null) {
            return summary;
        }
        claimFolder();
        RunSummary named = summary.withModel(ModelFile.save(dir, spec, params, inputScale));
        Json.write(dir.resolve(SUMMARY), named);
        publish();
        return named;
    }
}
