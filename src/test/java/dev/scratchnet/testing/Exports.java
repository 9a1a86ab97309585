package dev.scratchnet.testing;

import dev.scratchnet.data.ImageSet;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * MNIST (or a slice of it) written out in the formats scratchnet reads, pixels as their raw values 0 … 255 in
 * the original order, so that a run on the export with {@code data.scale = 1/255} is the run on the IDX files.
 */
public final class Exports {
    /** The book's pixel scaling as a multiplier. */
    public static final String SCALE = String.valueOf(1 / 255.0);

    private Exports() {}

    /** IDX images and labels files, raw or gzip-compressed, into {@code dir} with MNIST's file names for {@code prefix}. */
    public static void idx(ImageSet data, Path dir, String prefix, boolean gzip) {
        ByteBuffer images = ByteBuffer.allocate(16 + data.pixels().length);
        images.putInt(0x0803).putInt(data.size()).putInt(data.rows()).putInt(data.cols()).put(data.pixels());
        ByteBuffer labels = ByteBuffer.allocate(8 + data.size());
        labels.putInt(0x0801).putInt(data.size()).put(data.labels());
        String suffix = gzip ? ".gz" : "";
        write(dir.resolve(prefix + "-images-idx3-ubyte" + suffix), images.array(), gzip);
        write(dir.resolve(prefix + "-labels-idx1-ubyte" + suffix), labels.array(), gzip);
    }

    /** One LibSVM file; the last feature is always written (even as 0), so Spark infers every data set's width. */
    public static Path libsvm(ImageSet data, Path file) {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < data.size(); i++) {
                StringBuilder line = new StringBuilder().append(data.label(i));
                for (int f = 0; f < data.features(); f++) {
                    int v = data.pixels()[i * data.features() + f] & 0xFF;
                    if (v != 0 || f == data.features() - 1) {
                        line.append(' ').append(f + 1).append(':').append(v);
                    }
                }
                w.write(line.append('\n').toString());
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One Parquet file in folder {@code dir}: {@code label} (double) and {@code features} (a dense vector). */
    public static Path parquet(SparkSession spark, ImageSet data, Path dir) {
        List<Row> rows = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            double[] v = new double[data.features()];
            for (int f = 0; f < v.length; f++) {
                v[f] = data.pixels()[i * data.features() + f] & 0xFF;
            }
            rows.add(RowFactory.create((double) data.label(i), Vectors.dense(v)));
        }
        StructType schema = new StructType()
                .add("label", DataTypes.DoubleType)
                .add("features", SQLDataTypes.VectorType());
        spark.createDataFrame(rows, schema).coalesce(1).write().parquet(dir.toString());
        return dir;
    }

    /**
     * {@code copies} back-to-back copies of {@code data} as Parquet in folder {@code dir}, written by Spark in
     * {@code files} files of contiguous rows (file {@code k} holds rows {@code [k·n/files, (k+1)·n/files)} of the
     * {@code n = copies · size} rows), with the columns of {@link #parquet}. The tasks make the rows one at a
     * time from {@code data} broadcast once, so no list of rows is ever built: the heap needs the data set and
     * about one Parquet row group per running task.
     */
    public static Path parquetCopies(SparkSession spark, ImageSet data, int copies, int files, Path dir) {
        long n = (long) copies * data.size();
        List<long[]> ranges = new ArrayList<>(files);
        for (int k = 0; k < files; k++) {
            ranges.add(new long[] {n * k / files, n * (k + 1) / files});
        }
        StructType schema = new StructType()
                .add("label", DataTypes.DoubleType)
                .add("features", SQLDataTypes.VectorType());
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<byte[][]> source = sc.broadcast(new byte[][] {data.pixels(), data.labels()});
        int size = data.size();
        int features = data.features();
        JavaRDD<Row> rows = sc.parallelize(ranges, files).flatMap(range -> new Iterator<Row>() {
            long next = range[0];

            @Override
            public boolean hasNext() {
                return next < range[1];
            }

            @Override
            public Row next() {
                int i = (int) (next++ % size);
                byte[] pixels = source.value()[0];
                double[] v = new double[features];
                for (int f = 0; f < features; f++) {
                    v[f] = pixels[i * features + f] & 0xFF;
                }
                return RowFactory.create((double) (source.value()[1][i] & 0xFF), Vectors.dense(v));
            }
        });
        try {
            spark.createDataFrame(rows, schema).write().parquet(dir.toString());
        } finally {
            source.destroy();
        }
        return dir;
    }

    /** A CSV file with a header {@code label,p0,p1,…} and the raw pixel values. */
    public static Path csv(ImageSet data, Path file) {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            StringBuilder header = new StringBuilder("label");
            for (int f = 0; f < data.features(); f++) {
                header.append(",p").append(f);
            }
            w.write(header.append('\n').toString());
            for (int i = 0; i < data.size(); i++) {
                StringBuilder line = new StringBuilder().append(data.label(i));
                for (int f = 0; f < data.features(); f++) {
                    line.append(',').append(data.pixels()[i * data.features() + f] & 0xFF);
                }
                w.write(line.append('\n').toString());
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, byte[] content, boolean gzip) {
        try {
            Files.createDirectories(file.getParent());
            if (!gzip) {
                Files.write(file, content);
                return;
            }
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            try (OutputStream gz = new GZIPOutputStream(buffer)) {
                gz.write(content);
            }
            Files.write(file, buffer.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
