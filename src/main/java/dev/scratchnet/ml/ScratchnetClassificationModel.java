package dev.scratchnet.ml;

import dev.scratchnet.layers.SoftmaxWithLoss;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.report.EpochMetrics;
import dev.scratchnet.run.RunSummary;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseMatrix;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A network trained by {@link ScratchnetClassifier}, with MLlib's model API: {@code transform} adds MLlib's
 * {@code rawPrediction} (the class scores before softmax), {@code probability} (their softmax) and
 * {@code prediction} columns and changes no row; {@link #weights()} is every parameter in MLlib's layout;
 * {@code getLayers()} ({@code [inputs, hidden…, classes]}), {@link #numFeatures()}, {@link #numClasses()}; {@link #summary()} after a fit and
 * {@link #evaluate} on any data, with MLlib's metrics. Also the per-layer matrices, the per-epoch history,
 * persistence in Spark's layout ({@code metadata/} JSON with the Params, {@code data/} Parquet with the network, and
 * {@code model.onnx} beside them for an ONNX runtime), an export of {@code model.npz} for numpy and of the ONNX model
 * alone ({@link #exportOnnx}).
 */
public final class ScratchnetClassificationModel
        extends ProbabilisticClassificationModel<Vector, ScratchnetClassificationModel>
        implements ScratchnetParams<ScratchnetClassificationModel>, MLWritable {
    private static final long serialVersionUID = 2L;
    private String uid;
    private final SettingParams settings;
    private final TrainedNetwork network;
    private transient ClassificationTrainingSummary summary;

    /** A model of {@code spec} with the flat parameters {@code params} (taken over) and its training history. */
    public ScratchnetClassificationModel(String uid, NetworkSpec spec, double[] params, List<EpochMetrics> history) {
        this(PendingUid.park(uid), new TrainedNetwork(spec, params, history));
    }

    private ScratchnetClassificationModel(PendingUid token, TrainedNetwork network) {
        super();
        uid = PendingUid.take();
        settings = new SettingParams(this);
        this.network = network;
        if (network != null) {
            setLayers(network.spec().layerSizes());
        }
    }

    /**
     * An empty model, for Spark Connect: its registry of models ({@code META-INF/services/
     * org.apache.spark.ml.Transformer}) is a {@code ServiceLoader}, which needs a public no-arg constructor, as Spark's
     * own models have. It holds no network; fit or load a model to use one.
     */
    public ScratchnetClassificationModel() {
        this(PendingUid.park(Identifiable$.MODULE$.randomUID("scratchnet")), null);
    }

    private TrainedNetwork trained() {
        if (network == null) {
            throw new IllegalStateException("this " + getClass().getSimpleName() + " holds no network (made by "
                    + "the no-argument constructor, for Spark Connect's registry): fit or load a model");
        }
        return network;
    }

    @Override
    public String uid() {
        return uid != null ? uid : PendingUid.parked();
    }

    @Override
    public SettingParams settingParams() {
        return settings;
    }

    /** The network: its input shape, layers and task. */
    public NetworkSpec spec() {
        return trained().spec();
    }

    /** Every parameter in MLlib's layout: {@code W1, b1, W2, b2, …} flattened ({@code W} is {@code in × out} row-major). */
    public Vector weights() {
        return new DenseVector(trained().params().clone());
    }

    /** {@code Wl} ({@code l} = 1 … layers − 1) as an {@code in × out} matrix (a copy). */
    public DenseMatrix weights(int l) {
        return trained().weight(l);
    }

    /** {@code bl} as a vector (a copy). */
    public DenseVector biases(int l) {
        return trained().bias(l);
    }

    /** Per epoch of training: loss, and accuracies and losses on the sets evaluated (NaN where not evaluated). */
    public List<EpochMetrics> history() {
        return trained().history();
    }

    @Override
    public int numClasses() {
        return trained().spec().classes();
    }

    @Override
    public int numFeatures() {
        return trained().spec().inputSize();
    }

    /** The class scores before softmax: the book's {@code predict(x)} for one example. */
    @Override
    public Vector predictRaw(Vector features) {
        return new DenseVector(trained().predict(features, getDataScale()));
    }

    /** Softmax, in place; a {@code DenseVector} (what {@link #predictRaw} returns). */
    @Override
    public Vector raw2probabilityInPlace(Vector rawPrediction) {
        SoftmaxWithLoss.softmaxInPlace(((DenseVector) rawPrediction).values());
        return rawPrediction;
    }

    /** Whether this model has the summary of the fit that made it (a loaded model has none, as in MLlib). */
    public boolean hasSummary() {
        return summary != null;
    }

    /** The fit's summary: the training history and MLlib's metrics on the training data. */
    public ClassificationTrainingSummary summary() {
        if (summary == null) {
            throw new NoSuchElementException("no training summary available for this " + getClass().getSimpleName()
                    + " (a loaded model has none)");
        }
        return summary;
    }

    /** MLlib's metrics of this model on {@code dataset} (its label column and, when set, weight column). */
    public ClassificationSummary evaluate(Dataset<?> dataset) {
        return new ClassificationSummary(transform(dataset), getPredictionCol(), getLabelCol(), weightColOrEmpty());
    }

    private String weightColOrEmpty() {
        String w = Fit.weightColumn(this);
        return w == null ? "" : w;
    }

    ScratchnetClassificationModel withSummary(Dataset<?> training, RunSummary run) {
        summary = new ClassificationTrainingSummary(transform(training), getPredictionCol(), getLabelCol(),
                weightColOrEmpty(), trained().history(), run);
        return this;
    }

    @Override
    public ScratchnetClassificationModel copy(ParamMap extra) {
        ScratchnetClassificationModel copied = new ScratchnetClassificationModel(uid(), trained().spec(),
                trained().params().clone(), trained().history());
        return copyValues(copied, extra).setParent(parent());
    }

    /**
     * Writes {@code model.npz} (for numpy: {@code W1, b1, …}), {@code model.onnx} and {@code model.json} into the
     * folder {@code dir}.
     */
    public void exportNpz(String dir) {
        trained().exportNpz(dir, getDataScale());
    }

    /**
     * Writes the network as the ONNX model {@code file} (opset 17): input {@code features}, the raw feature vector
     * as the training data held it ({@code [N, C, H, W]} for a network with convolution or pooling, else
     * {@code [N, D]}), float32, multiplied by {@code dataScale} inside the graph; output {@code probability}
     * {@code [N, K]}.
     */
    public void exportOnnx(String file) {
        trained().exportOnnx(file, getDataScale());
    }

    @Override
    public MLWriter write() {
        return new ModelPersistence.Writer(this, trained());
    }

    /** Spark's reader for this class, found by {@code PipelineModel.load} through reflection. */
    public static MLReader<ScratchnetClassificationModel> read() {
        return new ModelPersistence.Reader<>(ScratchnetClassificationModel.class,
                (uid, n) -> new ScratchnetClassificationModel(uid, n.spec(), n.params(), n.history()));
    }

    public static ScratchnetClassificationModel load(String path) {
        return read().load(path);
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
}
