package dev.scratchnet.training;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scratchnet.ScratchnetException;
import dev.scratchnet.config.Choice;
import dev.scratchnet.network.Activation;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.report.Json;
import dev.scratchnet.report.NdArray;
import dev.scratchnet.report.Npz;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained model on disk: {@code model.npz} (the weights as {@code W1, b1, W2, b2, …}, float64, loadable by
 * {@code numpy.load}) and {@code model.json} (the network description). Plain numbers and JSON: no Java
 * deserialization of files a user hands us. Both are written atomically, the weights first, so a
 * half-written model never replaces a good one.
 */
public final class ModelFile {
    public static final String FORMAT = "scratchnet-model";
    public static final String WEIGHTS = "model.npz";
    public static final String DESCRIPTION = "model.json";

    private ModelFile() {}

    /** A loaded model. */
    public record Model(NetworkSpec spec, double[] params) {}

    /** Writes {@code model.npz} and {@code model.json} into {@code dir}. */
    public static void save(Path dir, NetworkSpec spec, double[] params) {
        Npz.write(dir.resolve(WEIGHTS), toArrays(spec, params));
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("format", FORMAT);
        description.put("version", 1);
        description.put("input_size", spec.inputSize());
        description.put("hidden", spec.hidden());
        description.put("activation", spec.activation().id());
        description.put("classes", spec.classes());
        description.put("parameters", spec.parameterCount());
        description.put("weights", WEIGHTS);
        Json.write(dir.resolve(DESCRIPTION), description);
    }

    /** The parameters as named arrays: {@code W1} is {@code in × out}, {@code b1} a vector, …. */
    public static LinkedHashMap<String, NdArray> toArrays(NetworkSpec spec, double[] params) {
        LinkedHashMap<String, NdArray> arrays = new LinkedHashMap<>();
        for (NetworkSpec.ParameterBlock block : spec.parameterBlocks()) {
            double[] values = new double[block.size()];
            System.arraycopy(params, block.offset(), values, 0, values.length);
            arrays.put(block.name(), block.isBias() ? NdArray.vector(values)
                    : NdArray.matrix(block.rows(), block.cols(), values));
        }
        return arrays;
    }

    /** Flattens named arrays back into {@code spec}'s layout, checking names and shapes; {@code file} for errors. */
    public static double[] fromArrays(NetworkSpec spec, Map<String, NdArray> arrays, Path file) {
        double[] params = new double[spec.parameterCount()];
        for (NetworkSpec.ParameterBlock block : spec.parameterBlocks()) {
            NdArray a = arrays.get(block.name());
            if (a == null) {
                throw new ScratchnetException(file + ": no array " + block.name() + " (expected " + names(spec) + ")");
            }
            int[] expected = block.isBias() ? new int[] {block.cols()} : new int[] {block.rows(), block.cols()};
            if (!java.util.Arrays.equals(a.shape(), expected)) {
                throw new ScratchnetException(file + ": " + block.name() + " has shape "
                        + java.util.Arrays.toString(a.shape()) + ", expected " + java.util.Arrays.toString(expected));
            }
            System.arraycopy(a.data(), 0, params, block.offset(), block.size());
        }
        return params;
    }

    /**
     * Loads a model from {@code path}: a folder holding {@code model.json} and {@code model.npz}, or either
     * file. Every problem is one line naming the file.
     */
    public static Model load(Path path) {
        Path dir = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        Path json = dir.resolve(DESCRIPTION);
        Path npz = dir.resolve(WEIGHTS);
        if (!Files.exists(path)) {
            throw new ScratchnetException("model " + path + " does not exist");
        }
        if (!Files.isRegularFile(json)) {
            throw new ScratchnetException("model " + path + ": no " + DESCRIPTION + " in " + dir);
        }
        NetworkSpec spec = readSpec(Json.readTree(json), json);
        if (!Files.isRegularFile(npz)) {
            throw new ScratchnetException("model " + path + ": no " + WEIGHTS + " in " + dir);
        }
        return new Model(spec, fromArrays(spec, Npz.read(npz), npz));
    }

    /** Reads a network description written by {@link #save}; {@code file} for errors. */
    public static NetworkSpec readSpec(JsonNode node, Path file) {
        if (!node.isObject() || !FORMAT.equals(node.path("format").asText())) {
            throw new ScratchnetException(file + " is not a scratchnet model description (no \"format\": \"" + FORMAT + "\")");
        }
        try {
            List<Integer> hidden = new ArrayList<>();
            for (JsonNode h : node.path("hidden")) {
                if (!h.canConvertToInt()) {
                    throw new IllegalArgumentException("hidden sizes must be integers");
                }
                hidden.add(h.asInt());
            }
            Activation activation = Choice.parse(Activation.class, node.path("activation").asText(""));
            return new NetworkSpec(node.path("input_size").asInt(0), hidden, activation, node.path("classes").asInt(0));
        } catch (IllegalArgumentException e) {
            throw new ScratchnetException(file + ": bad network description: " + e.getMessage());
        }
    }

    private static String names(NetworkSpec spec) {
        return String.join(", ", spec.parameterBlocks().stream().map(NetworkSpec.ParameterBlock::name).toList());
    }
}
