package dev.scratchnet.bench;

import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;

/**
 * A Pipeline stage that fits the estimator it wraps and does nothing else but read the clock around that fit, so
 * that a benchmark can tell the learner's share of a {@code Pipeline.fit} from the preprocessing stages' (the fitted
 * model is the wrapped estimator's own, unchanged).
 */
final class TimedFit<M extends Model<M>> extends Estimator<M> {
    private static final long serialVersionUID = 1L;
    private final Estimator<M> inner;
    private long startMillis;
    private long endMillis;
    private long nanos;

    TimedFit(Estimator<M> inner) {
        this.inner = inner;
    }

    @Override
    public M fit(Dataset<?> dataset) {
        startMillis = System.currentTimeMillis();
        long t = System.nanoTime();
        try {
            return inner.fit(dataset);
        } finally {
            nanos = System.nanoTime() - t;
            endMillis = System.currentTimeMillis();
        }
    }

    long startMillis() {
        return startMillis;
    }

    long endMillis() {
        return endMillis;
    }

    double seconds() {
        return nanos / 1e9;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return inner.transformSchema(schema);
    }

    @Override
    public TimedFit<M> copy(ParamMap extra) {
        return new TimedFit<>(inner.copy(extra));
    }

    @Override
    public String uid() {
        return inner.uid();
    }
}
