package dev.scratchnet.ml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.scratchnet.config.Choice;
import dev.scratchnet.layers.LayerSpec;
import dev.scratchnet.layers.Shape;
import dev.scratchnet.layers.Standardization;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.network.Task;
import dev.scratchnet.report.EpochMetrics;
import dev.scratchnet.report.Json;
import dev.scratchnet.run.ModelFile;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A model in Spark's layout: {@code <path>/metadata} (class, uid, Spark version, Params, written by Spark's
 * {@code DefaultParamsWriter}) and {@code <path>/data} (one Parquet row: format, version, task, input shape, layer
 * list, outputs, weights, history); beside them {@code <path>/model.onnx}, the network for an ONNX runtime (never
 * read back: {@code data/} is the model). The reader checks all of it and says in one line what does not fit; it also
 * reads version 1 (a fully connected classifier: input size, hidden sizes, activation, classes).
 */
final class ModelPersistence {
    /** What {@code data/} says it is; a reader refuses anything else. */
    static final String FORMAT = "scratchnet-model";
    static final int VERSION = 2;

    private ModelPersistence() {}

    static final StructType SCHEMA = new StructType()
            .add("format", DataTypes.StringType)
            .add("version", DataTypes.IntegerType)
            .add("task", DataTypes.StringType)
            .add("inputShape", DataTypes.StringType)
            .add("layers", DataTypes.StringType)
            .add("outputs", DataTypes.IntegerType)
            .add("weights", SQLDataTypes.VectorType())
            .add("history", DataTypes.StringType)
            .add("targetCenter", DataTypes.DoubleType)
            .add("targetScale", DataTypes.DoubleType);

    static final class Writer extends MLWriter {
        private final Params model;
        private final TrainedNetwork network;

        Writer(Params model, TrainedNetwork network) {
            this.model = model;
            this.network = network;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter$.MODULE$.saveMetadata(model, path, sparkSession());
            NetworkSpec spec = network.spec();
            Row row = RowFactory.create(FORMAT, VERSION, spec.task().id(), spec.input().toString(), spec.layerList(),
                    spec.outputs(), Vectors.dense(network.params()), historyJson(network.history()),
                    spec.target().center(), spec.target().scale());
            sparkSession().createDataFrame(List.of(row), SCHEMA).repartition(1).write().parquet(path + "/data");
            // The same network for an ONNX runtime beside Spark's layout, the model's dataScale inside the graph.
            org.apache.hadoop.fs.Path onnx = new org.apache.hadoop.fs.Path(path, ModelFile.ONNX);
            try (java.io.OutputStream out = onnx.getFileSystem(sparkSession().sparkContext().hadoopConfiguration())
                    .create(onnx, true)) {
                network.onnx(((ScratchnetParams<?>) model).getDataScale()).writeTo(out);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot write " + onnx + ": " + e.getMessage(), e);
            }
        }
    }

    /** Reads a model of class {@code type}, made by {@code create} from its uid and network. */
    static final class Reader<M extends Model<M>> extends MLReader<M> {
        private final Class<M> type;
        private final BiFunction<String, TrainedNetwork, M> create;

        Reader(Class<M> type, BiFunction<String, TrainedNetwork, M> create) {
            this.type = type;
            this.create = create;
        }

        @Override
        public M load(String path) {
            String what = "scratchnet model " + path;
            DefaultParamsReader.Metadata metadata;
            try {
                metadata = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(), type.getName());
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
                M model = create.apply(metadata.uid(), network(row));
                metadata.getAndSetParams(model, scala.Option.empty());
                return model;
            } catch (Exception e) {
                throw new IllegalArgumentException(what + ": " + firstLine(e), e);
            }
        }
    }

    /** The network in a {@code data/} row, checked. */
    static TrainedNetwork network(Row row) throws JsonProcessingException {
        String format = row.getAs("format");
        int version = row.<Integer>getAs("version");
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException("data/ is not a " + FORMAT + " (format '" + format + "')");
        }
        NetworkSpec spec;
        if (version == 1) {
            List<Integer> hidden = new ArrayList<>(scala.jdk.javaapi.CollectionConverters.asJava(
                    row.<scala.collection.Seq<Integer>>getAs("hidden")));
            spec = NetworkSpec.mlp(row.<Integer>getAs("inputSize"), hidden,
                    Choice.parse(dev.scratchnet.network.Activation.class, row.getAs("activation")),
                    row.<Integer>getAs("classes"));
        } else if (version == VERSION) {
            spec = new NetworkSpec(Shape.parse(row.getAs("inputShape")), LayerSpec.parseList(row.getAs("layers")),
                    Choice.parse(Task.class, row.getAs("task")), row.<Integer>getAs("outputs"),
                    new Standardization(row.<Double>getAs("targetCenter"), row.<Double>getAs("targetScale")));
        } else {
            throw new IllegalArgumentException("data/ is format version " + version + "; this scratchnet reads versions 1 and "
                    + VERSION);
        }
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
        return new TrainedNetwork(spec, params, historyFromJson(row.getAs("history")));
    }

    static String historyJson(List<EpochMetrics> history) {
        try {
            return Json.mapper().writeValueAsString(history);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<EpochMetrics> historyFromJson(String json) throws JsonProcessingException {
        return new ArrayList<>(Json.mapper().readValue(json, new TypeReference<List<EpochMetrics>>() {}));
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse("").strip();
    }
}
