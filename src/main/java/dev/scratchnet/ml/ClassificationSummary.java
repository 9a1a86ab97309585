package dev.scratchnet.ml;

import org.apache.spark.mllib.evaluation.MulticlassMetrics;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Tuple3;

/**
 * A classifier's metrics on a data set, with the names and meanings of MLlib's {@code ClassificationSummary}
 * (accuracy, per-label and weighted precision, recall, F-measure, true and false positive rates), computed by
 * Spark's {@code MulticlassMetrics} over the predictions, each weighted by the weight column when there is one.
 */
public class ClassificationSummary extends PredictionSummary<MulticlassMetrics> {
    private static final long serialVersionUID = 1L;

    ClassificationSummary(Dataset<Row> predictions, String predictionCol, String labelCol, String weightCol) {
        super(predictions, predictionCol, labelCol, weightCol);
    }

    @Override
    MulticlassMetrics metricsOf(RDD<Tuple3<Double, Double, Double>> triples) {
        return new MulticlassMetrics(triples);
    }

    /** The labels, ascending. */
    public double[] labels() {
        return metrics().labels();
    }

    public double accuracy() {
        return metrics().accuracy();
    }

    public double[] truePositiveRateByLabel() {
        return byLabel(metrics()::truePositiveRate);
    }

    public double[] falsePositiveRateByLabel() {
        return byLabel(metrics()::falsePositiveRate);
    }

    public double[] precisionByLabel() {
        return byLabel(metrics()::precision);
    }

    public double[] recallByLabel() {
        return byLabel(metrics()::recall);
    }

    public double[] fMeasureByLabel(double beta) {
        return byLabel(l -> metrics().fMeasure(l, beta));
    }

    public double[] fMeasureByLabel() {
        return fMeasureByLabel(1.0);
    }

    public double weightedTruePositiveRate() {
        return metrics().weightedTruePositiveRate();
    }

    public double weightedFalsePositiveRate() {
        return metrics().weightedFalsePositiveRate();
    }

    public double weightedRecall() {
        return metrics().weightedRecall();
    }

    public double weightedPrecision() {
        return metrics().weightedPrecision();
    }

    public double weightedFMeasure(double beta) {
        return metrics().weightedFMeasure(beta);
    }

    public double weightedFMeasure() {
        return metrics().weightedFMeasure();
    }

    private double[] byLabel(java.util.function.DoubleUnaryOperator f) {
        double[] labels = labels();
        double[] out = new double[labels.length];
        for (int i = 0; i < labels.length; i++) {
            out[i] = f.applyAsDouble(labels[i]);
        }
        return out;
    }
}
