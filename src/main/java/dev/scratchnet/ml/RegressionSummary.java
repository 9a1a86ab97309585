package dev.scratchnet.ml;

import org.apache.spark.mllib.evaluation.RegressionMetrics;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A regressor's metrics on a data set, with the names of MLlib's {@code RegressionSummary}, computed by Spark's
 * {@code RegressionMetrics} over the predictions (weighted by the weight column when there is one).
 */
public class RegressionSummary implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final transient Dataset<Row> predictions;
    private final String predictionCol;
    private final String labelCol;
    private final String weightCol;
    private transient RegressionMetrics metrics;

    RegressionSummary(Dataset<Row> predictions, String predictionCol, String labelCol, String weightCol) {
        this.predictions = predictions;
        this.predictionCol = predictionCol;
        this.labelCol = labelCol;
        this.weightCol = weightCol;
    }

    private RegressionMetrics metrics() {
        if (metrics == null) {
            metrics = new RegressionMetrics(Summaries.triples(predictions, predictionCol, labelCol, weightCol).rdd(), false);
        }
        return metrics;
    }

    public Dataset<Row> predictions() {
        return predictions;
    }

    public String predictionCol() {
        return predictionCol;
    }

    public String labelCol() {
        return labelCol;
    }

    public String weightCol() {
        return weightCol;
    }

    public double rootMeanSquaredError() {
        return metrics().rootMeanSquaredError();
    }

    public double meanSquaredError() {
        return metrics().meanSquaredError();
    }

    public double meanAbsoluteError() {
        return metrics().meanAbsoluteError();
    }

    public double r2() {
        return metrics().r2();
    }

    public double explainedVariance() {
        return metrics().explainedVariance();
    }
}
