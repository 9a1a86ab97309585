package dev.scratchnet.ml;

import dev.scratchnet.report.EpochMetrics;
import dev.scratchnet.run.RunSummary;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** A classifier's fit: the training history, and MLlib's metrics of the model on its training data. */
public final class ClassificationTrainingSummary extends ClassificationSummary implements TrainingSummary {
    private static final long serialVersionUID = 2L;
    private final Record record;

    ClassificationTrainingSummary(Dataset<Row> predictions, String predictionCol, String labelCol, String weightCol,
                                        List<EpochMetrics> history, RunSummary run) {
        super(predictions, predictionCol, labelCol, weightCol);
        this.record = Record.of(history, run);
    }

    @Override
    public Record record() {
        return record;
    }
}
