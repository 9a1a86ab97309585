package dev.scratchnet.spark;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.config.Configuration;
import dev.scratchnet.data.Mnist;
import dev.scratchnet.network.Shape;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The command line's training and test data, as the {@link DataSettings} describe them, cached on the executors:
 * MNIST's IDX files read by the executors ({@link IdxSource}), or LibSVM, Parquet or CSV files read by Spark
 * and converted partition by partition ({@link FrameSource}).
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
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int parts = config.get(EngineSettings.PARTITIONS);
        DataSettings.Format format = config.get(DataSettings.FORMAT);
        CachedBlocks train;
        CachedBlocks test = null;
        if (format == DataSettings.Format.MNIST) {
            String dir = config.get(DataSettings.DATA_DIR);
            int n = parts == 0 ? sc.defaultParallelism() : parts;
            org.apache.hadoop.conf.Configuration hadoop = sc.hadoopConfiguration();
            train = IdxSource.cache(sc, find(hadoop, dir, Mnist.FILES.get(0)), find(hadoop, dir, Mnist.FILES.get(1)), n,
                    "train-blocks");
            try {
                test = IdxSource.cache(sc, find(hadoop, dir, Mnist.FILES.get(2)), find(hadoop, dir, Mnist.FILES.get(3)), n,
                        "test-blocks");
            } catch (Throwable e) { // SparkException too: checked in Java, thrown undeclared by Scala
                train.close();
                throw e;
            }
        } else {
            String trainPath = config.get(DataSettings.TRAIN);
            if (trainPath.isEmpty()) {
                throw new ScratchnetException(DataSettings.TRAIN.key() + ": must name the training data for "
                        + DataSettings.FORMAT.key() + "=" + format.id());
            }
            train = frame(spark, config, format, trainPath, DataSettings.TRAIN.key(), -1, parts, "train-blocks");
            String testPath = config.get(DataSettings.TEST);
            if (!testPath.isEmpty()) {
                try {
                    test = frame(spark, config, format, testPath, DataSettings.TEST.key(), train.features(), 0, "test-blocks");
                } catch (Throwable e) { // SparkException too: checked in Java, thrown undeclared by Scala
                    train.close();
                    throw e;
                }
            }
        }
        Loaded loaded = new Loaded(train, test, train.features(),
                1 + Math.max(train.maxLabel(), test == null ? 0 : test.maxLabel()));
        if (test != null && test.features() != train.features()) {
            loaded.close();
            throw new ScratchnetException("the test data has " + test.features() + " features, the training data "
                    + train.features());
        }
        if (loaded.classes() < 2) {
            loaded.close();
            throw new ScratchnetException("the training data has a single class (every label is 0): nothing to learn");
        }
        return loaded;
    }

    /**
     * The size of MNIST's training set and its examples' width, from the IDX headers alone (no Spark), or null
     * for formats whose size only reading tells.
     */
    public static int[] peekTrain(Configuration config, org.apache.hadoop.conf.Configuration hadoop) {
        if (config.get(DataSettings.FORMAT) != DataSettings.Format.MNIST) {
            return null;
        }
        String dir = config.get(DataSettings.DATA_DIR);
        return IdxSource.peek(hadoop, find(hadoop, dir, Mnist.FILES.get(0)), find(hadoop, dir, Mnist.FILES.get(1)));
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

    private static CachedBlocks frame(SparkSession spark, Configuration config, DataSettings.Format format, String path,
                                      String key, int numFeatures, int parts, String name) {
        String qualified = qualify(spark, path, key);
        Dataset<Row> df;
        try {
            df = switch (format) {
                case LIBSVM -> numFeatures > 0
                        ? spark.read().format("libsvm").option("numFeatures", numFeatures).load(qualified)
                        : spark.read().format("libsvm").load(qualified);
                case PARQUET -> spark.read().parquet(qualified);
                case CSV -> spark.read().option("header", "true").csv(qualified);
                case MNIST -> throw new IllegalStateException("not a DataFrame format");
            };
        } catch (Exception e) { // AnalysisException, SparkException
            throw new ScratchnetException(key + ": cannot read " + qualified + " as " + format.id() + ": "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(e.getClass().getSimpleName()), e);
        }
        FrameSource.Columns columns = FrameSource.resolve(df.schema(), config.get(DataSettings.FEATURES),
                config.get(DataSettings.LABEL), qualified);
        return FrameSource.cache(df, columns, config.get(DataSettings.SCALE), parts, name, qualified);
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
