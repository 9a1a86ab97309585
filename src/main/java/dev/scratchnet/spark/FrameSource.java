package dev.scratchnet.spark;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.data.CsvFields;
import dev.scratchnet.data.Labels;
import dev.scratchnet.data.Values;
import dev.scratchnet.partition.ExampleBlock;
import dev.scratchnet.partition.ExampleBlockBuilder;
import dev.scratchnet.registry.EngineSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A DataFrame (Parquet, CSV, anything Spark reads, or the estimator's input) turned into cached blocks on the
 * executors, partition by partition: the features are one vector column ({@code ml.linalg.Vector}, dense or
 * sparse) or numeric columns (text columns holding numbers, as CSV gives them, are parsed); the label is a class
 * index {@code 0 … K−1} held as a number ({@link Labels}), or for a regression any finite number; an optional
 * weight column holds each example's weight (a finite number ≥ 0). Every bad value fails its task with one line naming
 * where the row is (a file's line or row, or the DataFrame's partition and row, see {@link RowPositions}), the
 * column and what is wrong; the driver only ever sees counts.
 */
public final class FrameSource {
    private FrameSource() {}

    /**
     * Which columns hold the features (one vector column, or numeric columns), the label (class indices, or with
     * {@code classIndices} false any number: a regression's), how many classes the label column's metadata declares
     * (0: not declared, the data tells), and the weight (null: every example weighs 1).
     */
    record Columns(String vector, List<String> numeric, String label, int declaredClasses, String weight,
                   boolean classIndices) implements java.io.Serializable {
        Columns(String vector, List<String> numeric, String label, int declaredClasses) {
            this(vector, numeric, label, declaredClasses, null, true);
        }

        /** The features, then the label, then the weight when there is one. */
        List<String> all() {
            List<String> all = new ArrayList<>(vector != null ? List.of(vector) : numeric);
            all.add(label);
            if (weight != null) {
                all.add(weight);
            }
            return all;
        }

        /** These columns with the weight column {@code weightColumn} (null: none), for a classifier or a regression. */
        Columns with(String weightColumn, boolean indices) {
            return new Columns(vector, numeric, label, indices ? declaredClasses : 0, weightColumn, indices);
        }
    }

    /**
     * Where the rows come from, for messages: {@code what} names the data ("the DataFrame", or the path the user
     * gave), {@code positions} turns a row into its file and line; for CSV, the column holding a row Spark found
     * malformed and the header's columns.
     */
    record Source(String what, RowPositions positions, String corruptColumn, List<String> header)
            implements java.io.Serializable {
        static Source dataFrame() {
            return new Source("the DataFrame", RowPositions.dataFrame(), null, List.of());
        }
    }

    /**
     * Resolves the feature columns against {@code schema}: {@code auto} is a vector column named
     * {@code features} when there is one, else every column but the label; {@code *} is every column but the
     * label; otherwise one column name or a comma list.
     *
     * @param what names the data in errors (a path, or "the DataFrame")
     * @throws ScratchnetException when a column is missing or of the wrong type
     */
    static Columns resolve(StructType schema, String features, String label, String what) {
        StructField labelField = field(schema, label, "label", what);
        DataType lt = labelField.dataType();
        if (!(lt instanceof NumericType) && !(lt instanceof StringType)) {
            throw new ScratchnetException(what + ": label column '" + label + "' has type " + lt.simpleString()
                    + ", expected numbers (class indices 0 … K-1)");
        }
        List<String> names;
        String spec = features.trim();
        if (spec.equalsIgnoreCase("auto")) {
            boolean hasVector = Arrays.asList(schema.fieldNames()).contains("features")
                    && schema.apply("features").dataType() instanceof VectorUDT;
            names = hasVector ? List.of("features") : allBut(schema, label);
        } else if (spec.equals("*")) {
            names = allBut(schema, label);
        } else {
            names = new ArrayList<>();
            for (String n : spec.split(",")) {
                names.add(n.trim());
            }
        }
        if (names.isEmpty()) {
            throw new ScratchnetException(what + ": no feature columns (columns: " + String.join(", ", schema.fieldNames()) + ")");
        }
        int declared = declaredClasses(labelField);
        if (names.size() == 1 && field(schema, names.get(0), "features", what).dataType() instanceof VectorUDT) {
            return new Columns(names.get(0), List.of(), label, declared);
        }
        for (String n : names) {
            DataType t = field(schema, n, "features", what).dataType();
            if (!(t instanceof NumericType) && !(t instanceof StringType)) {
                throw new ScratchnetException(what + ": features column '" + n + "' has type " + t.simpleString()
                        + ", expected a vector column or numeric columns");
            }
        }
        return new Columns(null, List.copyOf(names), label, declared);
    }

    /** K as the label column's metadata declares it (e.g. after StringIndexer), or 0. */
    private static int declaredClasses(StructField label) {
        if (!(label.dataType() instanceof NumericType)) {
            return 0;
        }
        Attribute a = Attribute.fromStructField(label);
        if (a instanceof NominalAttribute n && n.getNumValues().isDefined()) {
            return (Integer) n.getNumValues().get();
        }
        return 0;
    }

    private static List<String> allBut(StructType schema, String label) {
        List<String> names = new ArrayList<>();
        for (String n : schema.fieldNames()) {
            if (!n.equals(label)) {
                names.add(n);
            }
        }
        return names;
    }

    private static StructField field(StructType schema, String name, String role, String what) {
        if (!Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new ScratchnetException(what + ": no " + role + " column '" + name + "' (columns: "
                    + String.join(", ", schema.fieldNames()) + ")");
        }
        return schema.apply(name);
    }

    /**
     * The estimator's input: {@code featuresCol} a vector column, {@code labelCol} class indices (or, with
     * {@code classIndices} false, any numbers), {@code weightCol} sample weights (null: none), as cached blocks (see
     * {@link #cache(Dataset, Columns, double, int, String, Source, AutoCloseable)}); errors name "the DataFrame".
     */
    public static CachedBlocks cache(Dataset<Row> df, String featuresCol, String labelCol, String weightCol,
                                     boolean classIndices, double scale, int parts, String name) {
        Source source = Source.dataFrame();
        Columns columns = resolve(df.schema(), featuresCol, labelCol, source.what());
        if (weightCol != null) {
            DataType t = field(df.schema(), weightCol, "weight", source.what()).dataType();
            if (!(t instanceof NumericType)) {
                throw new ScratchnetException(source.what() + ": weight column '" + weightCol + "' has type "
                        + t.simpleString() + ", expected numbers");
            }
        }
        return cache(df, columns.with(weightCol, classIndices), scale, parts, name, source, null);
    }

    /**
     * The rows of {@code df} as cached blocks, one per input partition (then cut into {@code parts} when that
     * is another count; 0 keeps the input's partitioning, or makes one partition of a small data set, at most
     * {@link EngineSettings#SMALL_DATA_BYTES} cached; more partitions than rows is refused before the cut). Values decode as {@code value · scale}. A bad value fails its task with one line naming the row's
     * place ({@link Source}), the column and what is wrong. {@code release} (may be null) is closed with the blocks.
     */
    static CachedBlocks cache(Dataset<Row> df, Columns columns, double scale, int parts, String name, Source source,
                              AutoCloseable release) {
        List<Column> select = new ArrayList<>();
        columns.all().forEach(c -> select.add(functions.col(c)));
        int placeAt = select.size();
        select.addAll(source.positions().columns());
        int corruptAt = source.corruptColumn() == null ? -1 : select.size();
        if (corruptAt >= 0) {
            select.add(functions.col(source.corruptColumn()));
        }
        Columns cols = columns;
        CachedBlocks blocks = CachedBlocks.cache(df.select(select.toArray(new Column[0])).javaRDD()
                .mapPartitionsWithIndex((p, rows) -> {
                    ExampleBlockBuilder builder = new ExampleBlockBuilder(p, scale);
                    RowPositions.Tracker place = source.positions().tracker(p);
                    int features = cols.vector != null ? -1 : cols.numeric.size();
                    double[] values = features < 0 ? null : new double[features];
                    while (true) {
                        Row row;
                        try {
                            if (!rows.hasNext()) {
                                break;
                            }
                            row = rows.next();
                        } catch (Exception e) { // the reader's own failure: a truncated file, a file of another format
                            throw place.readFailure(e);
                        }
                        place.next(row, placeAt);
                        if (corruptAt >= 0 && row.get(corruptAt) != null) {
                            throw new ScratchnetException(where(source, place) + ": " + malformed(row.getString(corruptAt),
                                    source.header()));
                        }
                        addRow(builder, row, cols, values, scale, source, place);
                    }
                    return List.of(builder.build()).iterator();
                }, true), name, source.what(), release);
        try {
            CachedBlocks.checkPartitions(parts, blocks.count(), source.what());
        } catch (ScratchnetException e) {
            blocks.close();
            throw e;
        }
        if (parts > 0) {
            return blocks.repartition(parts, name, source.what());
        }
        return blocks.bytes() <= EngineSettings.SMALL_DATA_BYTES && blocks.partitions() > 1
                ? blocks.repartition(1, name, source.what()) : blocks;
    }

    private static void addRow(ExampleBlockBuilder builder, Row row, Columns cols, double[] values, double scale,
                               Source source, RowPositions.Tracker place) {
        int labelAt = cols.vector != null ? 1 : cols.numeric.size();
        double label;
        try {
            label = cols.classIndices ? Labels.classIndex(row.get(labelAt), cols.declaredClasses)
                    : Values.target(row.get(labelAt));
        } catch (IllegalArgumentException e) {
            throw new ScratchnetException(where(source, place) + ", " + column(source, cols.label) + ": " + e.getMessage()
                    + (cols.declaredClasses > 0 ? " (the label column's metadata declares " + cols.declaredClasses
                    + " classes)" : ""));
        }
        double weight = 1;
        if (cols.weight != null) {
            try {
                weight = Values.weight(row.get(labelAt + 1));
            } catch (IllegalArgumentException e) {
                throw new ScratchnetException(where(source, place) + ", " + column(source, cols.weight) + ": "
                        + e.getMessage());
            }
        }
        if (cols.vector != null) {
            Object v = row.get(0);
            if (v == null) {
                throw new ScratchnetException(where(source, place) + ", " + column(source, cols.vector) + ": is missing (null)");
            }
            int size = ((Vector) v).size();
            int[] indices = v instanceof SparseVector sv ? sv.indices() : null;
            double[] vs = v instanceof SparseVector sv ? sv.values() : ((Vector) v).toArray();
            for (int k = 0; k < vs.length; k++) {
                try {
                    Values.checkFeature(vs[k], scale);
                } catch (IllegalArgumentException e) {
                    throw new ScratchnetException(where(source, place) + ", " + column(source, cols.vector)
                            + " at vector index " + (indices == null ? k : indices[k]) + ": " + e.getMessage());
                }
            }
            try {
                builder.add(size, indices, vs, label, weight);
            } catch (IllegalArgumentException e) {
                throw new ScratchnetException(where(source, place) + ", " + column(source, cols.vector) + " " + e.getMessage());
            }
        } else {
            for (int i = 0; i < values.length; i++) {
                try {
                    values[i] = Values.number(row.get(i));
                    Values.checkFeature(values[i], scale);
                } catch (IllegalArgumentException e) {
                    throw new ScratchnetException(where(source, place) + ", " + column(source, cols.numeric.get(i)) + ": "
                            + e.getMessage());
                }
            }
            builder.add(values.length, null, values, label, weight);
        }
    }

    /** The row's place: its file and line or row, or the DataFrame's partition and row. */
    private static String where(Source source, RowPositions.Tracker place) {
        return place.file() != null ? place.here() : source.what() + ": " + place.here();
    }

    /** A column as the file numbers it: CSV columns by position (from 1) and name, others by name. */
    private static String column(Source source, String name) {
        int at = source.header().indexOf(name);
        return at >= 0 ? "column " + (at + 1) + " '" + name + "'" : "column '" + name + "'";
    }

    /** What is wrong with a CSV line Spark found malformed: its width, usually. */
    private static String malformed(String line, List<String> header) {
        int fields = CsvFields.count(line);
        if (fields != header.size()) {
            return fields + " values, the header has " + header.size() + " (" + String.join(",", header) + ")";
        }
        return "malformed CSV: " + (line.length() > 80 ? line.substring(0, 80) + "…" : line);
    }
}
