package dev.scratchnet.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.config.Configuration;
import dev.scratchnet.network.NetworkSettings;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.partition.ExampleBlock;
import dev.scratchnet.registry.Settings;
import dev.scratchnet.report.EpochMetrics;
import dev.scratchnet.training.TrainingSettings;
import dev.scratchnet.training.TrainingState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An epoch's files are written from the state as the epoch ended, while the run goes on changing it; every later
 * write waits for them, and a write that failed ends the run at its next write with its line.
 */
class RunOutputsTest {
    @TempDir
    Path dir;

    final Configuration config = Settings.parse(Map.of("spark.scratchnet.hidden", "7", "spark.scratchnet.optimizer", "adam"));
    final NetworkSpec spec = NetworkSettings.spec(config, 12, 3);

    private TrainingState epochEnded(double value) {
        double[] params = new double[spec.parameterCount()];
        java.util.Arrays.fill(params, value);
        Optimizer optimizer = TrainingSettings.newOptimizer(config, params.length);
        EpochMetrics m = new EpochMetrics(1, 10, 1.5, 0.5, Double.NaN, 0.9, 0.91, 0.3, 0.31);
        return new TrainingState(params, optimizer, 1, 0, 10, 1.5, 0, 0, List.of(m), 0, null);
    }

    @Test
    void theFilesHoldTheStateAsTheEpochEndedNotAsTrainingChangedIt() throws IOException {
        Path out = dir.resolve("out");
        Path checkpoints = dir.resolve("checkpoint");
        Files.createDirectories(out);
        RunOutputs outputs = RunOutputs.folder(out, checkpoints, config, spec, List.of(), 1);
        outputs.trainingOn(ExampleBlock.identity(100, 12, 1));
        TrainingState state = epochEnded(0.25);
        double[] asTheEpochEnded = state.params().clone();
        outputs.afterEpoch(state, state.metrics().get(0));
        java.util.Arrays.fill(state.params(), 7.0); // the next epoch trains on
        outputs.awaitWrites();
        assertTrue(Files.readString(out.resolve(RunOutputs.METRICS)).lines().count() == 2, "header and one epoch");
        assertTrue(Files.size(out.resolve(RunOutputs.CHART)) > 0);
        TrainingState saved = Checkpoint.load(checkpoints, config, spec, ExampleBlock.identity(100, 12, 1));
        assertArrayEquals(asTheEpochEnded, saved.params(), 0.0);
        assertEquals(10, saved.globalStep());
    }

    @Test
    void aWriteThatFailedEndsTheRunAtItsNextWrite() throws IOException {
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        Path blocked = dir.resolve("not-a-folder");
        Files.writeString(blocked, "a file where the checkpoint folder should be");
        RunOutputs outputs = RunOutputs.folder(out, blocked, config, spec, List.of(), 1);
        outputs.trainingOn(ExampleBlock.identity(100, 12, 1));
        TrainingState state = epochEnded(0.5);
        outputs.afterEpoch(state, state.metrics().get(0));
        ScratchnetException e = assertThrows(ScratchnetException.class, outputs::awaitWrites);
        assertTrue(e.getMessage().contains(blocked.toString()), e.getMessage());
        outputs.awaitWrites(); // reported once
    }
}
