package dev.scratchnet.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.data.ImageSet;
import dev.scratchnet.run.ModelFile;
import dev.scratchnet.testing.Exports;
import dev.scratchnet.testing.OnnxRuntime;
import dev.scratchnet.testing.SparkTestContext;
import dev.scratchnet.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The estimators' models as ONNX ({@code exportOnnx}, and {@code model.onnx} from {@code exportNpz} and from
 * {@code write().save}): onnxruntime on
 * the raw features gives what {@code transform} gives, the model's {@code dataScale} and a regression's label
 * standardization inside the graph. Also: {@code transform} scales the features by {@code dataScale} as the training
 * did (it once used them unscaled).
 */
class OnnxExportTest {
    @Test
    void classifierAndRegressorExportWhatTransformPredicts(@TempDir Path tmp) throws Exception {
        try (JavaSparkContext sc = SparkTestContext.start()) {
            SparkSession spark = SparkTestContext.session(sc);
            var data = TestData.subset(2000, 500);
            Dataset<Row> train = spark.read().parquet(Exports.parquet(spark, data.train(), tmp.resolve("train")).toString());
            Dataset<Row> test = spark.read().parquet(Exports.parquet(spark, data.test(), tmp.resolve("test")).toString());
            ScratchnetClassificationModel model = new ScratchnetClassifier().setHidden(32).setBatchSize(200)
                    .setMaxIter(2).setStepSize(0.005).setDataScale(1 / 255.0).setPartitions(2).fit(train);
            Path onnx = tmp.resolve("classifier.onnx");
            model.exportOnnx(onnx.toString());
            model.exportNpz(tmp.resolve("npz").toString());
            assertTrue(Files.exists(tmp.resolve("npz").resolve(ModelFile.ONNX)), "exportNpz writes model.onnx too");

            List<Row> rows = model.transform(test).select("features", "probability", "label").collectAsList();
            ImageSet images = data.test();
            int n = rows.size();
            float[] raw = new float[n * 784];
            double[][] probability = new double[n][];
            int right = 0;
            for (int r = 0; r < n; r++) {
                double[] f = ((Vector) rows.get(r).get(0)).toArray();
                for (int i = 0; i < 784; i++) {
                    raw[r * 784 + i] = (float) f[i];
                }
                probability[r] = ((Vector) rows.get(r).get(1)).toArray();
                right += OnnxRuntime.argmax(probability[r]) == rows.get(r).getDouble(2) ? 1 : 0;
            }
            assertEquals(500, images.size());
            assertTrue(right > 400, "transform scales the features as the training did: " + right + " / " + n);
            OnnxRuntime.assertSameClassifications(probability, OnnxRuntime.run(onnx, raw, n, new long[] {784}));
            OnnxRuntime.assertSameClassifications(probability,
                    OnnxRuntime.run(tmp.resolve("npz").resolve(ModelFile.ONNX), raw, n, new long[] {784}));
            model.write().overwrite().save(tmp.resolve("saved").toString());
            OnnxRuntime.assertSameClassifications(probability,
                    OnnxRuntime.run(tmp.resolve("saved").resolve(ModelFile.ONNX), raw, n, new long[] {784}));
            ScratchnetClassificationModel.load(tmp.resolve("saved").toString());

            // A regression on targets in the hundreds (all far from 0, where a relative difference means something),
            // from float features in the hundreds scaled by 0.01.
            Random random = new Random(4);
            List<Row> table = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                double[] x = new double[5];
                double y = 600;
                for (int j = 0; j < 5; j++) {
                    x[j] = (float) (100 * random.nextGaussian());
                    y += (j + 1) * 0.2 * x[j];
                }
                table.add(RowFactory.create(Vectors.dense(x), y));
            }
            Dataset<Row> frame = spark.createDataFrame(table, new StructType().add("features", SQLDataTypes.VectorType())
                    .add("label", DataTypes.DoubleType));
            ScratchnetRegressionModel regressor = new ScratchnetRegressor().setHidden(8).setMaxIter(5).setBatchSize(50)
                    .setStepSize(0.01).setDataScale(0.01).setPartitions(2).fit(frame);
            Path regression = tmp.resolve("regressor.onnx");
            regressor.exportOnnx(regression.toString());
            List<Row> predicted = regressor.transform(frame).select("features", "prediction").collectAsList();
            float[] xs = new float[predicted.size() * 5];
            for (int r = 0; r < predicted.size(); r++) {
                double[] f = ((Vector) predicted.get(r).get(0)).toArray();
                for (int j = 0; j < 5; j++) {
                    xs[r * 5 + j] = (float) f[j];
                }
            }
            double[][] got = OnnxRuntime.run(regression, xs, predicted.size(), new long[] {5});
            double max = 0;
            for (int r = 0; r < predicted.size(); r++) {
                double want = predicted.get(r).getDouble(1);
                max = Math.max(max, Math.abs(got[r][0] - want) / Math.abs(want));
            }
            assertTrue(max <= 1e-5, "largest relative difference " + max);
        }
    }
}
