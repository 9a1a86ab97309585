package dev.scratchnet.ml;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.testing.Exports;
import dev.scratchnet.testing.SparkTestContext;
import dev.scratchnet.testing.TestData;
import java.nio.file.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MNIST through the estimator with nothing set but how its pixels scale: at least 0.97 test accuracy. */
@Tag("slow")
class MnistDefaultsTest {
    @Test
    void theDefaultsReach97PercentOnMnist(@TempDir Path tmp) {
        try (JavaSparkContext sc = SparkTestContext.start()) {
            SparkSession spark = SparkTestContext.session(sc);
            var mnist = TestData.mnist();
            Dataset<Row> train = spark.read().parquet(Exports.parquet(spark, mnist.train(), tmp.resolve("train")).toString());
            Dataset<Row> test = spark.read().parquet(Exports.parquet(spark, mnist.test(), tmp.resolve("test")).toString());
            long t0 = System.nanoTime();
            ScratchnetClassificationModel model = new ScratchnetClassifier().setDataScale(1 / 255.0).fit(train);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy")
                    .evaluate(model.transform(test));
            System.out.printf(java.util.Locale.ROOT, "MNIST, defaults: test accuracy %.4f after %d epochs (model from "
                    + "epoch %d, %s), fit %.1f s%n", accuracy, model.summary().totalIterations(),
                    model.summary().modelEpoch(), model.summary().stopReason(), seconds);
            assertTrue(accuracy >= 0.97, "test accuracy " + accuracy);
        }
    }
}
