package dev.scratchnet.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scratchnet.ScratchnetException;
import dev.scratchnet.config.Choice;
import dev.scratchnet.layers.LayerSpec;
import dev.scratchnet.layers.Shape;
import dev.scratchnet.layers.Standardization;
import dev.scratchnet.network.Activation;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.network.ParameterBlock;
import dev.scratchnet.network.Task;
import dev.scratchnet.onnx.OnnxModel;
import dev.scratchnet.report.AtomicFiles;
import dev.scratchnet.report.Json;
import dev.scratchnet.report.NdArray;
import dev.scratchnet.report.Npz;
import dev.scratchnet.report.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A trained model on disk: one file, {@code model.npz}, holding the weights as {@code W1, b1, W2, b2, …} in their
 * layers' shapes (float64, loadable by {@code numpy.load}) and the network description (input shape, layer list,
 * task) as the extra member {@code network.json} (numpy returns it as bytes). One file written by one atomic rename, so a reader
 * sees the old model or the new one, never weights of one with the description of the other.
 *
 * <p>{@code model.onnx} beside it is the same network for an ONNX runtime ({@link OnnxModel}): float32 weights, the
 * data's scale and the label standardization inside the graph, and the description of {@code network.json} with the
 * SHA-256 of the {@code model.npz} it was exported from in its metadata. Like {@code model.json}, it is deleted
 * before the model is replaced and written after, so when it is there it is the model beside it.
 *
 * <p>{@code model.json} is a human-readable copy of the description plus the SHA-256 of the
 * {@code model.npz} it describes. It is deleted before the model is replaced and written after, so when
 * it is there it describes the model beside it; nothing reads it back. Plain numbers and JSON: no Java
 * deserialization of files a user hands us.
 */
public final class ModelFile {
    public static final String FORMAT = "scratchnet-model";
    public static final String WEIGHTS = "model.npz";
    public static final String DESCRIPTION = "model.json";
    public static final String ONNX = "model.onnx";
    /** The metadata keys of {@code model.onnx}: the network description, and the npz it was exported from. */
    public static final String ONNX_DESCRIPTION = "scratchnet.network";
    public static final String ONNX_NPZ_SHA256 = "scratchnet.model_npz_sha256";
    /** The member of {@code model.npz} that holds the network description. */
    public static final String EMBEDDED_DESCRIPTION = "network.json";

    private ModelFile() {}

    /** A loaded model. */
    public record Model(NetworkSpec spec, double[] params) {}

    /** {@link #save(Path, NetworkSpec, double[], double)} of a network that takes its features as they are (scale 1). */
    public static String save(Path dir, NetworkSpec spec, double[] params) {
        return save(dir, spec, params, 1);
    }

    /**
     * Replaces the model in {@code dir}: {@code model.npz} (weights and description) in one atomic write, then the
     * same network as {@code model.onnx} and the readable copy {@code model.json}.
     *
     * @param inputScale what the data's raw feature values were multiplied by in training (MNIST: 1/255), which
     *     {@code model.onnx} applies to its input
     * @return the SHA-256 of the {@code model.npz} written, which identifies this model
     */
    public static String save(Path dir, NetworkSpec spec, double[] params, double inputScale) {
        Map<String, Object> description = description(spec);
        Path json = dir.resolve(DESCRIPTION);
        Path onnx = dir.resolve(ONNX);
        try {
            Files.deleteIfExists(json);
            Files.deleteIfExists(onnx);
        } catch (IOException e) {
            throw new ScratchnetException("cannot replace the model in " + dir + ": " + AtomicFiles.oneLine(e), e);
        }
        Path npz = dir.resolve(WEIGHTS);
        Npz.write(npz, toArrays(spec, params), Map.of(EMBEDDED_DESCRIPTION, Json.bytes(description)));
        String sha256 = Sha256.of(npz);
        OnnxModel.write(onnx, spec, params, inputScale, Map.of(ONNX_DESCRIPTION,
                new String(Json.bytes(description), java.nio.charset.StandardCharsets.UTF_8), ONNX_NPZ_SHA256, sha256));
        Map<String, Object> copy = new LinkedHashMap<>(description);
        copy.put("weights", WEIGHTS);
        copy.put("weights_sha256", sha256);
        copy.put("onnx", ONNX);
        Json.write(json, copy);
        return sha256;
    }

    /** The description of {@code spec} as {@code network.json} holds it (format version 2). */
    public static Map<String, Object> description(NetworkSpec spec) {
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("format", FORMAT);
        description.put("version", 2);
        description.put("task", spec.task().id());
        description.put("input_shape", spec.input().toString());
        description.put("layers", spec.layerList());
        description.put("outputs", spec.outputs());
        if (spec.task() == Task.REGRESSION) {
            description.put("target_center", spec.target().center());
            description.put("target_scale", spec.target().scale());
        }
        description.put("parameters", spec.parameterCount());
        description.put("network", spec.describe());
        return description;
    }

    /** The parameters as named arrays in their blocks' shapes: {@code W1} is {@code in × out}, {@code b1} a vector, …. */
    public static LinkedHashMap<String, NdArray> toArrays(NetworkSpec spec, double[] params) {
        LinkedHashMap<String, NdArray> arrays = new LinkedHashMap<>();
        for (ParameterBlock block : spec.parameterBlocks()) {
            double[] values = new double[block.size()];
            System.arraycopy(params, block.offset(), values, 0, values.length);
            arrays.put(block.name(), new NdArray(block.shape(), values));
        }
        return arrays;
    }

    /** Flattens named arrays back into {@code spec}'s layout, checking names and shapes; {@code file} for errors. */
    public static double[] fromArrays(NetworkSpec spec, Map<String, NdArray> arrays, Path file) {
        double[] params = new double[spec.parameterCount()];
        for (ParameterBlock block : spec.parameterBlocks()) {
            NdArray a = arrays.get(block.name());
            if (a == null) {
                throw new ScratchnetException(file + ": no array " + block.name() + " (expected " + names(spec) + ")");
            }
            if (!java.util.Arrays.equals(a.shape(), block.shape())) {
                throw new ScratchnetException(file + ": " + block.name() + " has shape "
                        + java.util.Arrays.toString(a.shape()) + ", expected " + java.util.Arrays.toString(block.shape()));
            }
            System.arraycopy(a.data(), 0, params, block.offset(), block.size());
        }
        return params;
    }

    /**
     * Loads a model from {@code path}: a folder (its {@code model.npz}), its {@code model.json} (the
     * {@code model.npz} beside it), any model {@code .npz} file, or a {@code model.onnx} scratchnet wrote (its
     * float32 weights). Only that one file is read. Every problem, weights that are NaN or infinite included, is one
     * line naming the file.
     */
    public static Model load(Path path) {
        if (!AtomicFiles.exists(path)) {
            throw new ScratchnetException("model " + path + " does not exist");
        }
        if (!Files.isDirectory(path) && path.getFileName().toString().endsWith(".onnx")) {
            return loadOnnx(path);
        }
        Path npz = Files.isDirectory(path) ? path.resolve(WEIGHTS)
                : path.getFileName().toString().endsWith(".json") ? path.toAbsolutePath().resolveSibling(WEIGHTS)
                : path;
        if (!AtomicFiles.exists(npz)) {
            throw new ScratchnetException("model " + path + ": no " + WEIGHTS + " in "
                    + npz.toAbsolutePath().getParent());
        }
        Npz.Archive archive = Npz.read(npz, Set.of(EMBEDDED_DESCRIPTION));
        byte[] description = archive.members().get(EMBEDDED_DESCRIPTION);
        if (description == null) {
            throw new ScratchnetException(npz + " has no network description (no member " + EMBEDDED_DESCRIPTION
                    + "): not a scratchnet model, or one saved before models were one file; retrain it");
        }
        String source = npz + " member " + EMBEDDED_DESCRIPTION;
        NetworkSpec spec = readSpec(Json.readTree(description, source), source);
        double[] params = fromArrays(spec, archive.arrays(), npz);
        Npz.requireFinite(npz, archive.arrays());
        return new Model(spec, params);
    }

    /**
     * A {@code model.onnx} written by {@link #save}: the description from its metadata, the weights from its
     * initializers (float32, so within float rounding of the {@code model.npz} it came from).
     */
    private static Model loadOnnx(Path onnx) {
        OnnxModel.Contents contents = OnnxModel.read(onnx);
        String description = contents.metadata().get(ONNX_DESCRIPTION);
        if (description == null) {
            throw new ScratchnetException(onnx + " is an ONNX model but not one scratchnet wrote (no metadata "
                    + ONNX_DESCRIPTION + "); evaluate reads scratchnet's own models");
        }
        String source = onnx + " metadata " + ONNX_DESCRIPTION;
        NetworkSpec spec = readSpec(Json.readTree(description.getBytes(java.nio.charset.StandardCharsets.UTF_8), source),
                source);
        double[] params = fromArrays(spec, contents.initializers(), onnx);
        Npz.requireFinite(onnx, contents.initializers());
        return new Model(spec, params);
    }

    /** Reads a network description written by {@link #save} (version 2) or by earlier versions (1); {@code file} for errors. */
    static NetworkSpec readSpec(JsonNode node, String file) {
        if (!node.isObject() || !FORMAT.equals(node.path("format").asText())) {
            throw new ScratchnetException(file + " is not a scratchnet model description (no \"format\": \"" + FORMAT + "\")");
        }
        try {
            int version = node.path("version").asInt(1);
            if (version == 1) {
                List<Integer> hidden = new ArrayList<>();
                for (JsonNode h : node.path("hidden")) {
                    if (!h.canConvertToInt()) {
                        throw new IllegalArgumentException("hidden sizes must be integers");
                    }
                    hidden.add(h.asInt());
                }
                Activation activation = Choice.parse(Activation.class, node.path("activation").asText(""));
                return NetworkSpec.mlp(node.path("input_size").asInt(0), hidden, activation, node.path("classes").asInt(0));
            }
            if (version != 2) {
                throw new IllegalArgumentException("format version " + version + "; this scratchnet reads versions 1 and 2");
            }
            Task task = Choice.parse(Task.class, node.path("task").asText(""));
            Standardization target = task == Task.REGRESSION
                    ? new Standardization(node.path("target_center").asDouble(0), node.path("target_scale").asDouble(1))
                    : Standardization.NONE;
            return new NetworkSpec(Shape.parse(node.path("input_shape").asText("")),
                    LayerSpec.parseList(node.path("layers").asText("")), task, node.path("outputs").asInt(0), target);
        } catch (IllegalArgumentException e) {
            throw new ScratchnetException(file + ": bad network description: " + e.getMessage());
        }
    }

    private static String names(NetworkSpec spec) {
        return String.join(", ", spec.parameterBlocks().stream().map(ParameterBlock::name).toList());
    }
}
