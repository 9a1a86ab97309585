package dev.scratchnet.ml;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import scala.Tuple3;

/** The (prediction, label, weight) triples that Spark's metrics read, from a model's predictions. */
final class Summaries {
    private Summaries() {}

    /** {@code predictions}' prediction, label and weight columns as triples (weight 1 when {@code weightCol} is empty). */
    static JavaRDD<Tuple3<Double, Double, Double>> triples(Dataset<Row> predictions, String predictionCol, String labelCol,
                                                           String weightCol) {
        Column weight = weightCol.isEmpty() ? functions.lit(1.0) : functions.col(weightCol).cast("double");
        return predictions.select(functions.col(predictionCol).cast("double"), functions.col(labelCol).cast("double"),
                weight).javaRDD().map(r -> new Tuple3<>(r.getDouble(0), r.getDouble(1), r.getDouble(2)));
    }
}
