package dev.scratchnet.ml;

import dev.scratchnet.math.Matrix;
import dev.scratchnet.network.Network;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.network.Task;
import dev.scratchnet.report.AtomicFiles;
import dev.scratchnet.report.EpochMetrics;
import dev.scratchnet.training.ModelFile;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
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

    /** The network's outputs for one example: class scores (before softmax), or the regression's value. */
    double[] predict(Vector features) {
        if (features.size() != spec.inputSize()) {
            throw new IllegalArgumentException("features has " + features.size() + " values, the model takes "
                    + spec.inputSize());
        }
        Matrix x = Matrix.of(1, spec.inputSize(), features.toArray());
        Matrix scores = new Network(spec, params).predict(x);
        return (spec.task() == Task.REGRESSION ? spec.newLossLayer().output(scores) : scores).toDoubles();
    }

    /** {@code Wl} as an {@code in × out} matrix (a copy). */
    DenseMatrix weight(int l) {
        NetworkSpec.ParameterBlock b = spec.block("W" + l);
        double[] values = new double[b.size()];
        System.arraycopy(params, b.offset(), values, 0, values.length);
        return new DenseMatrix(b.rows(), b.cols(), values, true);
    }

    /** {@code bl} as a vector (a copy). */
    DenseVector bias(int l) {
        NetworkSpec.ParameterBlock b = spec.block("b" + l);
        double[] values = new double[b.size()];
        System.arraycopy(params, b.offset(), values, 0, values.length);
        return new DenseVector(values);
    }

    /** {@code model.npz} and {@code model.json} into the folder {@code dir}. */
    void exportNpz(String dir) {
        Path folder = Path.of(dir);
        AtomicFiles.ensureWritableDir(folder, "model folder");
        ModelFile.save(folder, spec, params);
    }
}
