package dev.scratchnet.ml;

import dev.scratchnet.config.Configuration;
import dev.scratchnet.config.Setting;
import dev.scratchnet.math.NativeBlas;
import dev.scratchnet.network.NetworkSettings;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.spark.CachedBlocks;
import dev.scratchnet.spark.DataSettings;
import dev.scratchnet.spark.EngineSettings;
import dev.scratchnet.spark.FrameSource;
import dev.scratchnet.spark.SparkEngine;
import dev.scratchnet.training.EngineFacts;
import dev.scratchnet.training.ExampleBlock;
import dev.scratchnet.training.OutputSettings;
import dev.scratchnet.training.RunOutputs;
import dev.scratchnet.training.RunSummary;
import dev.scratchnet.training.TrainingRun;
import dev.scratchnet.training.TrainingSettings;
import dev.scratchnet.training.TrainingState;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;

/**
 * The networks of <i>Deep Learning from Scratch</i> as a Spark ML classifier, a drop-in for MLlib's
 * {@code MultilayerPerceptronClassifier}: {@code featuresCol} (a dense or sparse {@code ml.linalg.Vector}) and
 * {@code labelCol} (class indices 0 … K−1 as doubles), the input size and K taken from the data; ReLU or sigmoid
 * hidden layers; synchronous minibatch SGD, Momentum, AdaGrad or Adam; an optional validation split that stops
 * training at a target accuracy; checkpoints. {@code fit} reads the data on the executors into cached blocks and
 * runs the command line's {@link TrainingRun}, so a fit equals the same run from {@code ./submit.sh}.
 *
 * <p>Its Params are the settings of the command line ({@code spark.scratchnet.<name>}), derived from their one
 * declaration: same names, docs, defaults and validation. Works in a {@code Pipeline}, under
 * {@code CrossValidator}, and saves with {@code write().save(path)}.
 */
public final class ScratchnetClassifier
        extends ProbabilisticClassifier<Vector, ScratchnetClassifier, ScratchnetClassificationModel>
        implements DefaultParamsWritable {
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
        uid();
        PendingUid.clear();
        settings = new SettingParams(this);
        settings.setDefaults(this);
    }

    @Override
    public String uid() {
        if (uid == null) {
            uid = PendingUid.parked();
        }
        return uid;
    }

    /** MLlib's Params (features, label, prediction columns, …) and one per scratchnet setting. */
    @Override
    public Param<?>[] params() {
        Map<String, Param<?>> all = new LinkedHashMap<>();
        for (Param<?> p : super.params()) {
            all.put(p.name(), p);
        }
        if (settings != null) {
            for (Param<?> p : settings.all()) {
                all.put(p.name(), p);
            }
        }
        return all.values().toArray(new Param<?>[0]);
    }

    /** The Param of a scratchnet setting, e.g. {@code param(TrainingSettings.LEARNING_RATE)}. */
    public Param<?> param(Setting<?> setting) {
        return settings.param(setting);
    }

    @SuppressWarnings("unchecked")
    private <P> P typed(Setting<?> setting) {
        return (P) settings.param(setting);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private ScratchnetClassifier setSetting(Setting<?> setting, Object paramValue) {
        set((Param) settings.param(setting), paramValue);
        return this;
    }

    // ---- typed accessors (for ParamGridBuilder) and setters, as MLlib's classifiers have them -------------

    public IntArrayParam hidden() {
        return typed(NetworkSettings.HIDDEN);
    }

    public ScratchnetClassifier setHidden(int... sizes) {
        return setSetting(NetworkSettings.HIDDEN, sizes);
    }

    public Param<String> activation() {
        return typed(NetworkSettings.ACTIVATION);
    }

    public ScratchnetClassifier setActivation(String value) {
        return setSetting(NetworkSettings.ACTIVATION, value);
    }

    public Param<String> weightInit() {
        return typed(NetworkSettings.WEIGHT_INIT);
    }

    public ScratchnetClassifier setWeightInit(String value) {
        return setSetting(NetworkSettings.WEIGHT_INIT, value);
    }

    public IntParam batchSize() {
        return typed(TrainingSettings.BATCH_SIZE);
    }

    public ScratchnetClassifier setBatchSize(int value) {
        return setSetting(TrainingSettings.BATCH_SIZE, value);
    }

    public Param<String> optimizer() {
        return typed(TrainingSettings.OPTIMIZER);
    }

    public ScratchnetClassifier setOptimizer(String value) {
        return setSetting(TrainingSettings.OPTIMIZER, value);
    }

    public DoubleParam learningRate() {
        return typed(TrainingSettings.LEARNING_RATE);
    }

    public ScratchnetClassifier setLearningRate(double value) {
        return setSetting(TrainingSettings.LEARNING_RATE, value);
    }

    public DoubleParam momentum() {
        return typed(TrainingSettings.MOMENTUM);
    }

    public ScratchnetClassifier setMomentum(double value) {
        return setSetting(TrainingSettings.MOMENTUM, value);
    }

    public IntParam epochs() {
        return typed(TrainingSettings.EPOCHS);
    }

    public ScratchnetClassifier setEpochs(int value) {
        return setSetting(TrainingSettings.EPOCHS, value);
    }

    public LongParam steps() {
        return typed(TrainingSettings.STEPS);
    }

    public ScratchnetClassifier setSteps(long value) {
        return setSetting(TrainingSettings.STEPS, value);
    }

    public LongParam seed() {
        return typed(TrainingSettings.SEED);
    }

    public ScratchnetClassifier setSeed(long value) {
        return setSetting(TrainingSettings.SEED, value);
    }

    public Param<String> precision() {
        return typed(TrainingSettings.PRECISION);
    }

    public ScratchnetClassifier setPrecision(String value) {
        return setSetting(TrainingSettings.PRECISION, value);
    }

    public DoubleParam validationFraction() {
        return typed(TrainingSettings.VALIDATION_FRACTION);
    }

    public ScratchnetClassifier setValidationFraction(double value) {
        return setSetting(TrainingSettings.VALIDATION_FRACTION, value);
    }

    public DoubleParam targetAccuracy() {
        return typed(TrainingSettings.TARGET_ACCURACY);
    }

    public ScratchnetClassifier setTargetAccuracy(double value) {
        return setSetting(TrainingSettings.TARGET_ACCURACY, value);
    }

    public BooleanParam evalTrain() {
        return typed(TrainingSettings.EVAL_TRAIN);
    }

    public ScratchnetClassifier setEvalTrain(boolean value) {
        return setSetting(TrainingSettings.EVAL_TRAIN, value);
    }

    public IntParam partitions() {
        return typed(EngineSettings.PARTITIONS);
    }

    /** Partitions of the cached training data; 0 ({@code auto}) keeps the input DataFrame's. */
    public ScratchnetClassifier setPartitions(int value) {
        return setSetting(EngineSettings.PARTITIONS, value);
    }

    public IntParam treeDepth() {
        return typed(EngineSettings.TREE_DEPTH);
    }

    public ScratchnetClassifier setTreeDepth(int value) {
        return setSetting(EngineSettings.TREE_DEPTH, value);
    }

    public BooleanParam nativeBlas() {
        return typed(EngineSettings.NATIVE_BLAS);
    }

    public ScratchnetClassifier setNativeBlas(boolean value) {
        return setSetting(EngineSettings.NATIVE_BLAS, value);
    }

    public DoubleParam dataScale() {
        return typed(DataSettings.SCALE);
    }

    /** Multiplies every feature value (e.g. 1/255 for pixels 0 … 255). */
    public ScratchnetClassifier setDataScale(double value) {
        return setSetting(DataSettings.SCALE, value);
    }

    public Param<String> checkpointDir() {
        return typed(OutputSettings.CHECKPOINT_DIR);
    }

    /** A local folder for checkpoints (each epoch, or every {@code checkpointEvery} steps); empty: none. */
    public ScratchnetClassifier setCheckpointDir(String value) {
        return setSetting(OutputSettings.CHECKPOINT_DIR, value);
    }

    public LongParam checkpointEvery() {
        return typed(OutputSettings.CHECKPOINT_EVERY);
    }

    public ScratchnetClassifier setCheckpointEvery(long value) {
        return setSetting(OutputSettings.CHECKPOINT_EVERY, value);
    }

    public BooleanParam resume() {
        return typed(OutputSettings.RESUME);
    }

    /** Continue from the checkpoint in {@code checkpointDir} (made by a fit with the same settings). */
    public ScratchnetClassifier setResume(boolean value) {
        return setSetting(OutputSettings.RESUME, value);
    }

    /** The settings these Params describe, validated (what {@code fit} runs with). */
    public Configuration configuration() {
        return settings.configuration(this);
    }

    @Override
    public ScratchnetClassificationModel train(Dataset<?> dataset) {
        try {
            return fitOn(dataset);
        } catch (Throwable e) { // SparkException too: checked in Java, thrown undeclared by Scala
            throw ApiErrors.translate(e);
        }
    }

    private ScratchnetClassificationModel fitOn(Dataset<?> dataset) {
        Configuration config = configuration();
        NativeBlas.install(config.get(EngineSettings.NATIVE_BLAS));
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
        String labelCol = getLabelCol();
        int declaredClasses = declaredClasses(dataset, labelCol);
        long t0 = System.nanoTime();
        CachedBlocks blocks = FrameSource.cache(dataset.toDF(), getFeaturesCol(), labelCol, config.get(DataSettings.SCALE),
                config.get(EngineSettings.PARTITIONS), "scratchnet-fit-" + uid());
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        NetworkSpec spec;
        try {
            spec = NetworkSettings.spec(config, blocks.features(), Math.max(declaredClasses, blocks.maxLabel() + 1));
        } catch (Throwable e) {
            blocks.close();
            throw e;
        }
        String dir = config.get(OutputSettings.CHECKPOINT_DIR);
        RunOutputs outputs = RunOutputs.checkpointsOnly(dir.isEmpty() ? null : Path.of(dir), config, spec);
        try (PrintStream log = new LogStream(ScratchnetClassifier.class);
             SparkEngine engine = new SparkEngine(sc, spec, blocks, null, config, ExampleBlock::gradientSum)) {
            TrainingRun run = new TrainingRun(config, spec, outputs, log);
            TrainingState state = run.startingState(engine);
            RunSummary summary = run.run(engine, state, new EngineFacts(engine.describe(), sc.master(), sc.version(),
                    engine.partitions(), engine.cachedBytes(), null, loadSeconds));
            return new ScratchnetClassificationModel(uid(), spec, state.params(), summary.metrics());
        }
    }

    /** K as the label column's metadata declares it (e.g. after StringIndexer), or 0. */
    private static int declaredClasses(Dataset<?> dataset, String labelCol) {
        Attribute a = Attribute.fromStructField(dataset.schema().apply(labelCol));
        if (a instanceof NominalAttribute n && n.getNumValues().isDefined()) {
            return (Integer) n.getNumValues().get();
        }
        return 0;
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
