package dev.scratchnet.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.data.Mnist;
import dev.scratchnet.testing.Exports;
import dev.scratchnet.testing.SparkTestContext;
import dev.scratchnet.testing.TestData;
import java.nio.file.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The book's SimpleConvNet (with 8 filters, to stay fast) through the estimator on an image DataFrame: a vector
 * column of 784 pixels, the layer list and the input shape as Params; the model predicts, saves and loads.
 */
class ConvNetEstimatorTest {
    @TempDir
    static Path tmp;
    static JavaSparkContext sc;
    static org.apache.spark.sql.Dataset<Row> train;
    static org.apache.spark.sql.Dataset<Row> test;

    @BeforeAll
    static void start() {
        Mnist.Split data = TestData.subset(2000, 500);
        sc = SparkTestContext.start();
        SparkSession spark = SparkTestContext.session(sc);
        train = spark.read().parquet(Exports.parquet(spark, data.train(), tmp.resolve("train.parquet")).toString());
        test = spark.read().parquet(Exports.parquet(spark, data.test(), tmp.resolve("test.parquet")).toString());
    }

    @AfterAll
    static void stop() {
        sc.close();
    }

    private static ScratchnetClassifier convNet() {
        return new ScratchnetClassifier().setNetwork("conv:8:5x5,relu,pool:2x2,affine:32,relu,affine")
                .setInputShape("1x28x28").setDataScale(1 / 255.0).setBatchSize(100).setSolver("adam").setStepSize(0.003)
                .setMaxIter(2).setSeed(3).setPartitions(2).setValidationFraction(0).setPatience(0);
    }

    @Test
    void aConvNetFitsOnAVectorColumnOfPixelsAndReloads() throws Exception {
        ScratchnetClassificationModel model = convNet().fit(train);
        assertEquals(2, model.history().size());
        MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy");
        double tested = accuracy.evaluate(model.transform(test));
        // Two epochs of 20 steps on 2,000 images: about 0.9 measured; a fully connected guess scores 0.1.
        assertTrue(tested > 0.75, "test accuracy " + tested);

        String path = tmp.resolve("convnet-model").toString();
        model.write().overwrite().save(path);
        ScratchnetClassificationModel back = ScratchnetClassificationModel.load(path);
        assertEquals(tested, accuracy.evaluate(back.transform(test)), 0.0, "the reloaded model predicts the same");
    }

    @Test
    void withoutTheInputShapeTheErrorNamesTheParam() {
        ScratchnetClassifier flat = convNet();
        flat.clear(flat.inputShape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> flat.fit(train));
        assertTrue(e.getMessage().contains("conv needs an image, got a flat vector of 784 values"), e.getMessage());
        assertTrue(e.getMessage().contains("inputShape"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
}
