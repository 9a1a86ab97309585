package dev.scratchnet.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scratchnet.ScratchnetException;
import dev.scratchnet.config.Configuration;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.report.AtomicFiles;
import dev.scratchnet.report.EpochMetrics;
import dev.scratchnet.report.Json;
import dev.scratchnet.report.NdArray;
import dev.scratchnet.report.Npz;
import dev.scratchnet.report.Sha256;
import dev.scratchnet.training.OutputSettings;
import dev.scratchnet.training.TrainingSettings;
import dev.scratchnet.training.TrainingState;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The driver's checkpoint: {@code state-<step>.npz} (parameters and optimizer state, float64) and
 * {@code checkpoint.json} (where the run stands, the settings it depends on, the metrics so far, and the
 * SHA-256 of the state file). The state file is written first and the JSON second, each atomically, and
 * older state files are deleted only after: a kill -9 at any moment leaves a JSON that points at a
 * complete state file. Plain numbers and JSON, never Java deserialization.
 */
public final class Checkpoint {
    public static final String FORMAT = "scratchnet-checkpoint";
    public static final String FILE = "checkpoint.json";

    private Checkpoint() {}

    /** Settings that must be equal for a resumed run to continue the same trajectory. */
    static Map<String, String> trajectorySettings(Configuration config, NetworkSpec spec) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("network", spec.describe());
        m.putAll(config.trajectory());
        return m;
    }

    /** Writes a checkpoint of {@code state} into {@code dir}. */
    public static void save(Path dir, Configuration config, NetworkSpec spec, TrainingState state, String data) {
        AtomicFiles.ensureWritableDir(dir, "checkpoint folder (" + OutputSettings.CHECKPOINT_DIR.key() + ")");
        String stateName = "state-" + state.globalStep() + ".npz";
        Path stateFile = dir.resolve(stateName);
        LinkedHashMap<String, NdArray> arrays = new LinkedHashMap<>();
        arrays.put("params", NdArray.vector(state.params()));
        if (state.bestParams() != null) {
            arrays.put("best_params", NdArray.vector(state.bestParams()));
        }
        for (Map.Entry<String, double[]> e : state.optimizer().state().entrySet()) {
            arrays.put("optimizer_" + e.getKey(), NdArray.vector(e.getValue()));
        }
        Npz.write(stateFile, arrays);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", FORMAT);
        json.put("version", 1);
        json.put("state_file", stateName);
        json.put("state_sha256", Sha256.of(stateFile));
        json.put("epoch", state.epoch());
        json.put("step_in_epoch", state.stepInEpoch());
        json.put("global_step", state.globalStep());
        json.put("seconds", state.seconds());
        json.put("epoch_loss_sum", state.epochLossSum());
        json.put("epoch_weight", state.epochWeight());
        json.put("best_epoch", state.bestEpoch());
        json.put("settings", trajectorySettings(config, spec));
        json.put("data", data);
        json.put("metrics", state.metrics());
        Json.write(dir.resolve(FILE), json);
        // Older state files, and temp files of writes a killed driver never finished.
        try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, "{state-*.npz,.state-*.npz.tmp-*,." + FILE + ".tmp-*}")) {
            for (Path p : old) {
                if (!p.getFileName().toString().equals(stateName)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new ScratchnetException("checkpoint folder " + dir + ": cannot remove old state files: "
                    + AtomicFiles.oneLine(e), e);
        }
    }

    /** Whether {@code dir} holds a checkpoint. */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(FILE));
    }

    /**
     * Loads the checkpoint in {@code dir} for a run of {@code config}: validates the format, the state
     * file's checksum and shapes, and that the trajectory settings match.
     */
    public static TrainingState load(Path dir, Configuration config, NetworkSpec spec, String data) {
        Path jsonFile = dir.resolve(FILE);
        if (!AtomicFiles.exists(jsonFile)) {
            throw new ScratchnetException(OutputSettings.RESUME.key() + "=true but there is no checkpoint: " + jsonFile + " does not exist");
        }
        JsonNode json = Json.readTree(jsonFile);
        if (!FORMAT.equals(json.path("format").asText())) {
            throw new ScratchnetException(jsonFile + " is not a scratchnet checkpoint (no \"format\": \"" + FORMAT + "\")");
        }
        Map<String, String> expected = trajectorySettings(config, spec);
        for (Map.Entry<String, String> e : expected.entrySet()) {
            String saved = json.path("settings").path(e.getKey()).asText(null);
            if (saved == null && isDefault(config, e.getKey(), e.getValue())) {
                continue; // a checkpoint older than the setting: it was made with what is now the default
            }
            if (!e.getValue().equals(saved)) {
                throw new ScratchnetException(jsonFile + " was made with " + e.getKey() + "="
                        + (saved != null ? saved : "(unset: the checkpoint is older than the setting)")
                        + ", this run has " + e.getValue() + ": resume needs the same settings");
            }
        }
        String savedData = json.path("data").asText(null);
        if (savedData == null || !savedData.equals(data)) {
            throw new ScratchnetException(jsonFile + " was made on other training data (" + savedData + "); this run's is "
                    + data + ": resume needs the same data");
        }
        String stateName = json.path("state_file").asText("");
        if (!stateName.matches("state-[0-9]+\\.npz")) {
            throw new ScratchnetException(jsonFile + ": bad state_file '" + stateName + "'");
        }
        Path stateFile = dir.resolve(stateName);
        if (!AtomicFiles.exists(stateFile)) {
            throw new ScratchnetException(jsonFile + " points at " + stateFile + ", which does not exist");
        }
        if (!Sha256.of(stateFile).equals(json.path("state_sha256").asText())) {
            throw new ScratchnetException(stateFile + " does not match the SHA-256 recorded in " + jsonFile + " (corrupt or replaced)");
        }
        Map<String, NdArray> arrays = Npz.read(stateFile);
        Npz.requireFinite(stateFile, arrays);
        NdArray params = arrays.get("params");
        if (params == null || params.size() != spec.parameterCount()) {
            throw new ScratchnetException(stateFile + ": params missing or not " + spec.parameterCount() + " values");
        }
        NdArray best = arrays.get("best_params");
        if (best != null && best.size() != spec.parameterCount()) {
            throw new ScratchnetException(stateFile + ": best_params is not " + spec.parameterCount() + " values");
        }
        Optimizer optimizer = TrainingSettings.newOptimizer(config, spec.parameterCount());
        Map<String, double[]> optimizerState = new LinkedHashMap<>();
        arrays.forEach((name, a) -> {
            if (name.startsWith("optimizer_")) {
                optimizerState.put(name.substring("optimizer_".length()), a.data());
            }
        });
        try {
            optimizer.restore(optimizerState);
        } catch (IllegalArgumentException e) {
            throw new ScratchnetException(stateFile + ": " + e.getMessage());
        }
        List<EpochMetrics> metrics = new ArrayList<>();
        for (JsonNode m : json.path("metrics")) {
            metrics.add(new EpochMetrics(m.path("epoch").asInt(), m.path("step").asLong(), m.path("seconds").asDouble(),
                    m.path("loss").asDouble(), number(m.path("trainAccuracy")), number(m.path("validationAccuracy")),
                    number(m.path("testAccuracy")), number(m.path("validationLoss")), number(m.path("testLoss"))));
        }
        int bestEpoch = json.has("best_epoch") ? (int) count(json, "best_epoch", jsonFile) : 0;
        if ((bestEpoch == 0) != (best == null) || bestEpoch > metrics.size()) {
            throw new ScratchnetException(jsonFile + ": best_epoch " + bestEpoch + " does not fit the state file and the "
                    + metrics.size() + " epochs recorded");
        }
        double epochWeight = json.has("epoch_weight") ? json.path("epoch_weight").asDouble()
                : count(json, "epoch_examples", jsonFile);
        return new TrainingState(params.data(), optimizer, (int) count(json, "epoch", jsonFile),
                (int) count(json, "step_in_epoch", jsonFile), count(json, "global_step", jsonFile),
                json.path("seconds").asDouble(), json.path("epoch_loss_sum").asDouble(), epochWeight, metrics,
                bestEpoch, best == null ? null : best.data());
    }

    /** Whether {@code value} is the default of the setting with full key {@code key}. */
    private static boolean isDefault(Configuration config, String key, String value) {
        var setting = config.byKey(key);
        return setting != null && setting.defaultText().equals(value);
    }

    /** A field that must be an integer in [0, 2^31). */
    private static long count(JsonNode json, String field, Path file) {
        JsonNode n = json.path(field);
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 0) {
            throw new ScratchnetException(file + ": " + field + " must be an integer ≥ 0, not " + n);
        }
        return n.asLong();
    }

    private static double number(JsonNode n) {
        return n.isNumber() ? n.asDouble() : Double.NaN;
    }

}
