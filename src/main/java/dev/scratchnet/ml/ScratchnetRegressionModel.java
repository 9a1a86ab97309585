package dev.scratchnet.ml;

import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.report.EpochMetrics;
import dev.scratchnet.run.RunSummary;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.ml.linalg.DenseMatrix;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.RegressionModel;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;

/**
 * A network trained by {@link ScratchnetRegressor}: {@code transform} adds MLlib's {@code prediction} column (the
 * output unit's value); weights, history, summary, evaluation and persistence as the classifier's model has them.
 */
public final class ScratchnetRegressionModel extends RegressionModel<Vector, ScratchnetRegressionModel>
        implements ScratchnetParams<ScratchnetRegressionModel>, MLWritable {
    private static final long serialVersionUID = 1L;
    private String uid;
    private final SettingParams settings;
    private final TrainedNetwork network;
    private transient RegressionTrainingSummary summary;

    /** A model of {@code spec} with the flat parameters {@code params} (taken over) and its training history. */
    public ScratchnetRegressionModel(String uid, NetworkSpec spec, double[] params, List<EpochMetrics> history) {
        this(PendingUid.park(uid), new TrainedNetwork(spec, params, history));
    }

    private ScratchnetRegressionModel(PendingUid token, TrainedNetwork network) {
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
    public ScratchnetRegressionModel() {
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

    public NetworkSpec spec() {
        return trained().spec();
    }

    /** Every parameter in MLlib's layout: {@code W1, b1, W2, b2, …}. */
    public Vector weights() {
        return new DenseVector(trained().params().clone());
    }

    public DenseMatrix weights(int l) {
        return trained().weight(l);
    }

    public DenseVector biases(int l) {
        return trained().bias(l);
    }

    public List<EpochMetrics> history() {
        return trained().history();
    }

    @Override
    public int numFeatures() {
        return trained().spec().inputSize();
    }

    @Override
    public double predict(Vector features) {
        return trained().predict(features, getDataScale())[0];
    }

    public boolean hasSummary() {
        return summary != null;
    }

    public RegressionTrainingSummary summary() {
        if (summary == null) {
            throw new NoSuchElementException("no training summary available for this " + getClass().getSimpleName()
                    + " (a loaded model has none)");
        }
        return summary;
    }

    /** MLlib's regression metrics of this model on {@code dataset}. */
    public RegressionSummary evaluate(Dataset<?> dataset) {
        return new RegressionSummary(transform(dataset), getPredictionCol(), getLabelCol(), weightColOrEmpty());
    }

    private String weightColOrEmpty() {
        String w = Fit.weightColumn(this);
        return w == null ? "" : w;
    }

    ScratchnetRegressionModel withSummary(Dataset<?> training, RunSummary run) {
        summary = new RegressionTrainingSummary(transform(training), getPredictionCol(), getLabelCol(),
                weightColOrEmpty(), trained().history(), run);
        return this;
    }

    @Override
    public ScratchnetRegressionModel copy(ParamMap extra) {
        ScratchnetRegressionModel copied = new ScratchnetRegressionModel(uid(), trained().spec(),
                trained().params().clone(), trained().history());
        return copyValues(copied, extra).setParent(parent());
    }

    public void exportNpz(String dir) {
        trained().exportNpz(dir, getDataScale());
    }

    /**
     * Writes the network as the ONNX model {@code file} (opset 17): input {@code features}, the raw feature vector
     * as the training data held it ({@code [N, C, H, W]} for a network with convolution or pooling, else
     * {@code [N, D]}), float32, multiplied by {@code dataScale} inside the graph; output {@code prediction}
     * {@code [N, 1]}, in the label's units.
     */
    public void exportOnnx(String file) {
        trained().exportOnnx(file, getDataScale());
    }

    @Override
    public MLWriter write() {
        return new ModelPersistence.Writer(this, trained());
    }

    public static MLReader<ScratchnetRegressionModel> read() {
        return new ModelPersistence.Reader<>(ScratchnetRegressionModel.class,
                (uid, n) -> new ScratchnetRegressionModel(uid, n.spec(), n.params(), n.history()));
    }

    public static ScratchnetRegressionModel load(String path) {
        return read().load(path);
    }
}
