package dev.scratchnet.spark;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.data.LibSvm;
import dev.scratchnet.partition.ExampleBlock;
import dev.scratchnet.partition.ExampleBlockBuilder;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.util.SerializableConfiguration;

/**
 * LibSVM text files ({@code label index:value …}, indices from 1) read by the executors through Spark's text
 * source, with the file and split of every line, and parsed by {@link LibSvm}: every bad line is one message
 * naming the file, the line (as an editor numbers it), the index as written and what is wrong.
 *
 * <p>The examples' width is the training data's largest index, as LIBSVM and Spark define it. Training data is
 * therefore read twice: a first pass checks every line and finds the width (and where the largest index is, so
 * that an absurd one is named before anything is allocated), the second builds the cached blocks. Test data is
 * read once, with the training data's width; a test line with a larger index is an error naming both.
 */
final class LibSvmSource {
    private LibSvmSource() {}

    /** What the first pass over a partition found. */
    record Scan(long examples, int maxIndex, String maxFile, long maxStart, long maxRow, int maxLabel, boolean bytes)
            implements Serializable {}

    /**
     * LibSVM files at {@code path} (a file, folder or glob), with the file and split of every line, and the
     * broadcast Hadoop configuration that finds a line again; closing it (once, by the blocks built from it or
     * by whoever gives up before) destroys the broadcast.
     */
    static final class Lines implements AutoCloseable {
        private final JavaRDD<Row> rows;
        private final RowPositions positions;
        private final Broadcast<SerializableConfiguration> hadoop;
        private final String what;
        private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

        private Lines(JavaRDD<Row> rows, RowPositions positions, Broadcast<SerializableConfiguration> hadoop, String what) {
            this.rows = rows;
            this.positions = positions;
            this.hadoop = hadoop;
            this.what = what;
        }

        static Lines open(SparkSession spark, String path) {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            Broadcast<SerializableConfiguration> hadoop = sc.broadcast(new SerializableConfiguration(sc.hadoopConfiguration()));
            RowPositions positions = RowPositions.files(RowPositions.Kind.LIBSVM, hadoop);
            List<Column> select = new ArrayList<>(List.of(functions.col("value")));
            select.addAll(positions.columns());
            JavaRDD<Row> rows = spark.read().text(path).select(select.toArray(new Column[0])).javaRDD();
            return new Lines(rows, positions, hadoop, path);
        }

        JavaRDD<Row> rows() {
            return rows;
        }

        RowPositions positions() {
            return positions;
        }

        Broadcast<SerializableConfiguration> hadoop() {
            return hadoop;
        }

        String what() {
            return what;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                hadoop.destroy();
            }
        }
    }

    /** The training data's width and where its largest index is ({@code <file>: line 7}); see {@link #scan}. */
    record Width(int features, String where, long examples, List<Scan> partitions) {
        /** The largest label. */
        int maxLabel() {
            return partitions.stream().mapToInt(Scan::maxLabel).max().orElse(-1);
        }
    }

    /**
     * The first pass: checks every line and returns the width (the largest index) and where it is.
     *
     * @throws ScratchnetException at the first bad line, or when no line has a feature
     */
    static Width scan(Lines lines, double scale) {
        RowPositions positions = lines.positions();
        List<Scan> scans = lines.rows().mapPartitionsWithIndex((p, rows) -> {
            RowPositions.Tracker place = positions.tracker(p);
            long examples = 0;
            int maxIndex = 0;
            String maxFile = null;
            long maxStart = 0;
            long maxRow = 0;
            int maxLabel = -1;
            boolean bytes = true;
            for (Iterator<LibSvm.Line> it = parsed(rows, place, scale); it.hasNext(); ) {
                LibSvm.Line line = it.next();
                examples++;
                maxLabel = Math.max(maxLabel, line.label());
                bytes &= line.bytes();
                if (line.maxIndex() > maxIndex) {
                    maxIndex = line.maxIndex();
                    maxFile = place.file();
                    maxStart = place.start();
                    maxRow = place.row();
                }
            }
            return List.of(new Scan(examples, maxIndex, maxFile, maxStart, maxRow, maxLabel, bytes)).iterator();
        }, true).collect();
        Scan widest = null;
        long examples = 0;
        for (Scan s : scans) {
            examples += s.examples();
            if (widest == null || s.maxIndex() > widest.maxIndex()) {
                widest = s;
            }
        }
        if (examples == 0) {
            throw new ScratchnetException(lines.what() + ": no examples (the data is empty)");
        }
        if (widest.maxIndex() == 0) {
            throw new ScratchnetException(lines.what() + ": no line has a feature (index:value), only labels");
        }
        long line = RowPositions.line(lines.hadoop().value().value(), RowPositions.Kind.LIBSVM, widest.maxFile(),
                widest.maxStart(), widest.maxRow());
        return new Width(widest.maxIndex(), widest.maxFile() + ": line " + line, examples, scans);
    }

    /**
     * Refuses a width whose dense blocks cannot be held: one input partition's examples, {@code features} values
     * each (a byte each, or a float), must fit in half of an executor's memory, {@code executorBytes}.
     */
    static void checkDense(Width width, long executorBytes, String executorMemory) {
        for (int p = 0; p < width.partitions().size(); p++) {
            Scan s = width.partitions().get(p);
            double bytes = (double) s.examples() * width.features() * (s.bytes() ? 1 : 4);
            if (bytes > executorBytes / 2.0 || s.examples() * (double) width.features() > Integer.MAX_VALUE - 8) {
                throw tooWide(width, String.format(Locale.ROOT, "the %d examples of input partition %d alone would "
                                + "need %s cached (%s), more than half of %s", s.examples(), p, size(bytes),
                        s.bytes() ? "a byte a value" : "a float a value", executorMemory));
            }
        }
    }

    /** The error for data too wide to train on: where its largest index is, and why that is too much. */
    static ScratchnetException tooWide(Width width, String why) {
        return new ScratchnetException(width.where() + ", index " + width.features() + ": LibSVM's feature count "
                + "is the largest index, so every example is " + width.features() + " values wide: " + why
                + "; fix the index if it is a mistake, or use fewer features (scratchnet keeps examples dense)");
    }

    private static String size(double bytes) {
        return bytes >= 1e9 ? String.format(Locale.ROOT, "%.1f GB", bytes / 1e9)
                : String.format(Locale.ROOT, "%.0f MB", bytes / 1e6);
    }

    /**
     * The second pass: every example as {@code features} values, cached as one block per input partition; the
     * blocks release {@code lines} when they are closed (or fail). {@code widthFrom} says, for test data, where
     * the width comes from: a line with a larger index is refused with it.
     */
    static CachedBlocks cache(Lines lines, int features, String widthFrom, double scale, String name) {
        RowPositions positions = lines.positions();
        JavaRDD<ExampleBlock> blocks = lines.rows().mapPartitionsWithIndex((p, rows) -> {
            RowPositions.Tracker place = positions.tracker(p);
            ExampleBlockBuilder builder = new ExampleBlockBuilder(p, scale);
            for (Iterator<LibSvm.Line> it = parsed(rows, place, scale); it.hasNext(); ) {
                LibSvm.Line line = it.next();
                if (line.maxIndex() > features) {
                    throw new ScratchnetException(place.here() + ", index " + line.maxIndex() + ": the test data is "
                            + "wider than the training data, " + widthFrom);
                }
                builder.add(features, LibSvm.zeroBased(line.indices()), line.values(), line.label());
            }
            return List.of(builder.build()).iterator();
        }, true);
        return CachedBlocks.cache(blocks, name, lines.what(), lines); // the blocks own the lines from here on
    }

    /** The record lines of a partition, parsed; {@code place} follows them. */
    private static Iterator<LibSvm.Line> parsed(Iterator<Row> rows, RowPositions.Tracker place, double scale) {
        return new Iterator<>() {
            LibSvm.Line next;

            @Override
            public boolean hasNext() {
                while (next == null) {
                    Row row;
                    try {
                        if (!rows.hasNext()) {
                            return false;
                        }
                        row = rows.next();
                    } catch (Exception e) { // the reader's own failure, e.g. a truncated .gz
                        throw place.readFailure(e);
                    }
                    place.next(row, 1);
                    String text = row.getString(0);
                    if (LibSvm.isRecord(text)) {
                        try {
                            next = LibSvm.parse(text, scale);
                        } catch (IllegalArgumentException e) {
                            String m = e.getMessage();
                            throw new ScratchnetException(place.here()
                                    + (m.startsWith("index ") || m.startsWith("field ") ? ", " : ": ") + m);
                        }
                    }
                }
                return true;
            }

            @Override
            public LibSvm.Line next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                LibSvm.Line line = next;
                next = null;
                return line;
            }
        };
    }
}
