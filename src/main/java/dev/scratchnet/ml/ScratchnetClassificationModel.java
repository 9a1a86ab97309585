package dev.scratchnet.ml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.scratchnet.math.Matrix;
import dev.scratchnet.math.Precision;
import dev.scratchnet.network.Activation;
import dev.scratchnet.network.Network;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.report.EpochMetrics;
import dev.scratchnet.report.Json;
import dev.scratchnet.training.ModelFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseMatrix;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;

/**
 * A network trained by {@link ScratchnetClassifier}: {@code transform} adds MLlib's {@code rawPrediction} (the
 * class scores before softmax), {@code probability} (their softmax) and {@code prediction} columns and changes no
 * row. Also the layer sizes, the weights as {@code ml.linalg} matrices, the per-epoch history, persistence in
 * Spark's layout ({@code metadata/} JSON with the Params, {@code data/} Parquet with the network) and an export
 * of {@code model.npz} for numpy.
 */
public final class ScratchnetClassificationModel
        extends ProbabilisticClassificationModel<Vector, ScratchnetClassificationModel> implements MLWritable {
    private static final long serialVersionUID = 1L;
    private String uid;
    private final NetworkSpec spec;
    private final double[] params;
    private final List<EpochMetrics> history;

    /** A model of {@code spec} with the flat parameters {@code params} (taken over) and its training history. */
    public ScratchnetClassificationModel(String uid, NetworkSpec spec, double[] params, List<EpochMetrics> history) {
        this(PendingUid.park(uid), spec, params, history);
    }

    private ScratchnetClassificationModel(PendingUid token, NetworkSpec spec, double[] params, List<EpochMetrics> history) {
        super();
        uid();
        PendingUid.clear();
        if (params.length != spec.parameterCount()) {
            throw new IllegalArgumentException(spec.describe() + " has " + spec.parameterCount() + " parameters, got "
                    + params.length);
        }
        this.spec = spec;
        this.params = params;
        this.history = List.copyOf(history);
    }

    @Override
    public String uid() {
        if (uid == null) {
            uid = PendingUid.parked();
        }
        return uid;
    }

    /** The network: layer sizes and activation. */
    public NetworkSpec spec() {
        return spec;
    }

    /** {@code [inputs, hidden..., classes]}, as MLlib's {@code layers}. */
    public int[] layers() {
        return spec.layerSizes().stream().mapToInt(Integer::intValue).toArray();
    }

    /** {@code Wl} ({@code l} = 1 … layers − 1) as an {@code in × out} matrix (a copy). */
    public DenseMatrix weights(int l) {
        return network().weight(l);
    }

    /** {@code bl} as a vector (a copy). */
    public DenseVector biases(int l) {
        return network().bias(l);
    }

    /** Every parameter, {@code W1, b1, W2, b2, …} flattened ({@code W} row-major), as MLlib's {@code weights}. */
    public Vector allWeights() {
        return Vectors.dense(params.clone());
    }

    /** Per epoch of training: loss, and train / validation accuracy (NaN where not evaluated). */
    public List<EpochMetrics> history() {
        return history;
    }

    @Override
    public int numClasses() {
        return spec.classes();
    }

    @Override
    public int numFeatures() {
        return spec.inputSize();
    }

    /** The class scores before softmax: the book's {@code predict(x)} for one example. */
    @Override
    public Vector predictRaw(Vector features) {
        if (features.size() != spec.inputSize()) {
            throw new IllegalArgumentException("features has " + features.size() + " values, the model takes "
                    + spec.inputSize());
        }
        Matrix x = Matrix.of(1, spec.inputSize(), features.toArray());
        return Vectors.dense(network().predict(x).data());
    }

    /** Softmax, in place; a {@code DenseVector} (what {@link #predictRaw} returns). */
    @Override
    public Vector raw2probabilityInPlace(Vector rawPrediction) {
        double[] s = ((DenseVector) rawPrediction).values();
        double max = Double.NEGATIVE_INFINITY;
        for (double v : s) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.exp(s[i] - max);
            sum += s[i];
        }
        for (int i = 0; i < s.length; i++) {
            s[i] /= sum;
        }
        return rawPrediction;
    }

    @Override
    public ScratchnetClassificationModel copy(ParamMap extra) {
        ScratchnetClassificationModel copied = new ScratchnetClassificationModel(uid(), spec, params.clone(), history);
        return copyValues(copied, extra).setParent(parent());
    }

    /** Writes {@code model.npz} (for numpy: {@code W1, b1, …}) and {@code model.json} into the folder {@code dir}. */
    public void exportNpz(String dir) {
        Path folder = Path.of(dir);
        dev.scratchnet.report.AtomicFiles.ensureWritableDir(folder, "model folder");
        ModelFile.save(folder, spec, params);
    }

    private Network network() {
        return new Network(spec, params, Precision.DOUBLE);
    }

    @Override
    public MLWriter write() {
        return new ModelPersistence.Writer(this);
    }

    /** Spark's reader for this class, found by {@code PipelineModel.load} through reflection. */
    public static MLReader<ScratchnetClassificationModel> read() {
        return new ModelPersistence.Reader();
    }

    public static ScratchnetClassificationModel load(String path) {
        return read().load(path);
    }

    double[] flatParams() {
        return params;
    }

    /**
     * Both of Spark's base classes declare this with return types Java cannot reconcile (generics are invariant);
     * the probabilistic one's answer is the right one.
     */
    @Override
    @SuppressWarnings("rawtypes")
    public scala.Tuple3 findSummaryModel() {
        return super.findSummaryModel();
    }

    static String historyJson(List<EpochMetrics> history) {
        try {
            return Json.mapper().writeValueAsString(history);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<EpochMetrics> historyFromJson(String json) throws JsonProcessingException {
        return new ArrayList<>(Json.mapper().readValue(json, new TypeReference<List<EpochMetrics>>() {}));
    }

    static Activation activation(String id) {
        return dev.scratchnet.config.Choice.parse(Activation.class, id);
    }
}
