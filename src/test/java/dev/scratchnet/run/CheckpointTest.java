package dev.scratchnet.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scratchnet.ScratchnetException;
import dev.scratchnet.config.Configuration;
import dev.scratchnet.network.NetworkSettings;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.partition.ExampleBlock;
import dev.scratchnet.registry.Settings;
import dev.scratchnet.report.Json;
import dev.scratchnet.report.NdArray;
import dev.scratchnet.report.Npz;
import dev.scratchnet.training.TrainingSettings;
import dev.scratchnet.training.TrainingState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints round-trip exactly, and a driver killed in the middle of writing one leaves the previous one. */
class CheckpointTest {
    static final String DATA = ExampleBlock.identity(100, 12, 0x1234);

    @TempDir
    Path dir;

    @Test
    void aResumeOnOtherDataIsRefused() {
        Checkpoint.save(dir, config, spec, state(5, 0.5), DATA);
        String other = ExampleBlock.identity(100, 12, 0x4321);
        ScratchnetException e = assertThrows(ScratchnetException.class, () -> Checkpoint.load(dir, config, spec, other));
        assertEquals(dir.resolve("checkpoint.json") + " was made on other training data (" + DATA + "); this run's is "
                + other + ": resume needs the same data", e.getMessage());
    }

    final Configuration config = Settings.parse(Map.of("spark.scratchnet.hidden", "7", "spark.scratchnet.optimizer", "adam"));
    final NetworkSpec spec = NetworkSettings.spec(config, 12, 3);

    TrainingState state(long step, double value) {
        double[] params = new double[spec.parameterCount()];
        java.util.Arrays.fill(params, value);
        Optimizer optimizer = TrainingSettings.newOptimizer(config, params.length);
        optimizer.update(params.clone(), params.clone());
        return new TrainingState(params, optimizer, 0, (int) step, step, 1.5, 0.1 + step, step * 100, List.of(), 0, null);
    }

    @Test
    void roundTripsParametersOptimizerStateAndPosition() {
        TrainingState saved = state(5, 0.1 / 3);
        Checkpoint.save(dir, config, spec, saved, DATA);
        TrainingState loaded = Checkpoint.load(dir, config, spec, DATA);
        assertArrayEquals(saved.params(), loaded.params());
        assertEquals(saved.optimizer().state().keySet(), loaded.optimizer().state().keySet());
        saved.optimizer().state().forEach((k, v) -> assertArrayEquals(v, loaded.optimizer().state().get(k), k));
        assertEquals(5, loaded.globalStep());
        assertEquals(5, loaded.stepInEpoch());
        assertEquals(saved.epochLossSum(), loaded.epochLossSum());
        assertEquals(500, loaded.epochWeight());
    }

    @Test
    void aCheckpointOlderThanATrajectorySettingResumesWhenThatSettingIsAtItsDefault() throws IOException {
        Checkpoint.save(dir, config, spec, state(5, 0.25), DATA);
        // As a checkpoint written before spark.scratchnet.precision existed would be.
        ObjectNode json = (ObjectNode) Json.readTree(dir.resolve(Checkpoint.FILE));
        assertTrue(((ObjectNode) json.get("settings")).remove("spark.scratchnet.precision") != null);
        Json.write(dir.resolve(Checkpoint.FILE), json);

        assertEquals(5, Checkpoint.load(dir, config, spec, DATA).globalStep(), "the default then is the default now");
        Configuration other = config.withText(TrainingSettings.PRECISION, "double");
        ScratchnetException e = assertThrows(ScratchnetException.class, () -> Checkpoint.load(dir, other, spec, DATA));
        assertEquals(dir.resolve(Checkpoint.FILE) + " was made with spark.scratchnet.precision=(unset: the checkpoint is "
                + "older than the setting), this run has double: resume needs the same settings", e.getMessage());
    }

    @Test
    void killedBetweenStateFileAndJsonLeavesThePreviousCheckpoint() throws IOException {
        Checkpoint.save(dir, config, spec, state(5, 1.0), DATA);
        // The next checkpoint's state file written, its JSON not yet, and a half-written temp file: a kill -9.
        Npz.write(dir.resolve("state-10.npz"), new LinkedHashMap<>(Map.of("params", NdArray.vector(new double[] {2}))));
        Path temp = Files.writeString(dir.resolve(".state-15.npz.tmp-0123"), "half");
        TrainingState loaded = Checkpoint.load(dir, config, spec, DATA);
        assertEquals(5, loaded.globalStep());
        assertEquals(1.0, loaded.params()[0]);

        Checkpoint.save(dir, config, spec, state(20, 3.0), DATA);
        assertFalse(Files.exists(temp), "leftover temp files are removed by the next checkpoint");
        try (var files = Files.list(dir)) {
            assertEquals(List.of("checkpoint.json", "state-20.npz"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertTrue(Checkpoint.exists(dir));
        assertEquals(20, Checkpoint.load(dir, config, spec, DATA).globalStep());
    }

    @Test
    void nonFiniteParametersOrOptimizerStateAreRefused() {
        TrainingState diverged = state(5, 0.5);
        diverged.params()[2] = Double.POSITIVE_INFINITY;
        Checkpoint.save(dir, config, spec, diverged, DATA);
        ScratchnetException e = assertThrows(ScratchnetException.class, () -> Checkpoint.load(dir, config, spec, DATA));
        assertEquals(dir.resolve("state-5.npz") + ": params holds 1 non-finite value (NaN or Inf)", e.getMessage());

        TrainingState badOptimizer = state(6, 0.5);
        Map<String, double[]> adam = badOptimizer.optimizer().state();
        java.util.Arrays.fill(adam.get("v"), Double.NaN);
        badOptimizer.optimizer().restore(adam);
        Checkpoint.save(dir, config, spec, badOptimizer, DATA);
        e = assertThrows(ScratchnetException.class, () -> Checkpoint.load(dir, config, spec, DATA));
        assertEquals(dir.resolve("state-6.npz") + ": optimizer_v holds " + spec.parameterCount()
                + " non-finite values (NaN or Inf)", e.getMessage());
    }
}
