package dev.scratchnet.spark;

import dev.scratchnet.Resources;
import dev.scratchnet.ScratchnetException;
import dev.scratchnet.config.Configuration;
import dev.scratchnet.data.Labels;
import dev.scratchnet.data.Mnist;
import dev.scratchnet.layers.Shape;
import dev.scratchnet.network.NetworkSettings;
import dev.scratchnet.network.Task;
import dev.scratchnet.registry.DataSettings;
import dev.scratchnet.registry.EngineSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The command line's training and test data, as the {@link DataSettings} describe them, cached on the executors:
 * MNIST's IDX files read by the executors ({@link IdxSource}), LibSVM text read by Spark's text source and parsed
 * line by line ({@link LibSvmSource}), or Parquet or CSV files read by Spark and converted partition by partition
 * ({@link FrameSource}). What can be checked before a row is read is checked first: the paths against the format,
 * IDX headers, the partitions against the examples, LibSVM's width against memory.
 */
public final class DataSources {
    private DataSources() {}

    /** Training and test blocks (test may be null), the input size and the number of classes. */
    public record Loaded(CachedBlocks train, CachedBlocks test, int features, int classes) implements AutoCloseable {
        @Override
        public void close() {
            CachedBlocks.closeBoth(train, test);
        }
    }

    /** Reads and caches the configured data; on failure nothing stays cached. */
    public static Loaded load(SparkSession spark, Configuration config) {
        return load(spark, config, new PrintStream(OutputStream.nullOutputStream()));
    }

    /**
     * Reads and caches the configured data, logging the classes and their counts (and a warning for classes
     * without training examples) to {@code log}; on failure nothing stays cached.
     */
    public static Loaded load(SparkSession spark, Configuration config, PrintStream log) {
        return load(JavaSparkContext.fromSparkContext(spark.sparkContext()), () -> spark, config, log);
    }

    /**
     * The same on {@code sc}, asking {@code session} for a SparkSession only for the sources that read through Spark
     * SQL (Parquet, CSV, LibSVM): MNIST's IDX files are read by plain RDD jobs, and building a session (Spark SQL's
     * catalog, Scala reflection) costs a cold {@code ./submit.sh} seconds it does not need.
     */
    public static Loaded load(JavaSparkContext sc, java.util.function.Supplier<SparkSession> session,
                              Configuration config, PrintStream log) {
        DataSettings.checkPaths(config);
        DataSettings.Format chosen = config.get(DataSettings.FORMAT);
        if (config.get(NetworkSettings.TASK) == Task.REGRESSION && (chosen == DataSettings.Format.MNIST
                || chosen == DataSettings.Format.LIBSVM)) {
            throw new ScratchnetException(NetworkSettings.TASK.key() + "=regression reads its numeric labels from "
                    + "parquet or csv data, not from " + DataSettings.FORMAT.key() + "=" + chosen.id()
                    + " (whose labels are class indices)");
        }
        int parts = config.get(EngineSettings.PARTITIONS);
        DataSettings.Format format = config.get(DataSettings.FORMAT);
        CachedBlocks train;
        CachedBlocks test = null;
        int declaredClasses = 0;
        if (format == DataSettings.Format.MNIST) {
            String dir = config.get(DataSettings.DATA_DIR);
            org.apache.hadoop.conf.Configuration hadoop = sc.hadoopConfiguration();
            String trainImages = find(hadoop, dir, Mnist.FILES.get(0));
            String testImages = find(hadoop, dir, Mnist.FILES.get(2));
            int count = IdxSource.checkSameSize(hadoop, testImages, trainImages);
            CachedBlocks.checkPartitions(parts, count, trainImages);
            int n = SparkEngine.partitions(sc, config); // auto: Spark's default parallelism
            train = IdxSource.cache(sc, trainImages, find(hadoop, dir, Mnist.FILES.get(1)), n, "train-blocks");
            CachedBlocks cachedTrain = train;
            test = Resources.closeOnFailure(cachedTrain::close,
                    () -> IdxSource.cache(sc, testImages, find(hadoop, dir, Mnist.FILES.get(3)), n, "test-blocks"));
            declaredClasses = Mnist.CLASSES;
        } else {
            SparkSession spark = session.get();
            String trainPath = qualify(spark, config.get(DataSettings.TRAIN), DataSettings.TRAIN.key());
            String testSetting = config.get(DataSettings.TEST);
            String testPath = testSetting.isEmpty() ? null : qualify(spark, testSetting, DataSettings.TEST.key());
            if (format == DataSettings.Format.LIBSVM) {
                CachedBlocks[] both = libsvm(spark, config, trainPath, testPath, parts);
                train = both[0];
                test = both[1];
            } else {
                FrameSource.Columns[] columns = new FrameSource.Columns[1];
                train = frame(spark, config, format, trainPath, DataSettings.TRAIN.key(), parts, "train-blocks", columns);
                declaredClasses = columns[0].declaredClasses();
                if (testPath != null) {
                    CachedBlocks cachedTrain = train;
                    test = Resources.closeOnFailure(cachedTrain::close, () -> frame(spark, config, format, testPath,
                            DataSettings.TEST.key(), 0, "test-blocks", columns));
                    if (test.features() != train.features()) {
                        CachedBlocks.closeBoth(train, test);
                        throw new ScratchnetException(DataSettings.TEST.key() + ": " + testPath + " has "
                                + test.features() + " features, the training data " + trainPath + " "
                                + train.features());
                    }
                }
            }
        }
        if (config.get(NetworkSettings.TASK) == Task.REGRESSION) {
            return new Loaded(train, test, train.features(), 1);
        }
        int classes = Math.max(declaredClasses, 1 + Math.max(train.maxLabel(), test == null ? 0 : test.maxLabel()));
        Loaded loaded = new Loaded(train, test, train.features(), classes);
        if (classes < 2) {
            loaded.close();
            throw new ScratchnetException("the training data has a single class (every label is 0): nothing to learn");
        }
        log.println(Labels.describe(classes, train.classCounts()));
        String empty = Labels.emptyClassesWarning(classes, train.classCounts());
        if (empty != null) {
            log.println(empty);
        }
        return loaded;
    }

    /**
     * LibSVM training data (two passes: the width, then the blocks) and test data (one pass, at the training
     * data's width), checked against the memory one partition's dense block needs before anything is cached.
     */
    private static CachedBlocks[] libsvm(SparkSession spark, Configuration config, String trainPath, String testPath,
                                         int parts) {
        double scale = config.get(DataSettings.SCALE);
        LibSvmSource.Lines trainLines = LibSvmSource.Lines.open(spark, trainPath);
        LibSvmSource.Width width = Resources.closeOnFailure(trainLines::close,
                () -> checkedWidth(spark, trainLines, scale, parts, trainPath));
        CachedBlocks cached = Resources.closeOnFailure(trainLines::close,
                () -> LibSvmSource.cache(trainLines, width.features(), null, scale, "train-blocks"));
        CachedBlocks train = parts > 0 ? cached.repartition(parts, "train-blocks", trainPath) : cached;
        if (testPath == null) {
            return new CachedBlocks[] {train, null};
        }
        LibSvmSource.Lines testLines = LibSvmSource.Lines.open(spark, testPath);
        String widthFrom = "which has " + width.features() + " features (its largest index, on " + width.where() + ")";
        return new CachedBlocks[] {train, Resources.closeOnFailure(() -> {
            try {
                testLines.close();
            } finally {
                train.close();
            }
        }, () -> LibSvmSource.cache(testLines, width.features(), widthFrom, scale, "test-blocks"))};
    }

    /**
     * The LibSVM training data's width (its first pass), checked against the memory one partition's dense block needs
     * and against the partition count, before anything is cached.
     */
    private static LibSvmSource.Width checkedWidth(SparkSession spark, LibSvmSource.Lines lines, double scale, int parts,
                                                   String path) {
        LibSvmSource.Width width = LibSvmSource.scan(lines, scale);
        SparkContext sc = spark.sparkContext();
        if (sc.isLocal()) {
            LibSvmSource.checkDense(width, Runtime.getRuntime().maxMemory(), String.format(Locale.ROOT,
                    "the driver's %.1f GB heap (local mode; --driver-memory)", Runtime.getRuntime().maxMemory() / 1e9));
        } else {
            long executor = sc.getConf().getSizeAsBytes("spark.executor.memory", "1g");
            LibSvmSource.checkDense(width, executor, String.format(Locale.ROOT,
                    "an executor's %.1f GB (spark.executor.memory)", executor / 1e9));
        }
        CachedBlocks.checkPartitions(parts, width.examples(), path);
        return width;
    }

    /**
     * The size of MNIST's training set and its examples' width, from the IDX headers alone (no Spark), or null
     * for formats whose size only reading tells; first checks what the settings and the headers tell: the paths
     * against the format, the test images' size, the partitions against the examples.
     */
    public static int[] peekTrain(Configuration config, org.apache.hadoop.conf.Configuration hadoop) {
        DataSettings.checkPaths(config);
        if (config.get(DataSettings.FORMAT) != DataSettings.Format.MNIST) {
            return null;
        }
        String dir = config.get(DataSettings.DATA_DIR);
        String images = find(hadoop, dir, Mnist.FILES.get(0));
        int[] train = IdxSource.peek(hadoop, images, find(hadoop, dir, Mnist.FILES.get(1)));
        IdxSource.checkSameSize(hadoop, find(hadoop, dir, Mnist.FILES.get(2)), images);
        CachedBlocks.checkPartitions(config.get(EngineSettings.PARTITIONS), train[0], images);
        return train;
    }

    /**
     * The shape of one example of the configured data: for MNIST's IDX files {@code 1 × rows × columns}, as the images
     * file's header says; for other formats a flat vector of {@code features} values (a layer list that needs an
     * image then takes {@code inputShape}).
     */
    public static Shape exampleShape(Configuration config, org.apache.hadoop.conf.Configuration hadoop, int features) {
        if (config.get(DataSettings.FORMAT) != DataSettings.Format.MNIST) {
            return Shape.flat(features);
        }
        int[] size = IdxSource.imageSize(hadoop, find(hadoop, config.get(DataSettings.DATA_DIR), Mnist.FILES.get(0)));
        return new Shape(1, size[0], size[1]);
    }

    /** The name of the column in which Spark's CSV reader puts a line it found malformed (of another width). */
    static final String CORRUPT_RECORD = "_scratchnet_malformed_line";

    /**
     * Parquet or CSV at {@code path} (qualified) as cached blocks; {@code columns[0]} is resolved from the first
     * (training) data's schema, and the test data must have those columns.
     */
    private static CachedBlocks frame(SparkSession spark, Configuration config, DataSettings.Format format, String path,
                                      String key, int parts, String name, FrameSource.Columns[] columns) {
        Dataset<Row> df;
        List<String> header = List.of();
        try {
            if (format == DataSettings.Format.CSV) {
                StructType schema = spark.read().option("header", "true").csv(path).schema();
                header = List.of(schema.fieldNames());
                df = spark.read().schema(schema.add(CORRUPT_RECORD, DataTypes.StringType)).option("header", "true")
                        .option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", CORRUPT_RECORD).csv(path);
            } else {
                df = spark.read().parquet(path);
            }
        } catch (Exception e) { // AnalysisException, SparkException
            String file = RowPositions.failedFile(e);
            String why = RowPositions.reason(e);
            throw new ScratchnetException(key + ": " + (file != null ? file : path) + (why.startsWith("is ") ? " " : ": ")
                    + why + " (" + DataSettings.FORMAT.key() + "=" + format.id() + ")", e);
        }
        StructType schema = df.schema();
        if (format == DataSettings.Format.CSV) {
            schema = new StructType(java.util.Arrays.stream(schema.fields())
                    .filter(f -> !f.name().equals(CORRUPT_RECORD)).toArray(StructField[]::new));
        }
        if (columns[0] == null) {
            String weight = config.get(DataSettings.WEIGHT);
            columns[0] = FrameSource.resolve(schema, config.get(DataSettings.FEATURES), config.get(DataSettings.LABEL), path)
                    .with(weight.isEmpty() ? null : weight, config.get(NetworkSettings.TASK) == Task.CLASSIFICATION);
        } else {
            for (String c : columns[0].all()) {
                if (!List.of(schema.fieldNames()).contains(c)) {
                    throw new ScratchnetException(key + ": " + path + " has no column '" + c + "', which the training "
                            + "data has (columns: " + String.join(", ", schema.fieldNames()) + ")");
                }
            }
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<SerializableConfiguration> hadoop = sc.broadcast(new SerializableConfiguration(sc.hadoopConfiguration()));
        RowPositions positions = RowPositions.files(format == DataSettings.Format.CSV ? RowPositions.Kind.CSV
                : RowPositions.Kind.PARQUET, hadoop);
        FrameSource.Source source = new FrameSource.Source(path, positions,
                format == DataSettings.Format.CSV ? CORRUPT_RECORD : null, header);
        // The blocks own the broadcast from here on: they release it when they are closed or fail.
        return FrameSource.cache(df, columns[0], config.get(DataSettings.SCALE), parts, name, source, hadoop::destroy);
    }

    /** {@code path} made absolute on its file system, after checking that it exists (globs are left to Spark). */
    private static String qualify(SparkSession spark, String path, String key) {
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            Path q = fs.makeQualified(p);
            if (!path.matches(".*[*?\\[{].*") && !fs.exists(q)) {
                throw new ScratchnetException(key + ": " + q + " does not exist");
            }
            return q.toString();
        } catch (IOException | IllegalArgumentException e) {
            throw new ScratchnetException(key + ": cannot open " + path + ": " + e.getMessage(), e);
        }
    }

    /** The first existing spelling of an MNIST file in {@code dir}: raw, {@code .gz}, dotted, dotted {@code .gz}. */
    private static String find(org.apache.hadoop.conf.Configuration hadoop, String dir, String name) {
        String dotted = name.replaceFirst("-idx", ".idx");
        try {
            Path folder = new Path(dir);
            FileSystem fs = folder.getFileSystem(hadoop);
            Path qualified = fs.makeQualified(folder);
            if (!fs.exists(qualified)) {
                throw new ScratchnetException(DataSettings.DATA_DIR.key() + ": " + qualified + " does not exist"
                        + (dir.equals(DataSettings.DEFAULT_MNIST_DIR) ? "" : "; ./submit.sh fetch-data --conf "
                        + DataSettings.DATA_DIR.key() + "=" + dir + " fetches MNIST there"));
            }
            for (String candidate : List.of(name, name + ".gz", dotted, dotted + ".gz")) {
                Path p = new Path(qualified, candidate);
                if (fs.exists(p)) {
                    return p.toString();
                }
            }
            throw new ScratchnetException(new Path(qualified, name) + ": MNIST file missing (also looked for " + name
                    + ".gz and " + dotted + "[.gz])");
        } catch (IOException e) {
            throw new ScratchnetException(DataSettings.DATA_DIR.key() + ": cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
