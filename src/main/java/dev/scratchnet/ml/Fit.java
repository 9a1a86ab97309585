package dev.scratchnet.ml;

import dev.scratchnet.Resources;
import dev.scratchnet.ScratchnetException;
import dev.scratchnet.config.Configuration;
import dev.scratchnet.data.Labels;
import dev.scratchnet.layers.Shape;
import dev.scratchnet.math.NativeBlas;
import dev.scratchnet.network.NetworkSettings;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.network.Task;
import dev.scratchnet.partition.PartitionStep;
import dev.scratchnet.registry.DataSettings;
import dev.scratchnet.registry.EngineSettings;
import dev.scratchnet.report.EpochMetrics;
import dev.scratchnet.run.EngineFacts;
import dev.scratchnet.run.RunOutputs;
import dev.scratchnet.run.RunSummary;
import dev.scratchnet.run.TrainingRun;
import dev.scratchnet.spark.CachedBlocks;
import dev.scratchnet.spark.FrameSource;
import dev.scratchnet.spark.SparkEngine;
import dev.scratchnet.training.OutputSettings;
import dev.scratchnet.training.TrainingState;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;

/**
 * What {@code fit} does for the classifier and the regressor alike: reads the Params into settings, the DataFrame
 * into blocks cached on the executors (as the command line reads Parquet), resolves the network against the data
 * and MLlib's {@code layers}, and runs the command line's {@link TrainingRun} on the same engine.
 */
final class Fit {
    private Fit() {}

    /** A trained network: its description, the model's parameters, the per-epoch history and the run's summary. */
    record Trained(NetworkSpec spec, double[] params, List<EpochMetrics> history, RunSummary summary) {}

    static Trained run(ScratchnetParams<?> estimator, Dataset<?> dataset, Task task, String featuresCol, String labelCol) {
        try {
            return fit(estimator, dataset, task, featuresCol, labelCol);
        } catch (Throwable e) { // SparkException too: checked in Java, thrown undeclared by Scala
            throw ApiErrors.translate(e);
        }
    }

    /** The weight column, or null when it is unset or empty (MLlib's convention). */
    static String weightColumn(ScratchnetParams<?> p) {
        return p.isDefined(p.weightCol()) && !p.getWeightCol().isEmpty() ? p.getWeightCol() : null;
    }

    private static Trained fit(ScratchnetParams<?> estimator, Dataset<?> dataset, Task task, String featuresCol,
                               String labelCol) {
        Configuration given = estimator.settingParams().configuration(estimator)
                .withDefault(NetworkSettings.TASK, task);
        NativeBlas.install(given.get(EngineSettings.NATIVE_BLAS));
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
        int declaredClasses = task == Task.CLASSIFICATION ? declaredClasses(dataset, labelCol) : 0;
        long t0 = System.nanoTime();
        CachedBlocks blocks = FrameSource.cache(dataset.toDF(), featuresCol, labelCol, weightColumn(estimator),
                task == Task.CLASSIFICATION, given.get(DataSettings.SCALE), given.get(EngineSettings.PARTITIONS),
                "scratchnet-fit-" + estimator.uid());
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        Resolved network = Resources.closeOnFailure(blocks::close,
                () -> network(estimator, given, blocks, task, declaredClasses));
        Configuration config = network.config();
        NetworkSpec spec = network.spec();
        double[] initial = network.initial();
        String dir = config.get(OutputSettings.CHECKPOINT_DIR);
        RunOutputs outputs = RunOutputs.checkpointsOnly(dir.isEmpty() ? null : Path.of(dir), config, spec);
        try (PrintStream log = new LogStream(estimator.getClass());
             SparkEngine engine = new SparkEngine(sc, spec, blocks, null, config, PartitionStep::gradientSum)) {
            TrainingRun run = new TrainingRun(config, spec, outputs, log);
            TrainingState state = run.startingState(engine, initial);
            TrainingRun.Finished done = run.run(engine, state, new EngineFacts(engine.describe(), sc.master(),
                    sc.version(), engine.partitions(), engine.cachedBytes(), null, loadSeconds));
            return new Trained(spec, done.model(), done.summary().metrics(), done.summary());
        }
    }

    /** The network a fit trains: the settings with MLlib's {@code layers} applied, its spec, MLlib's initial weights. */
    private record Resolved(Configuration config, NetworkSpec spec, double[] initial) {}

    private static Resolved network(ScratchnetParams<?> estimator, Configuration settings, CachedBlocks blocks, Task task,
                                   int declaredClasses) {
        int outputs = task == Task.CLASSIFICATION ? Math.max(declaredClasses, blocks.maxLabel() + 1) : 1;
        if (task == Task.CLASSIFICATION) {
            LogStream.logger(estimator.getClass()).info(Labels.describe(outputs, blocks.classCounts()));
            String empty = Labels.emptyClassesWarning(outputs, blocks.classCounts());
            if (empty != null) {
                LogStream.logger(estimator.getClass()).warn(empty);
            }
        }
        Configuration config = withLayers(estimator, settings, blocks.features(), outputs);
        NetworkSpec spec = NetworkSettings.spec(config, Shape.flat(blocks.features()), outputs,
                blocks.labelStandardization());
        return new Resolved(config, spec, initialWeights(estimator, spec));
    }

    /**
     * The settings with MLlib's {@code layers} applied: its ends must be the data's inputs and outputs, its middle
     * becomes the hidden layers (and may not be given twice).
     */
    private static Configuration withLayers(ScratchnetParams<?> p, Configuration config, int inputs, int outputs) {
        if (!p.isSet(p.layers())) {
            return config;
        }
        int[] layers = p.getLayers();
        if (layers[0] != inputs || layers[layers.length - 1] != outputs) {
            throw new ScratchnetException("layers: " + Arrays.toString(layers) + " must start with the " + inputs
                    + " inputs and end with the " + outputs + " outputs of the data"
                    + (outputs > 1 ? " (its classes)" : ""));
        }
        if (config.isSet(NetworkSettings.HIDDEN) || config.isSet(NetworkSettings.LAYERS)) {
            throw new ScratchnetException("layers and " + (config.isSet(NetworkSettings.HIDDEN) ? "hidden" : "network")
                    + " are both set: set one");
        }
        if (layers.length == 2) {
            throw new ScratchnetException("layers: " + Arrays.toString(layers) + " has no hidden layer");
        }
        List<Integer> hidden = Arrays.stream(layers, 1, layers.length - 1).boxed().toList();
        return config.with(NetworkSettings.HIDDEN, hidden);
    }

    /** MLlib's {@code initialWeights} when set (their count must be the network's), else null. */
    private static double[] initialWeights(ScratchnetParams<?> p, NetworkSpec spec) {
        if (!p.isSet(p.initialWeights())) {
            return null;
        }
        Vector w = p.getInitialWeights();
        if (w.size() != spec.parameterCount()) {
            throw new ScratchnetException("initialWeights: " + w.size() + " values, the network " + spec.describe()
                    + " has " + spec.parameterCount() + " parameters");
        }
        double[] values = w.toArray().clone();
        for (double v : values) {
            if (!Double.isFinite(v)) {
                throw new ScratchnetException("initialWeights: holds a non-finite value (" + v + ")");
            }
        }
        return values;
    }

    /** K as the label column's metadata declares it (e.g. after StringIndexer), or 0. */
    private static int declaredClasses(Dataset<?> dataset, String labelCol) {
        if (!Arrays.asList(dataset.schema().fieldNames()).contains(labelCol)) {
            return 0; // the data source reports the missing column, naming it
        }
        Attribute a = Attribute.fromStructField(dataset.schema().apply(labelCol));
        if (a instanceof NominalAttribute n && n.getNumValues().isDefined()) {
            return (Integer) n.getNumValues().get();
        }
        return 0;
    }
}
