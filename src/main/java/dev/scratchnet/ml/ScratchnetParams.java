package dev.scratchnet.ml;

import dev.scratchnet.config.Configuration;
import dev.scratchnet.config.Setting;
import dev.scratchnet.network.NetworkSettings;
import dev.scratchnet.registry.DataSettings;
import dev.scratchnet.registry.EngineSettings;
import dev.scratchnet.training.OutputSettings;
import dev.scratchnet.training.TrainingSettings;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The Params of scratchnet's estimators and models, one per setting declared {@link Setting#param()} (same name,
 * doc, default and validation; MLlib's name where MLlib has the same thing: {@code maxIter}, {@code stepSize},
 * {@code solver}, {@code tol}, {@code regParam}, {@code blockSize}, {@code seed}), plus MLlib's {@code layers},
 * {@code initialWeights} and {@code weightCol}. Each has its accessor, {@code getX} and {@code setX}, written once
 * here for the classifier, the regressor and their models; each is one line over its setting.
 *
 * @param <S> the implementing class, which the setters return
 */
public interface ScratchnetParams<S extends ScratchnetParams<S>> extends Params {

    /** The Params derived from the settings, owned by this instance. */
    SettingParams settingParams();

    /** The settings these Params describe, validated (what {@code fit} runs with, before it looks at the data). */
    default Configuration configuration() {
        return settingParams().configuration(this);
    }

    @SuppressWarnings("unchecked")
    private S self() {
        return (S) this;
    }

    @SuppressWarnings("unchecked")
    private <P> P param(Setting<?> setting) {
        return (P) settingParams().param(setting);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private S setParam(Param<?> param, Object value) {
        set((Param) param, value);
        return self();
    }

    // ---- MLlib's own: layers, initialWeights, weightCol ---------------------------------------------------

    /**
     * MLlib's {@code layers}: {@code [inputs, hidden…, outputs]}. When set, its ends must match the data (checked at
     * fit) and its middle is the hidden layers; unset, {@code hidden} and the data decide.
     */
    default IntArrayParam layers() {
        return settingParams().layers();
    }

    default int[] getLayers() {
        return getOrDefault(layers());
    }

    default S setLayers(int... value) {
        return setParam(layers(), value);
    }

    /** MLlib's {@code initialWeights}: the starting parameters in MLlib's layout ({@code W1, b1, W2, b2, …}). */
    default Param<Vector> initialWeights() {
        return settingParams().initialWeights();
    }

    default Vector getInitialWeights() {
        return getOrDefault(initialWeights());
    }

    default S setInitialWeights(Vector value) {
        return setParam(initialWeights(), value);
    }

    /** The column of sample weights (empty: every example weighs 1), in the loss, the gradient and the metrics. */
    default Param<String> weightCol() {
        return settingParams().weightCol();
    }

    default String getWeightCol() {
        return getOrDefault(weightCol());
    }

    default S setWeightCol(String value) {
        return setParam(weightCol(), value);
    }

    // ---- the network ------------------------------------------------------------------------------------

    default IntArrayParam hidden() {
        return param(NetworkSettings.HIDDEN);
    }

    default int[] getHidden() {
        return getOrDefault(hidden());
    }

    default S setHidden(int... sizes) {
        return setParam(hidden(), sizes);
    }

    default Param<String> activation() {
        return param(NetworkSettings.ACTIVATION);
    }

    default String getActivation() {
        return getOrDefault(activation());
    }

    default S setActivation(String value) {
        return setParam(activation(), value);
    }

    default DoubleParam dropout() {
        return param(NetworkSettings.DROPOUT);
    }

    default double getDropout() {
        return (Double) getOrDefault(dropout());
    }

    default S setDropout(double value) {
        return setParam(dropout(), value);
    }

    default Param<String> network() {
        return param(NetworkSettings.LAYERS);
    }

    default String getNetwork() {
        return getOrDefault(network());
    }

    /** The network as a layer list, e.g. {@code affine:100,relu,dropout:0.5,affine}. */
    default S setNetwork(String value) {
        return setParam(network(), value);
    }

    default Param<String> inputShape() {
        return param(NetworkSettings.INPUT_SHAPE);
    }

    default String getInputShape() {
        return getOrDefault(inputShape());
    }

    default S setInputShape(String value) {
        return setParam(inputShape(), value);
    }

    default Param<String> weightInit() {
        return param(NetworkSettings.WEIGHT_INIT);
    }

    default String getWeightInit() {
        return getOrDefault(weightInit());
    }

    default S setWeightInit(String value) {
        return setParam(weightInit(), value);
    }

    // ---- training ---------------------------------------------------------------------------------------

    default IntParam batchSize() {
        return param(TrainingSettings.BATCH_SIZE);
    }

    default int getBatchSize() {
        return (Integer) getOrDefault(batchSize());
    }

    /** The global minibatch; 0 is {@code auto}. */
    default S setBatchSize(int value) {
        return setParam(batchSize(), value);
    }

    default Param<String> solver() {
        return param(TrainingSettings.OPTIMIZER);
    }

    default String getSolver() {
        return getOrDefault(solver());
    }

    /** {@code adam}, {@code sgd}, {@code gd}, {@code momentum}, {@code adagrad} or {@code l-bfgs}. */
    default S setSolver(String value) {
        return setParam(solver(), value);
    }

    default DoubleParam stepSize() {
        return param(TrainingSettings.LEARNING_RATE);
    }

    default double getStepSize() {
        return (Double) getOrDefault(stepSize());
    }

    default S setStepSize(double value) {
        return setParam(stepSize(), value);
    }

    default DoubleParam momentum() {
        return param(TrainingSettings.MOMENTUM);
    }

    default double getMomentum() {
        return (Double) getOrDefault(momentum());
    }

    default S setMomentum(double value) {
        return setParam(momentum(), value);
    }

    default DoubleParam regParam() {
        return param(TrainingSettings.REG_PARAM);
    }

    default double getRegParam() {
        return (Double) getOrDefault(regParam());
    }

    default S setRegParam(double value) {
        return setParam(regParam(), value);
    }

    default Param<String> lrSchedule() {
        return param(TrainingSettings.LR_SCHEDULE);
    }

    default String getLrSchedule() {
        return getOrDefault(lrSchedule());
    }

    default S setLrSchedule(String value) {
        return setParam(lrSchedule(), value);
    }

    default LongParam warmupSteps() {
        return param(TrainingSettings.WARMUP_STEPS);
    }

    default long getWarmupSteps() {
        return (Long) getOrDefault(warmupSteps());
    }

    default S setWarmupSteps(long value) {
        return setParam(warmupSteps(), value);
    }

    default IntParam maxIter() {
        return param(TrainingSettings.EPOCHS);
    }

    default int getMaxIter() {
        return (Integer) getOrDefault(maxIter());
    }

    /** At most this many epochs (for {@code l-bfgs}: iterations). */
    default S setMaxIter(int value) {
        return setParam(maxIter(), value);
    }

    default LongParam steps() {
        return param(TrainingSettings.STEPS);
    }

    default long getSteps() {
        return (Long) getOrDefault(steps());
    }

    default S setSteps(long value) {
        return setParam(steps(), value);
    }

    default LongParam seed() {
        return param(TrainingSettings.SEED);
    }

    default long getSeed() {
        return (Long) getOrDefault(seed());
    }

    default S setSeed(long value) {
        return setParam(seed(), value);
    }

    default Param<String> precision() {
        return param(TrainingSettings.PRECISION);
    }

    default String getPrecision() {
        return getOrDefault(precision());
    }

    default S setPrecision(String value) {
        return setParam(precision(), value);
    }

    default DoubleParam validationFraction() {
        return param(TrainingSettings.VALIDATION_FRACTION);
    }

    default double getValidationFraction() {
        return (Double) getOrDefault(validationFraction());
    }

    default S setValidationFraction(double value) {
        return setParam(validationFraction(), value);
    }

    default IntParam patience() {
        return param(TrainingSettings.PATIENCE);
    }

    default int getPatience() {
        return (Integer) getOrDefault(patience());
    }

    default S setPatience(int value) {
        return setParam(patience(), value);
    }

    default DoubleParam tol() {
        return param(TrainingSettings.TOL);
    }

    default double getTol() {
        return (Double) getOrDefault(tol());
    }

    default S setTol(double value) {
        return setParam(tol(), value);
    }

    default Param<String> monitor() {
        return param(TrainingSettings.MONITOR);
    }

    default String getMonitor() {
        return getOrDefault(monitor());
    }

    default S setMonitor(String value) {
        return setParam(monitor(), value);
    }

    default DoubleParam targetAccuracy() {
        return param(TrainingSettings.TARGET_ACCURACY);
    }

    default double getTargetAccuracy() {
        return (Double) getOrDefault(targetAccuracy());
    }

    default S setTargetAccuracy(double value) {
        return setParam(targetAccuracy(), value);
    }

    default BooleanParam evalTrain() {
        return param(TrainingSettings.EVAL_TRAIN);
    }

    default boolean getEvalTrain() {
        return (Boolean) getOrDefault(evalTrain());
    }

    default S setEvalTrain(boolean value) {
        return setParam(evalTrain(), value);
    }

    default IntParam blockSize() {
        return param(TrainingSettings.BLOCK_SIZE);
    }

    default int getBlockSize() {
        return (Integer) getOrDefault(blockSize());
    }

    default S setBlockSize(int value) {
        return setParam(blockSize(), value);
    }

    // ---- data and engine --------------------------------------------------------------------------------

    default DoubleParam dataScale() {
        return param(DataSettings.SCALE);
    }

    default double getDataScale() {
        return (Double) getOrDefault(dataScale());
    }

    /** Multiplies every feature value (e.g. 1/255 for pixels 0 … 255). */
    default S setDataScale(double value) {
        return setParam(dataScale(), value);
    }

    default IntParam partitions() {
        return param(EngineSettings.PARTITIONS);
    }

    default int getPartitions() {
        return (Integer) getOrDefault(partitions());
    }

    /** Partitions of the cached training data; 0 ({@code auto}) keeps the input DataFrame's. */
    default S setPartitions(int value) {
        return setParam(partitions(), value);
    }

    default IntParam treeDepth() {
        return param(EngineSettings.TREE_DEPTH);
    }

    default int getTreeDepth() {
        return (Integer) getOrDefault(treeDepth());
    }

    default S setTreeDepth(int value) {
        return setParam(treeDepth(), value);
    }

    default BooleanParam nativeBlas() {
        return param(EngineSettings.NATIVE_BLAS);
    }

    default boolean getNativeBlas() {
        return (Boolean) getOrDefault(nativeBlas());
    }

    default S setNativeBlas(boolean value) {
        return setParam(nativeBlas(), value);
    }

    default BooleanParam c2ArithmeticOnly() {
        return param(EngineSettings.C2_FOR_ARITHMETIC_ONLY);
    }

    default boolean getC2ArithmeticOnly() {
        return (Boolean) getOrDefault(c2ArithmeticOnly());
    }

    default S setC2ArithmeticOnly(boolean value) {
        return setParam(c2ArithmeticOnly(), value);
    }

    // ---- checkpoints ------------------------------------------------------------------------------------

    default Param<String> checkpointDir() {
        return param(OutputSettings.CHECKPOINT_DIR);
    }

    default String getCheckpointDir() {
        return getOrDefault(checkpointDir());
    }

    /** A local folder for checkpoints (each epoch, or every {@code checkpointEvery} steps); empty: none. */
    default S setCheckpointDir(String value) {
        return setParam(checkpointDir(), value);
    }

    default LongParam checkpointEvery() {
        return param(OutputSettings.CHECKPOINT_EVERY);
    }

    default long getCheckpointEvery() {
        return (Long) getOrDefault(checkpointEvery());
    }

    default S setCheckpointEvery(long value) {
        return setParam(checkpointEvery(), value);
    }

    default BooleanParam resume() {
        return param(OutputSettings.RESUME);
    }

    default boolean getResume() {
        return (Boolean) getOrDefault(resume());
    }

    /** Continue from the checkpoint in {@code checkpointDir} (made by a fit with the same settings). */
    default S setResume(boolean value) {
        return setParam(resume(), value);
    }
}
