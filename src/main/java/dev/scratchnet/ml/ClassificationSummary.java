package dev.scratchnet.ml;

import org.apache.spark.mllib.evaluation.MulticlassMetrics;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A classifier's metrics on a data set, with the names and meanings of MLlib's {@code ClassificationSummary}
 * (accuracy, per-label and weighted precision, recall, F-measure, true and false positive rates), computed by
 * Spark's {@code MulticlassMetrics} over the predictions, each weighted by the weight column when there is one.
 */
public class ClassificationSummary implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final transient Dataset<Row> predictions;
    private final String predictionCol;
    private final String labelCol;
    private final String weightCol;
    private transient MulticlassMetrics metrics;

    ClassificationSummary(Dataset<Row> predictions, String predictionCol, String labelCol, String weightCol) {
        this.predictions = predictions;
        this.predictionCol = predictionCol;
        this.labelCol = labelCol;
        this.weightCol = weightCol;
    }

    private MulticlassMetrics metrics() {
        if (metrics == null) {
            metrics = new MulticlassMetrics(Summaries.triples(predictions, predictionCol, labelCol, weightCol).rdd());
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
