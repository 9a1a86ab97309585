package dev.scratchnet.ml;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.rdd.RDD;
import scala.Tuple3;

/**
 * A model's predictions on a data set and Spark's metrics {@code M} of them, computed from the (prediction, label,
 * weight) triples when first asked (weight 1 for every row when there is no weight column).
 */
public abstract class PredictionSummary<M> implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final transient Dataset<Row> predictions;
    private final String predictionCol;
    private final String labelCol;
    private final String weightCol;
    private transient M metrics;

    PredictionSummary(Dataset<Row> predictions, String predictionCol, String labelCol, String weightCol) {
        this.predictions = predictions;
        this.predictionCol = predictionCol;
        this.labelCol = labelCol;
        this.weightCol = weightCol;
    }

    /** Spark's metrics over the (prediction, label, weight) triples. */
    abstract M metricsOf(RDD<Tuple3<Double, Double, Double>> triples);

    final M metrics() {
        if (metrics == null) {
            Column weight = weightCol.isEmpty() ? functions.lit(1.0) : functions.col(weightCol).cast("double");
            metrics = metricsOf(predictions.select(functions.col(predictionCol).cast("double"),
                    functions.col(labelCol).cast("double"), weight).javaRDD()
                    .map(r -> new Tuple3<>(r.getDouble(0), r.getDouble(1), r.getDouble(2))).rdd());
        }
        return metrics;
    }

    /** The data with the model's prediction columns. */
    public Dataset<Row> predictions() {
        return predictions;
    }

    public String predictionCol() {
        return predictionCol;
    }

    public String labelCol() {
        return labelCol;
    }

    /** The weight column, or empty when every example weighs 1. */
    public String weightCol() {
        return weightCol;
    }
}
