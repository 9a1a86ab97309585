package dev.scratchnet.ml;

import dev.scratchnet.report.EpochMetrics;
import dev.scratchnet.training.RunSummary;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** A regressor's fit: the training history, and MLlib's metrics of the model on its training data. */
public final class RegressionTrainingSummary extends RegressionSummary implements TrainingSummary {
    private static final long serialVersionUID = 1L;
    private final List<EpochMetrics> history;
    private final int modelEpoch;
    private final String stopReason;

    RegressionTrainingSummary(Dataset<Row> predictions, String predictionCol, String labelCol, String weightCol,
                              List<EpochMetrics> history, RunSummary run) {
        super(predictions, predictionCol, labelCol, weightCol);
        this.history = List.copyOf(history);
        this.modelEpoch = run.outcome().modelEpoch();
        this.stopReason = run.outcome().stopReason();
    }

    @Override
    public List<EpochMetrics> history() {
        return history;
    }

    @Override
    public int modelEpoch() {
        return modelEpoch;
    }

    @Override
    public String stopReason() {
        return stopReason;
    }
}
