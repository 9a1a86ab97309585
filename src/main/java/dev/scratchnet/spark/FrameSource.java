package dev.scratchnet.spark;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.training.ExampleBlock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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
 * A DataFrame (Parquet, LibSVM, CSV, anything Spark reads, or the estimator's input) turned into cached blocks
 * on the executors, partition by partition: the features are one vector column ({@code ml.linalg.Vector},
 * dense or sparse) or numeric columns (text columns holding numbers, as CSV gives them, are parsed); the label
 * is a class index {@code 0 … K−1} held as a number. Every bad value fails its task with one line naming the
 * column, the row and what is wrong; the driver only ever sees counts.
 */
public final class FrameSource {
    private FrameSource() {}

    /**
     * Which columns hold the features (one vector column, or numeric columns), the label (class indices, or any
     * number for a regression) and the weight (null: every example weighs 1).
     */
    record Columns(String vector, List<String> numeric, String label, String weight, boolean classIndices)
            implements java.io.Serializable {
        Columns(String vector, List<String> numeric, String label) {
            this(vector, numeric, label, null, true);
        }

        /** Features, then the label, then the weight when there is one. */
        List<String> all() {
            List<String> all = new ArrayList<>(vector != null ? List.of(vector) : numeric);
            all.add(label);
            if (weight != null) {
                all.add(weight);
            }
            return all;
        }

        Columns with(String weightColumn, boolean indices) {
            return new Columns(vector, numeric, label, weightColumn, indices);
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
        if (names.size() == 1 && field(schema, names.get(0), "features", what).dataType() instanceof VectorUDT) {
            return new Columns(names.get(0), List.of(), label);
        }
        for (String n : names) {
            DataType t = field(schema, n, "features", what).dataType();
            if (!(t instanceof NumericType) && !(t instanceof StringType)) {
                throw new ScratchnetException(what + ": features column '" + n + "' has type " + t.simpleString()
                        + ", expected a vector column or numeric columns");
            }
        }
        return new Columns(null, List.copyOf(names), label);
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
     * {@code classIndices} false, any numbers), {@code weightCol} sample weights (null: none), as cached blocks
     * (see {@link #cache(Dataset, Columns, double, int, String, String)}); errors name "the DataFrame".
     */
    public static CachedBlocks cache(Dataset<Row> df, String featuresCol, String labelCol, String weightCol,
                                     boolean classIndices, double scale, int parts, String name) {
        String what = "the DataFrame";
        Columns columns = resolve(df.schema(), featuresCol, labelCol, what);
        if (weightCol != null) {
            DataType t = field(df.schema(), weightCol, "weight", what).dataType();
            if (!(t instanceof NumericType)) {
                throw new ScratchnetException(what + ": weight column '" + weightCol + "' has type " + t.simpleString()
                        + ", expected numbers");
            }
        }
        return cache(df, columns.with(weightCol, classIndices), scale, parts, name, what);
    }

    /**
     * The rows of {@code df} as cached blocks, one per input partition (then cut into {@code parts} when that
     * is another count; 0 keeps the input's partitioning, or makes one partition of a small data set, at most
     * {@link EngineSettings#SMALL_DATA_BYTES} cached). Values decode as {@code value · scale}.
     */
    static CachedBlocks cache(Dataset<Row> df, Columns columns, double scale, int parts, String name, String what) {
        Column[] select = columns.all().stream().map(functions::col).toArray(Column[]::new);
        Columns cols = columns;
        CachedBlocks blocks = CachedBlocks.cache(df.select(select).javaRDD().mapPartitionsWithIndex((p, rows) -> {
            ExampleBlock.Builder builder = new ExampleBlock.Builder(p, scale);
            int features = cols.vector != null ? -1 : cols.numeric.size();
            double[] values = features < 0 ? null : new double[features];
            int labelAt = cols.vector != null ? 1 : cols.numeric.size();
            long r = 0;
            while (rows.hasNext()) {
                Row row = rows.next();
                String where = " in row " + r + " of input partition " + p;
                double label = cols.classIndices ? label(row.get(labelAt), cols.label, what, where)
                        : target(row.get(labelAt), cols.label, what, where);
                double weight = cols.weight == null ? 1 : weight(row.get(labelAt + 1), cols.weight, what, where);
                try {
                    if (cols.vector != null) {
                        Object v = row.get(0);
                        if (v == null) {
                            throw new IllegalArgumentException("is null");
                        }
                        if (v instanceof SparseVector s) {
                            builder.add(s.size(), s.indices(), s.values(), label, weight);
                        } else {
                            Vector dense = (Vector) v;
                            builder.add(dense.size(), null, dense.toArray(), label, weight);
                        }
                    } else {
                        for (int i = 0; i < features; i++) {
                            values[i] = number(row.get(i), cols.numeric.get(i), what, where);
                        }
                        builder.add(features, null, values, label, weight);
                    }
                } catch (IllegalArgumentException e) {
                    throw new ScratchnetException(what + ": features column '"
                            + (cols.vector != null ? cols.vector : String.join(",", cols.numeric)) + "'" + where
                            + " " + e.getMessage());
                }
                r++;
            }
            return List.of(builder.build()).iterator();
        }, true), name, what, null);
        if (parts > 0) {
            return blocks.repartition(parts, name, what);
        }
        return blocks.bytes() <= EngineSettings.SMALL_DATA_BYTES && blocks.partitions() > 1
                ? blocks.repartition(1, name, what) : blocks;
    }

    private static int label(Object value, String column, String what, String where) {
        String prefix = what + ": label column '" + column + "'" + where + ": ";
        double d;
        if (value == null) {
            throw new ScratchnetException(prefix + "null");
        } else if (value instanceof Number n) {
            d = n.doubleValue();
        } else {
            try {
                d = Double.parseDouble(value.toString().trim());
            } catch (NumberFormatException e) {
                throw new ScratchnetException(prefix + "'" + value + "' is not a number (index text labels with StringIndexer)");
            }
        }
        if (Double.isNaN(d)) {
            throw new ScratchnetException(prefix + "NaN");
        }
        if (d < 0 || d != Math.rint(d) || d > 1_000_000) {
            throw new ScratchnetException(prefix + String.format(Locale.ROOT, "%s is not a class index (an integer 0 … K-1)",
                    value));
        }
        return (int) d;
    }

    /** A regression's label: any finite number. */
    private static double target(Object value, String column, String what, String where) {
        double d = number(value, column, what, where);
        if (!Double.isFinite(d)) {
            throw new ScratchnetException(what + ": label column '" + column + "'" + where + ": " + d + " is not a finite number");
        }
        return d;
    }

    /** A sample weight: a finite number ≥ 0. */
    private static double weight(Object value, String column, String what, String where) {
        double d = number(value, column, what, where);
        if (!(d >= 0) || Double.isInfinite(d)) {
            throw new ScratchnetException(what + ": weight column '" + column + "'" + where + ": " + d
                    + " is not a weight (a finite number ≥ 0)");
        }
        return d;
    }

    private static double number(Object value, String column, String what, String where) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value == null) {
            throw new ScratchnetException(what + ": column '" + column + "'" + where + " is null");
        }
        try {
            return Double.parseDouble(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new ScratchnetException(what + ": column '" + column + "'" + where + ": '" + value + "' is not a number");
        }
    }
}
