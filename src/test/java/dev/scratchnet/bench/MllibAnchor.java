package dev.scratchnet.bench;

import dev.scratchnet.data.Dataset;
import dev.scratchnet.data.Mnist;
import dev.scratchnet.training.ExampleBlock;
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
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The anchor from Spark itself: MLlib's {@code MultilayerPerceptronClassifier} [784, 100, 10] (sigmoid hidden
 * layer, softmax output), L-BFGS, block size 128, a fixed iteration count, on the same MNIST arrays and the
 * same SparkContext. The data frames are built and cached before the clock starts; the clock covers
 * {@code fit} only, as MLlib reports no per-iteration accuracy.
 */
final class MllibAnchor {
    private MllibAnchor() {}

    static Map<String, Object> run(JavaSparkContext sc, Mnist.Split data, int maxIter) {
        SparkSession spark = SparkSession.builder().config(sc.getConf()).getOrCreate();
        org.apache.spark.sql.Dataset<Row> train = frame(sc, spark, data.train()).cache();
        org.apache.spark.sql.Dataset<Row> test = frame(sc, spark, data.test()).cache();
        train.count();
        test.count();
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
        return m;
    }

    /** label (double) and features (dense vector in [0, 1]), built on the executors from one broadcast. */
    private static org.apache.spark.sql.Dataset<Row> frame(JavaSparkContext sc, SparkSession spark, Dataset data) {
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
