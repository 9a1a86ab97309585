package dev.scratchnet.ml;

import dev.scratchnet.math.Matrix;
import dev.scratchnet.network.Network;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.network.ParameterBlock;
import dev.scratchnet.network.Task;
import dev.scratchnet.onnx.OnnxModel;
import dev.scratchnet.onnx.proto.OnnxMl;
import dev.scratchnet.report.AtomicFiles;
import dev.scratchnet.report.EpochMetrics;
import dev.scratchnet.report.Json;
import dev.scratchnet.run.ModelFile;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.DenseMatrix;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;

/**
 * What a fitted model holds, whatever its task: the network description, the flat parameters and the per-epoch
 * history; predictions in double precision, one example at a time, and the weights as {@code ml.linalg} types.
 */
record TrainedNetwork(NetworkSpec spec, double[] params, List<EpochMetrics> history) implements Serializable {
    TrainedNetwork {
        if (params.length != spec.parameterCount()) {
            throw new IllegalArgumentException(spec.describe() + " has " + spec.parameterCount() + " parameters, got "
                    + params.length);
        }
        history = List.copyOf(history);
    }

    /**
     * The network's outputs for one example: class scores (before softmax), or the regression's value. The features
     * are multiplied by {@code dataScale} first, as the training data's were.
     */
    double[] predict(Vector features, double dataScale) {
        if (features.size() != spec.inputSize()) {
            throw new IllegalArgumentException("features has " + features.size() + " values, the model takes "
                    + spec.inputSize());
        }
        double[] values = features.toArray();
        if (dataScale != 1) {
            values = values.clone();
            for (int i = 0; i < values.length; i++) {
                values[i] *= dataScale;
            }
        }
        Matrix x = Matrix.of(1, spec.inputSize(), values);
        Matrix scores = new Network(spec, params).predict(x);
        return (spec.task() == Task.REGRESSION ? spec.newLossLayer().output(scores) : scores).toDoubles();
    }

    /** {@code Wl} as an {@code in × out} matrix (a copy). */
    DenseMatrix weight(int l) {
        ParameterBlock b = spec.block("W" + l);
        double[] values = new double[b.size()];
        System.arraycopy(params, b.offset(), values, 0, values.length);
        return new DenseMatrix(b.rows(), b.cols(), values, true);
    }

    /** {@code bl} as a vector (a copy). */
    DenseVector bias(int l) {
        ParameterBlock b = spec.block("b" + l);
        double[] values = new double[b.size()];
        System.arraycopy(params, b.offset(), values, 0, values.length);
        return new DenseVector(values);
    }

    /** {@code model.npz}, {@code model.onnx} and {@code model.json} into the folder {@code dir}. */
    void exportNpz(String dir, double dataScale) {
        Path folder = Path.of(dir);
        AtomicFiles.ensureWritableDir(folder, "model folder");
        ModelFile.save(folder, spec, params, dataScale);
    }

    /** The network as the ONNX model {@code file} (raw features in, {@code dataScale} applied inside). */
    void exportOnnx(String file, double dataScale) {
        Path path = Path.of(file).toAbsolutePath();
        AtomicFiles.ensureWritableDir(path.getParent(), "model folder");
        AtomicFiles.write(path, onnx(dataScale)::writeTo);
    }

    /** The network as an ONNX model whose input is the raw features, {@code dataScale} applied inside. */
    OnnxMl.ModelProto onnx(double dataScale) {
        return OnnxModel.build(spec, params, dataScale, Map.of(ModelFile.ONNX_DESCRIPTION,
                new String(Json.bytes(ModelFile.description(spec)), StandardCharsets.UTF_8)));
    }
}
