package dev.scratchnet.ml;

import dev.scratchnet.network.NetworkSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@link ScratchnetClassificationModel} in Spark's layout: {@code <path>/metadata} (class, uid, Spark version, Params,
 * written by Spark's {@code DefaultParamsWriter}) and {@code <path>/data} (one Parquet row: format, version,
 * network, weights, history). The reader checks all of it and says in one line what does not fit.
 */
final class ModelPersistence {
    /** What {@code data/} says it is; a reader refuses anything else. */
    static final String FORMAT = "scratchnet-model";
    static final int VERSION = 1;

    private ModelPersistence() {}

    static final StructType SCHEMA = new StructType()
            .add("format", DataTypes.StringType)
            .add("version", DataTypes.IntegerType)
            .add("inputSize", DataTypes.IntegerType)
            .add("hidden", DataTypes.createArrayType(DataTypes.IntegerType))
            .add("activation", DataTypes.StringType)
            .add("classes", DataTypes.IntegerType)
            .add("weights", SQLDataTypes.VectorType())
            .add("history", DataTypes.StringType);

    static final class Writer extends MLWriter {
        private final ScratchnetClassificationModel model;

        Writer(ScratchnetClassificationModel model) {
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter$.MODULE$.saveMetadata(model, path, sparkSession());
            NetworkSpec spec = model.spec();
            Row row = RowFactory.create(FORMAT, VERSION, spec.inputSize(),
                    scala.jdk.javaapi.CollectionConverters.asScala(spec.hidden()).toSeq(),
                    spec.activation().id(), spec.classes(), Vectors.dense(model.flatParams()),
                    ScratchnetClassificationModel.historyJson(model.history()));
            sparkSession().createDataFrame(List.of(row), SCHEMA).repartition(1).write().parquet(path + "/data");
        }
    }

    static final class Reader extends MLReader<ScratchnetClassificationModel> {
        @Override
        public ScratchnetClassificationModel load(String path) {
            String what = "scratchnet model " + path;
            DefaultParamsReader.Metadata metadata;
            try {
                metadata = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(),
                        ScratchnetClassificationModel.class.getName());
            } catch (Exception e) { // a missing folder or file, unreadable JSON, another class
                throw new IllegalArgumentException(what + ": no readable metadata (" + firstLine(e) + ")", e);
            }
            Row row;
            try {
                Dataset<Row> data = sparkSession().read().parquet(path + "/data");
                List<Row> rows = data.collectAsList();
                if (rows.size() != 1) {
                    throw new IllegalArgumentException(rows.size() + " rows in data/, expected 1");
                }
                row = rows.get(0);
            } catch (Exception e) {
                throw new IllegalArgumentException(what + ": data/ is missing or not readable (" + firstLine(e) + ")", e);
            }
            try {
                String format = row.getAs("format");
                int version = row.<Integer>getAs("version");
                if (!FORMAT.equals(format)) {
                    throw new IllegalArgumentException("data/ is not a " + FORMAT + " (format '" + format + "')");
                }
                if (version != VERSION) {
                    throw new IllegalArgumentException("data/ is format version " + version + "; this scratchnet reads version "
                            + VERSION);
                }
                List<Integer> hidden = new ArrayList<>(scala.jdk.javaapi.CollectionConverters.asJava(
                        row.<scala.collection.Seq<Integer>>getAs("hidden")));
                NetworkSpec spec = new NetworkSpec(row.<Integer>getAs("inputSize"), hidden,
                        ScratchnetClassificationModel.activation(row.getAs("activation")), row.<Integer>getAs("classes"));
                double[] params = row.<Vector>getAs("weights").toArray();
                if (params.length != spec.parameterCount()) {
                    throw new IllegalArgumentException("weights has " + params.length + " values, " + spec.describe()
                            + " needs " + spec.parameterCount());
                }
                for (double p : params) {
                    if (!Double.isFinite(p)) {
                        throw new IllegalArgumentException("weights hold non-finite values (NaN or Inf)");
                    }
                }
                ScratchnetClassificationModel model = new ScratchnetClassificationModel(metadata.uid(), spec, params,
                        ScratchnetClassificationModel.historyFromJson(row.getAs("history")));
                metadata.getAndSetParams(model, scala.Option.empty());
                return model;
            } catch (Exception e) {
                throw new IllegalArgumentException(what + ": " + firstLine(e), e);
            }
        }
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse("").strip();
    }
}
