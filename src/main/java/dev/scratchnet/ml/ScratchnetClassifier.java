package dev.scratchnet.ml;

import dev.scratchnet.network.Task;
import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;

/**
 * The networks of <i>Deep Learning from Scratch</i> as a Spark ML classifier, a drop-in for MLlib's
 * {@code MultilayerPerceptronClassifier}: the same Params where MLlib has them ({@code layers}, {@code maxIter},
 * {@code stepSize}, {@code tol}, {@code seed}, {@code solver} with {@code l-bfgs} and {@code gd},
 * {@code blockSize}, {@code initialWeights}) and more: ReLU, Adam, minibatches, dropout, L2 weight decay, sample
 * weights ({@code weightCol}), a validation split with early stopping that keeps the best epoch's weights.
 * {@code featuresCol} is a dense or sparse {@code ml.linalg.Vector}, {@code labelCol} class indices 0 … K−1 as
 * doubles; the input size and K come from the data (or the label column's metadata, after {@code StringIndexer}).
 *
 * <p>Nothing set, it trains after scikit-learn's {@code MLPClassifier}: one hidden layer of 100 ReLU units, Adam
 * at 0.001, batches of at most 200 (ten steps an epoch for a small table), weight decay 1e-4, a tenth of a large
 * training set held out, stopping when the validation loss (a small table's training loss) has not improved for 20
 * epochs and keeping the best epoch's weights. {@code fit} reads the data on the executors into cached blocks and runs
 * the command line's training run, so a fit equals the same run from {@code ./submit.sh}. Works in a
 * {@code Pipeline}, under {@code CrossValidator}, and saves with {@code write().save(path)}.
 */
public final class ScratchnetClassifier
        extends ProbabilisticClassifier<Vector, ScratchnetClassifier, ScratchnetClassificationModel>
        implements ScratchnetParams<ScratchnetClassifier>, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    private String uid;
    private final SettingParams settings;

    public ScratchnetClassifier() {
        this(Identifiable$.MODULE$.randomUID("scratchnet"));
    }

    public ScratchnetClassifier(String uid) {
        this(PendingUid.park(uid));
    }

    private ScratchnetClassifier(PendingUid token) {
        super();
        uid = PendingUid.take();
        settings = new SettingParams(this);
    }

    @Override
    public String uid() {
        return uid != null ? uid : PendingUid.parked();
    }

    @Override
    public SettingParams settingParams() {
        return settings;
    }

    @Override
    public ScratchnetClassificationModel train(Dataset<?> dataset) {
        Fit.Trained t = Fit.run(this, dataset, Task.CLASSIFICATION, getFeaturesCol(), getLabelCol());
        ScratchnetClassificationModel model = new ScratchnetClassificationModel(uid(), t.spec(), t.params(), t.history());
        copyValues(model, ParamMap.empty());
        return model.withSummary(dataset, t.summary());
    }

    @Override
    public ScratchnetClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<ScratchnetClassifier> read() {
        return new DefaultParamsReader<>();
    }

    public static ScratchnetClassifier load(String path) {
        return read().load(path);
    }
}
