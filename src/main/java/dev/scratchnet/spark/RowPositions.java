package dev.scratchnet.spark;

import dev.scratchnet.ScratchnetException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.util.LineReader;
import org.apache.spark.SparkThrowable;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskKilledException;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Where a row a Spark task reads came from, said as a user finds it: a text file's line (1-based, as an editor
 * shows it; for CSV and LibSVM), a Parquet file's row (1-based), or, for a DataFrame, the row within its input
 * partition. The file and the split come with each row (Spark's {@code _metadata} columns); a line number is
 * worked out only when something is wrong, by reading the file up to that line.
 */
final class RowPositions implements Serializable {
    private static final long serialVersionUID = 1L;

    /** How rows map to places in the source. */
    enum Kind {
        /** Any DataFrame: row r of input partition p. */
        DATAFRAME,
        /** Parquet files: the file and the row in it. */
        PARQUET,
        /** CSV with a header line: every line but blank ones and each file's first is a row. */
        CSV,
        /** Spark's text source over LibSVM files: every line is a row. */
        LIBSVM
    }

    private final Kind kind;
    private final Broadcast<SerializableConfiguration> hadoop;

    private RowPositions(Kind kind, Broadcast<SerializableConfiguration> hadoop) {
        this.kind = kind;
        this.hadoop = hadoop;
    }

    static RowPositions dataFrame() {
        return new RowPositions(Kind.DATAFRAME, null);
    }

    /** Rows of files read by Spark's file sources; {@code hadoop} opens them again to find a line. */
    static RowPositions files(Kind kind, Broadcast<SerializableConfiguration> hadoop) {
        return new RowPositions(kind, hadoop);
    }

    /** The columns to select after the data's own: the file, and the split's start or the row's index. */
    List<Column> columns() {
        return switch (kind) {
            case DATAFRAME -> List.of();
            case PARQUET -> List.of(functions.col("_metadata.file_path"), functions.col("_metadata.row_index"));
            case CSV, LIBSVM -> List.of(functions.col("_metadata.file_path"), functions.col("_metadata.file_block_start"));
        };
    }

    /** Follows the rows of partition {@code partition} as a task reads them. */
    Tracker tracker(int partition) {
        return new Tracker(partition);
    }

    /** The rows a task has read so far, and so the place of the last one. */
    final class Tracker {
        private final int partition;
        private String file;
        private long start = -1;
        private long row;

        private Tracker(int partition) {
            this.partition = partition;
        }

        /** Moves to {@code r}, whose place columns start at {@code at}. */
        void next(Row r, int at) {
            if (kind == Kind.DATAFRAME) {
                row++;
                return;
            }
            String f = r.getString(at);
            long s = r.getLong(at + 1);
            if (kind == Kind.PARQUET) {
                file = f;
                row = s + 1;
            } else if (!f.equals(file) || s != start) {
                file = f;
                start = s;
                row = 1;
            } else {
                row++;
            }
        }

        /** The file being read, or null for a DataFrame (or before the first row). */
        String file() {
            return file;
        }

        /** The byte where the current split of the file starts (text files). */
        long start() {
            return start;
        }

        /** The current row, from 1: in its split (text files), its file (Parquet) or its partition (DataFrame). */
        long row() {
            return row;
        }

        /** The current row's place: {@code <file>: line 7}, {@code <file>: row 7}, {@code row 7 of input partition 0}. */
        String here() {
            return kind == Kind.DATAFRAME ? position() : file + ": " + position();
        }

        /** The current row's place in its file: {@code line 7}, {@code row 7} (or in its partition, for a DataFrame). */
        String position() {
            return switch (kind) {
                case DATAFRAME -> "row " + row + " of input partition " + partition;
                case PARQUET -> "row " + row;
                case CSV, LIBSVM -> {
                    long line = line(hadoop.value().value(), kind, file, start, row);
                    yield line > 0 ? "line " + line : "row " + row + " of its split at byte " + start;
                }
            };
        }

        /**
         * What a failure of the reader itself (a truncated {@code .gz}, a file that is not what the format says)
         * tells the user: the file, the last line read, the reader's reason. A task being killed is not a failure
         * of the data and is returned as it is.
         */
        RuntimeException readFailure(Exception e) {
            TaskContext task = TaskContext.get();
            if (e instanceof TaskKilledException || task != null && task.isInterrupted()) {
                return e instanceof RuntimeException re ? re : new IllegalStateException(e);
            }
            String failed = failedFile(e);
            String name = failed != null ? failed : file != null ? file : "input partition " + partition;
            String after = "";
            if (file != null && (failed == null || sameFile(failed, file)) && kind != Kind.PARQUET) {
                after = " after " + position();
            }
            return new ScratchnetException(name + ": cannot be read" + after + ": " + reason(e), e);
        }
    }

    private static boolean sameFile(String a, String b) {
        return new Path(a).toUri().getPath().equals(new Path(b).toUri().getPath());
    }

    /** The file a Spark reader names in its failure ({@code FAILED_READ_FILE}), or null. */
    static String failedFile(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof SparkThrowable st && st.getCondition() != null && st.getCondition().startsWith("FAILED_READ_FILE")) {
                String path = st.getMessageParameters().get("path");
                if (path != null) {
                    return path.replaceFirst("^file:///", "file:/");
                }
            }
        }
        return null;
    }

    /** The innermost cause's first line, without the file name it may repeat: why reading failed. */
    static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName()
                : root.getMessage().lines().findFirst().orElse(root.getClass().getSimpleName());
        String file = failedFile(e);
        if (file != null) {
            message = message.replace(file + " ", "").replace(new Path(file).toUri().getPath() + " ", "");
        }
        if (root instanceof java.io.EOFException) {
            message = "it ends early (" + message + "): truncated or corrupt";
        }
        return message;
    }

    /**
     * The 1-based line of row {@code row} (1-based) of the split of {@code file} that starts at byte {@code start},
     * read as Spark's line readers read it: a split after the first starts with the first whole line after its
     * start byte; lines end at {@code \n}, {@code \r\n} or {@code \r}; a compressed file is one split. For CSV,
     * blank lines and the first non-blank line of the file (the header) are not rows; for LibSVM every line is.
     * Returns -1 when the file has fewer lines (it changed since it was read).
     */
    static long line(Configuration conf, Kind kind, String file, long start, long row) {
        Path path = new Path(file);
        try {
            FileSystem fs = path.getFileSystem(conf);
            CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
            try (InputStream in = codec == null ? fs.open(path) : codec.createInputStream(fs.open(path))) {
                LineReader reader = new LineReader(in, 1 << 16);
                Text text = new Text();
                long line = 0;
                long pos = 0;
                if (start > 0) {
                    while (pos <= start) { // the line holding byte `start` belongs to the split before
                        int n = reader.readLine(text);
                        if (n == 0) {
                            return -1;
                        }
                        pos += n;
                        line++;
                    }
                }
                boolean header = kind == Kind.CSV && start == 0;
                long seen = 0;
                while (true) {
                    int n = reader.readLine(text);
                    if (n == 0) {
                        return -1;
                    }
                    line++;
                    boolean isRow = kind != Kind.CSV || !text.toString().trim().isEmpty();
                    if (isRow && header) {
                        header = false;
                        continue;
                    }
                    if (isRow && ++seen == row) {
                        return line;
                    }
                }
            }
        } catch (IOException e) {
            return -1;
        }
    }
}
