package dev.scratchnet.ml;

import org.apache.spark.mllib.evaluation.RegressionMetrics;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Tuple3;

/**
 * A regressor's metrics on a data set, with the names of MLlib's {@code RegressionSummary}, computed by Spark's
 * {@code RegressionMetrics} over the predictions (weighted by the weight column when there is one).
 */
public class RegressionSummary extends PredictionSummary<RegressionMetrics> {
    private static final long serialVersionUID = 1L;

    RegressionSummary(Dataset<Row> predictions, String predictionCol, String labelCol, String weightCol) {
        super(predictions, predictionCol, labelCol, weightCol);
    }

    @Override
    RegressionMetrics metricsOf(RDD<Tuple3<Double, Double, Double>> triples) {
        return new RegressionMetrics(triples, false);
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
