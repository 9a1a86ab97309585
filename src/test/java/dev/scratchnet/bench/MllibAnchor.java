package dev.scratchnet.bench;

import dev.scratchnet.config.Configuration;
import dev.scratchnet.config.Setting;
import dev.scratchnet.data.ImageSet;
import dev.scratchnet.data.Mnist;
import dev.scratchnet.ml.ScratchnetClassificationModel;
import dev.scratchnet.ml.ScratchnetClassifier;
import dev.scratchnet.partition.ExampleBlock;
import dev.scratchnet.registry.DataSettings;
import dev.scratchnet.report.EpochMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamPair;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The anchor from Spark itself: MLlib's {@code MultilayerPerceptronClassifier} [784, 100, 10] (sigmoid hidden
 * layer, softmax output), L-BFGS, block size 128, a fixed iteration count, on the same MNIST arrays and the
 * same SparkContext; and {@link ScratchnetClassifier} fitted on the very same cached DataFrame (pixels as
 * doubles in [0, 1]) with the benchmark's settings, stopping where its Params say (a validation split and a
 * target on it: an estimator sees no test set). The data frames are built and cached before the clocks start;
 * each clock covers {@code fit} only (for scratchnet that includes turning the DataFrame into cached blocks);
 * test accuracy is measured afterwards on the cached test frame.
 */
final class MllibAnchor {
    private MllibAnchor() {}

    /**
     * MLlib's fit and {@code classifierRepeats} fits of {@link ScratchnetClassifier} with the settings
     * {@code config} holds (0: none), alternating, on the same frames.
     */
    static Map<String, Object> run(JavaSparkContext sc, Mnist.Split data, int maxIter, Configuration config,
                                   int classifierRepeats) {
        // MLlib on the bundled OpenBLAS, one thread, whatever libblas.so.3 the machine has (a no-op when the benchmark
        // installed it first, as it does); checked after the fit.
        String blas = MllibBlas.install();
        SparkSession spark = SparkSession.builder().config(sc.getConf()).getOrCreate();
        org.apache.spark.sql.Dataset<Row> train = frame(sc, spark, data.train()).cache();
        org.apache.spark.sql.Dataset<Row> test = frame(sc, spark, data.test()).cache();
        train.count();
        test.count();
        List<Map<String, Object>> fits = new ArrayList<>();
        for (int i = 0; i < classifierRepeats; i++) {
            fits.add(fitClassifier(config, train, test));
        }
        MultilayerPerceptronClassifier mlp = new MultilayerPerceptronClassifier()
                .setLayers(new int[] {data.train().features(), 100, data.train().classes()})
                .setBlockSize(128)
                .setSolver("l-bfgs")
                .setMaxIter(maxIter)
                .setSeed(1234L);
        long t = System.nanoTime();
        MultilayerPerceptronClassificationModel model = mlp.fit(train);
        double fitSeconds = (System.nanoTime() - t) / 1e9;
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy")
                .evaluate(model.transform(test));
        train.unpersist();
        test.unpersist();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("layers", "784,100,10");
        m.put("solver", "l-bfgs");
        m.put("block_size", 128);
        m.put("max_iter", maxIter);
        m.put("fit_seconds", fitSeconds);
        m.put("test_accuracy", accuracy);
        m.put("partitions", train.rdd().getNumPartitions());
        m.put("blas", blas);
        m.put("blas_check", MllibBlas.check());
        if (!fits.isEmpty()) {
            Map<String, Object> scratchnet = new LinkedHashMap<>();
            List<Double> seconds = fits.stream().map(f -> (Double) f.get("fit_seconds")).toList();
            scratchnet.put("fit_seconds", Benchmark.median(seconds));
            scratchnet.put("fit_seconds_runs", seconds);
            scratchnet.put("fits", fits);
            scratchnet.put("test_accuracy", fits.get(fits.size() - 1).get("test_accuracy"));
            m.put("scratchnet_classifier", scratchnet);
        }
        return m;
    }

    /** One {@code fit} of {@link ScratchnetClassifier} with every Param taken from {@code config}; timed, then tested. */
    private static Map<String, Object> fitClassifier(Configuration config, org.apache.spark.sql.Dataset<Row> train,
                                                     org.apache.spark.sql.Dataset<Row> test) {
        ScratchnetClassifier classifier = new ScratchnetClassifier().setDataScale(1.0);
        for (Setting<?> s : config.settings()) {
            if (s.isParam() && s != DataSettings.SCALE) {
                classifier.set(paramValue(classifier, s, config));
            }
        }
        long t = System.nanoTime();
        ScratchnetClassificationModel model = classifier.fit(train);
        double fitSeconds = (System.nanoTime() - t) / 1e9;
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(model.transform(test));
        EpochMetrics last = model.history().get(model.history().size() - 1);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fit_seconds", fitSeconds);
        m.put("test_accuracy", accuracy);
        m.put("epochs", last.epoch());
        m.put("steps", last.step());
        m.put("validation_accuracy", last.validationAccuracy());
        return m;
    }

    /** The Param of {@code s} with {@code config}'s value, in the Param's own type. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ParamPair<?> paramValue(ScratchnetClassifier c, Setting<?> s, Configuration config) {
        Object v = config.get(s);
        Object value = switch (s.kind()) {
            case INT, LONG, DOUBLE, BOOLEAN -> v;
            case INT_LIST -> ((List<Integer>) v).stream().mapToInt(Integer::intValue).toArray();
            case TEXT -> config.text(s);
        };
        return new ParamPair((Param) c.settingParams().param(s), value);
    }

    /** label (double) and features (dense vector in [0, 1]), built on the executors from one broadcast. */
    private static org.apache.spark.sql.Dataset<Row> frame(JavaSparkContext sc, SparkSession spark, ImageSet data) {
        Broadcast<byte[][]> bytes = sc.broadcast(new byte[][] {data.pixels(), data.labels()});
        int features = data.features();
        JavaRDD<Row> rows = sc.parallelize(ExampleBlock.ranges(data.size(), sc.defaultParallelism()),
                sc.defaultParallelism()).flatMap(range -> {
                    byte[] pixels = bytes.value()[0];
                    byte[] labels = bytes.value()[1];
                    List<Row> out = new ArrayList<>(range[1] - range[0]);
                    for (int i = range[0]; i < range[1]; i++) {
                        double[] v = new double[features];
                        for (int f = 0; f < features; f++) {
                            v[f] = (pixels[i * features + f] & 0xFF) / 255.0;
                        }
                        out.add(RowFactory.create((double) (labels[i] & 0xFF), Vectors.dense(v)));
                    }
                    return out.iterator();
                });
        StructType schema = new StructType().add("label", DataTypes.DoubleType).add("features", SQLDataTypes.VectorType());
        return spark.createDataFrame(rows, schema);
    }
}
