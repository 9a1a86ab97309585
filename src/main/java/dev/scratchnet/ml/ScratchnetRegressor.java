package dev.scratchnet.ml;

import dev.scratchnet.network.Task;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.Regressor;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;

/**
 * The same networks as {@link ScratchnetClassifier} for a numeric label: the output layer has one unit, the identity
 * as its output function and the squared error as its loss (MLlib has no neural-network regressor). Same Params,
 * same defaults, same engine; {@code transform} adds MLlib's {@code prediction} column.
 */
public final class ScratchnetRegressor extends Regressor<Vector, ScratchnetRegressor, ScratchnetRegressionModel>
        implements ScratchnetParams<ScratchnetRegressor>, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    private String uid;
    private final SettingParams settings;

    public ScratchnetRegressor() {
        this(Identifiable$.MODULE$.randomUID("scratchnetRegressor"));
    }

    public ScratchnetRegressor(String uid) {
        this(PendingUid.park(uid));
    }

    private ScratchnetRegressor(PendingUid token) {
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
    public ScratchnetRegressionModel train(Dataset<?> dataset) {
        Fit.Trained t = Fit.run(this, dataset, Task.REGRESSION, getFeaturesCol(), getLabelCol());
        ScratchnetRegressionModel model = new ScratchnetRegressionModel(uid(), t.spec(), t.params(), t.history());
        copyValues(model, ParamMap.empty());
        return model.withSummary(dataset, t.summary());
    }

    @Override
    public ScratchnetRegressor copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<ScratchnetRegressor> read() {
        return new DefaultParamsReader<>();
    }

    public static ScratchnetRegressor load(String path) {
        return read().load(path);
    }
}
