package dev.scratchnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.data.ImageSet;
import dev.scratchnet.data.Mnist;
import dev.scratchnet.network.NetworkSettings;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.registry.Settings;
import dev.scratchnet.report.MetricsCsv;
import dev.scratchnet.report.Sha256;
import dev.scratchnet.run.ModelFile;
import dev.scratchnet.testing.BlockingFileSystem;
import dev.scratchnet.testing.Exports;
import dev.scratchnet.testing.SparkTestContext;
import dev.scratchnet.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 18, as a user meets it on the command line: every kind of bad data (LibSVM, CSV, Parquet, IDX) and every
 * setting that does not fit the data ends the run with exit 2 and one last line naming the file, the line as an
 * editor numbers it, the index or column as the file numbers it, and what is wrong; no stack trace reaches the
 * console, and a refused run leaves no summary or model. Spark's own log lines are not on these streams (log4j
 * writes them): {@code BadDataIT} checks them through {@code ./submit.sh}.
 */
class BadDataTest {
    @TempDir
    static Path tmp;
    static Path good;
    static Path idx;

    /** Line {@code i + 1} of the LibSVM test files: label {@code i mod 3}, 20 features, index 20 always written. */
    static String libsvmLine(int i) {
        StringBuilder line = new StringBuilder().append(i % 3);
        for (int f = 1; f <= 20; f++) {
            if ((i + f) % 3 != 0 || f == 20) {
                line.append(' ').append(f).append(':').append(((i * 7 + f * 3) % 10) / 10.0);
            }
        }
        return line.toString();
    }

    /** The LibSVM file of 300 lines, line {@code n} (from 1) replaced by {@code replacement} when n &gt; 0. */
    static Path libsvm(String name, int n, String replacement) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            lines.add(i + 1 == n ? replacement : libsvmLine(i));
        }
        return write(tmp.resolve(name), String.join("\n", lines) + "\n");
    }

    static final String CSV_HEADER = "label,f1,f2,f3,f4,f5";

    /** A CSV file of a header and 300 rows, line {@code n} (the header is line 1) replaced when n &gt; 0. */
    static Path csv(String name, int n, String replacement) {
        List<String> lines = new ArrayList<>(List.of(CSV_HEADER));
        for (int i = 0; i < 300; i++) {
            StringBuilder row = new StringBuilder().append(i % 3);
            for (int f = 1; f <= 5; f++) {
                row.append(',').append(((i * 7 + f * 3) % 10) / 10.0);
            }
            lines.add(lines.size() + 1 == n ? replacement : row.toString());
        }
        return write(tmp.resolve(name), String.join("\n", lines) + "\n");
    }

    /** 300 LibSVM lines, of which line 40 is blank, line 41 a comment and line 250 bad. */
    static Path late() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            lines.add(i + 1 == 40 ? "" : i + 1 == 41 ? "# a comment" : i + 1 == 250 ? "1 2:0.5 7:x1 20:1" : libsvmLine(i));
        }
        return write(tmp.resolve("late.libsvm"), String.join("\n", lines) + "\n");
    }

    static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first half of {@code file}, gzip-compressed: a truncated download. */
    static Path truncatedGzip(Path file, String name) {
        try {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(buffer)) {
                gz.write(Files.readAllBytes(file));
            }
            byte[] all = buffer.toByteArray();
            return Files.write(tmp.resolve(name), Arrays.copyOf(all, all.length / 2));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code data} as raw IDX files (MNIST's names) in {@code folder}. */
    static Path idx(String folder, Mnist.Split data) {
        Path dir = tmp.resolve(folder);
        Exports.idx(data.train(), dir, "train", false);
        Exports.idx(data.test(), dir, "t10k", false);
        return dir;
    }

    /** {@code d} with label {@code index} (from 0) set to {@code label}, which may be beyond 0 … 9. */
    static ImageSet withLabel(ImageSet d, int index, int label) {
        byte[] labels = d.labels().clone();
        labels[index] = (byte) label;
        return ImageSet.of(d.pixels(), labels, d.rows(), d.cols(), 256);
    }

    @BeforeAll
    static void files() {
        good = libsvm("good.libsvm", 0, null);
        libsvm("good-test.libsvm", 0, null);
        Mnist.Split data = TestData.subset(600, 100);
        idx = idx("idx", data);
        idx("idx-train-label-12", new Mnist.Split(withLabel(data.train(), 5, 12), data.test()));
        idx("idx-test-label-12", new Mnist.Split(data.train(), withLabel(data.test(), 5, 12)));
        byte[] wide = Arrays.copyOf(data.test().pixels(), 100 * 28 * 29);
        idx("idx-test-28x29", new Mnist.Split(data.train(), ImageSet.of(wide, data.test().labels(), 28, 29, 10)));
        Path truncated = idx("idx-truncated", data).resolve("train-images-idx3-ubyte");
        try (java.nio.channels.FileChannel f = java.nio.channels.FileChannel.open(truncated,
                java.nio.file.StandardOpenOption.WRITE)) {
            f.truncate(16 + 100_000); // the header, then 100,000 of the 470,400 pixel bytes: a cut-off download
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (JavaSparkContext sc = SparkTestContext.start()) {
            SparkSession spark = SparkTestContext.session(sc);
            StructType schema = new StructType()
                    .add(NominalAttribute.defaultAttr().withName("label").withNumValues(4).toStructField())
                    .add("x", DataTypes.DoubleType).add("y", DataTypes.DoubleType);
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                rows.add(RowFactory.create((double) (i % 3), i / 60.0, (i % 7) / 7.0));
            }
            spark.createDataFrame(rows, schema).coalesce(1).write().parquet(tmp.resolve("four-classes.parquet").toString());
        }
    }

    static final String[] RUN = {"hidden", "8", "weightInit", "he", "batchSize", "50", "optimizer", "adam",
            "learningRate", "0.01", "epochs", "1", "steps", "0", "partitions", "2", "evalTrain", "false"};

    static SparkConf conf(Path out, String... kv) {
        List<String> all = new ArrayList<>(List.of(RUN));
        all.addAll(List.of(kv));
        return MainTest.conf(out, all.toArray(new String[0]));
    }

    static String file(String name) {
        return "file:" + tmp.resolve(name);
    }

    /**
     * What issue 18 asks of a refused run: the exit code, no stack-trace line on the console, the last line
     * {@code expected}, and no summary.json or model.npz.
     */
    static void assertRefused(MainTest.Run r, int code, String expected, Path out) {
        assertEquals(code, r.code(), r.out() + r.err());
        assertNoTrace(r);
        List<String> lines = r.err().lines().toList();
        String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        if (expected.startsWith(LIKE)) {
            assertTrue(last.matches(expected.substring(LIKE.length())), "[" + last + "] should match " + expected);
        } else {
            assertEquals(expected, last, r.err());
        }
        assertFalse(r.out().contains("done: "), r.out());
        for (String f : List.of("summary.json", "model.npz")) {
            assertFalse(Files.exists(out.resolve(f)), "no " + f + " from a refused run");
        }
        assertFalse(Files.exists(out), "no output folder (nor its lock file) from a refused run");
    }

    static void assertNoTrace(MainTest.Run r) {
        for (String line : (r.out() + r.err()).lines().toList()) {
            assertFalse(line.matches("\\s+at .*") || line.contains("Caused by:") || line.contains("Lost task"),
                    "a stack-trace line on the console: " + line);
        }
    }

    static String[] libsvmRun(Path train, String... kv) {
        List<String> all = new ArrayList<>(List.of("data.format", "libsvm", "data.train", train.toString()));
        all.addAll(List.of(kv));
        return all.toArray(new String[0]);
    }

    static String[] csvRun(Path train, String... kv) {
        List<String> all = new ArrayList<>(List.of("data.format", "csv", "data.train", train.toString()));
        all.addAll(List.of(kv));
        return all.toArray(new String[0]);
    }

    /** Marks an expected line as a regular expression. */
    static final String LIKE = "like:";

    static String like(String... parts) {
        StringBuilder regex = new StringBuilder(LIKE);
        for (int i = 0; i < parts.length; i++) {
            regex.append(i % 2 == 0 ? java.util.regex.Pattern.quote(parts[i]) : parts[i]);
        }
        return regex.toString();
    }

    static Arguments refused(String name, String[] settings, String expected) {
        return Arguments.of(name, settings, expected);
    }

    /** Every case of issue 18 that ends in exit 2 with one line: the settings, and that line. */
    static Stream<Arguments> cases() {
        String mnistReads = "spark.scratchnet.data.format=mnist reads the IDX files in spark.scratchnet.data.dir: set "
                + "spark.scratchnet.data.format to libsvm, parquet or csv to read it, or leave ";
        String libsvmAt5 = "scratchnet: file:%s: line 5";
        return Stream.of(
                // 1. A path the chosen format does not read.
                refused("1: data.train with the default format mnist", new String[] {"data.train", good.toString()},
                        "scratchnet: spark.scratchnet.data.train is set (" + good + "), but " + mnistReads
                                + "spark.scratchnet.data.train empty"),
                refused("1: data.test with data.format=mnist", new String[] {"data.format", "mnist", "data.test", good.toString()},
                        "scratchnet: spark.scratchnet.data.test is set (" + good + "), but " + mnistReads
                                + "spark.scratchnet.data.test empty"),
                refused("1: data.dir changed with data.format=libsvm", libsvmRun(good, "data.dir", idx.toString()),
                        "scratchnet: spark.scratchnet.data.dir is set (" + idx + "), but spark.scratchnet.data.format=libsvm"
                                + " reads spark.scratchnet.data.train and spark.scratchnet.data.test: set the paths there, or "
                                + "spark.scratchnet.data.format=mnist to read IDX files from that folder"),
                // 2. MNIST labels outside 0 … 9, training and test labels.
                refused("2: a training label byte of 12", new String[] {"data.dir", tmp.resolve("idx-train-label-12").toString()},
                        "scratchnet: " + file("idx-train-label-12/train-labels-idx1-ubyte")
                                + ": record 6: label 12 is outside 0 … 9 (10 classes)"),
                refused("2: a truncated IDX image file", new String[] {"data.dir", tmp.resolve("idx-truncated").toString()},
                        "scratchnet: " + file("idx-truncated/train-images-idx3-ubyte")
                                + ": truncated data: expected 470400 bytes of data, found 100000"),
                refused("2: a test label byte of 12", new String[] {"data.dir", tmp.resolve("idx-test-label-12").toString()},
                        "scratchnet: " + file("idx-test-label-12/t10k-labels-idx1-ubyte")
                                + ": record 6: label 12 is outside 0 … 9 (10 classes)"),
                // 3. CSV rows of another width than the header.
                refused("3: a CSV row wider than the header", csvRun(csv("wide.csv", 8, "1,0.1,0.2,0.3,0.4,0.5,0.6")),
                        "scratchnet: " + file("wide.csv") + ": line 8: 7 values, the header has 6 (" + CSV_HEADER + ")"),
                refused("3: a CSV row narrower than the header", csvRun(csv("narrow.csv", 8, "1,0.1,0.2,0.3")),
                        "scratchnet: " + file("narrow.csv") + ": line 8: 4 values, the header has 6 (" + CSV_HEADER + ")"),
                // 4. Errors found inside Spark tasks, by our parsers or by Spark's readers.
                refused("4: LibSVM 5:abc", libsvmRun(libsvm("abc.libsvm", 5, "1 2:0.5 5:abc 20:1")),
                        String.format(libsvmAt5, tmp.resolve("abc.libsvm")) + ", index 5: 'abc' is not a number"),
                refused("4: LibSVM 5:nan", libsvmRun(libsvm("nan.libsvm", 5, "1 2:0.5 5:nan 20:1")),
                        String.format(libsvmAt5, tmp.resolve("nan.libsvm")) + ", index 5: 'nan' is not a finite number"),
                refused("4: LibSVM 5:Inf", libsvmRun(libsvm("inf.libsvm", 5, "1 2:0.5 5:Inf 20:1")),
                        String.format(libsvmAt5, tmp.resolve("inf.libsvm")) + ", index 5: 'Inf' is not a finite number"),
                refused("4: LibSVM index 0", libsvmRun(libsvm("index0.libsvm", 5, "1 0:0.5 5:1 20:1")),
                        String.format(libsvmAt5, tmp.resolve("index0.libsvm")) + ", index 0: LibSVM indices start at 1"),
                refused("4: LibSVM descending indices", libsvmRun(libsvm("descending.libsvm", 5, "1 5:0.5 2:1 20:1")),
                        String.format(libsvmAt5, tmp.resolve("descending.libsvm"))
                                + ", index 2 after index 5: indices must be in ascending order"),
                refused("4: LibSVM duplicate index", libsvmRun(libsvm("duplicate.libsvm", 5, "1 2:0.5 2:1 20:1")),
                        String.format(libsvmAt5, tmp.resolve("duplicate.libsvm")) + ", index 2 appears twice"),
                refused("4: LibSVM negative label", libsvmRun(libsvm("negative.libsvm", 5, "-1 2:0.5 20:1")),
                        String.format(libsvmAt5, tmp.resolve("negative.libsvm"))
                                + ": label -1 is not a class index (an integer 0 … K-1)"),
                refused("4: LibSVM fractional label", libsvmRun(libsvm("fraction.libsvm", 5, "1.5 2:0.5 20:1")),
                        String.format(libsvmAt5, tmp.resolve("fraction.libsvm"))
                                + ": label 1.5 is not a class index (an integer 0 … K-1)"),
                refused("4: LibSVM line numbers count blank and comment lines, in a later split",
                        libsvmRun(late()),
                        "scratchnet: " + file("late.libsvm") + ": line 250, index 7: 'x1' is not a number"),
                refused("4: a CSV cell that is not a number", csvRun(csv("cell.csv", 8, "1,0.1,abc,0.3,0.4,0.5")),
                        "scratchnet: " + file("cell.csv") + ": line 8, column 3 'f2': 'abc' is not a number"),
                refused("4: a CSV cell nan", csvRun(csv("nan.csv", 8, "1,0.1,nan,0.3,0.4,0.5")),
                        "scratchnet: " + file("nan.csv") + ": line 8, column 3 'f2': 'nan' is not a finite number"),
                refused("4: a text label in CSV", csvRun(csv("text-label.csv", 8, "cat,0.1,0.2,0.3,0.4,0.5")),
                        "scratchnet: " + file("text-label.csv") + ": line 8, column 1 'label': label 'cat' is not a "
                                + "number (index text labels with StringIndexer)"),
                refused("4: a truncated LibSVM .gz", libsvmRun(truncatedGzip(good, "truncated.libsvm.gz")),
                        like("scratchnet: " + file("truncated.libsvm.gz") + ": cannot be read after line ", "\\d+",
                                ": it ends early (", ".*", "): truncated or corrupt")),
                refused("4: a truncated CSV .gz", csvRun(truncatedGzip(csv("whole.csv", 0, null), "truncated.csv.gz")),
                        like("scratchnet: " + file("truncated.csv.gz") + ": cannot be read after line ", "\\d+",
                                ": it ends early (", ".*", "): truncated or corrupt")),
                refused("4: a CSV file read as Parquet", new String[] {"data.format", "parquet", "data.train",
                                csv("not-parquet.csv", 0, null).toString()},
                        like("scratchnet: spark.scratchnet.data.train: " + file("not-parquet.csv") + " is not a Parquet "
                                + "file. Expected magic number at tail, but found [", "[0-9, ]+",
                                "] (spark.scratchnet.data.format=parquet)")),
                // 5. Test data wider than the training data.
                refused("5: a LibSVM test index beyond the training width", libsvmRun(good, "data.test",
                                libsvm("wide-test.libsvm", 11, "1 2:0.5 25:1").toString()),
                        "scratchnet: " + file("wide-test.libsvm") + ": line 11, index 25: the test data is wider than the "
                                + "training data, which has 20 features (its largest index, on " + file("good.libsvm")
                                + ": line 1)"),
                refused("5: IDX test images 28x29, training 28x28", new String[] {"data.dir", tmp.resolve("idx-test-28x29").toString()},
                        "scratchnet: " + file("idx-test-28x29/t10k-images-idx3-ubyte") + ": 28x29 test images, but "
                                + file("idx-test-28x29/train-images-idx3-ubyte") + " has 28x28 training images"),
                // 6. Values that no float (or no scaled float) holds: a data error, never "training diverged".
                refused("6: LibSVM 5:1e39", libsvmRun(libsvm("huge.libsvm", 5, "1 2:0.5 5:1e39 20:1")),
                        String.format(libsvmAt5, tmp.resolve("huge.libsvm"))
                                + ", index 5: 1e39 is beyond single precision's range (±3.4e38), in which features are cached"),
                refused("6: a value beyond range after data.scale", libsvmRun(good, "data.scale", "1e300"),
                        "scratchnet: " + file("good.libsvm") + ": line 1, index 1: 0.3 times data.scale 1.0E300 is beyond "
                                + "single precision's range (±3.4e38)"),
                refused("6: a CSV value beyond range after data.scale", csvRun(csv("scaled.csv", 0, null), "data.scale", "1e300"),
                        "scratchnet: " + file("scaled.csv") + ": line 2, column 2 'f1': 0.3 times data.scale 1.0E300 is "
                                + "beyond single precision's range (±3.4e38)"),
                // 7. More partitions than examples.
                refused("7: partitions=100000 on 300 LibSVM rows", libsvmRun(good, "partitions", "100000"),
                        "scratchnet: spark.scratchnet.partitions: 100000 partitions for the 300 training examples of "
                                + file("good.libsvm") + ": at most one partition an example (fewer, about one per "
                                + "executor core, is faster)"),
                refused("7: partitions=1000 on 300 CSV rows", csvRun(csv("few.csv", 0, null), "partitions", "1000"),
                        "scratchnet: spark.scratchnet.partitions: 1000 partitions for the 300 training examples of "
                                + file("few.csv") + ": at most one partition an example (fewer, about one per "
                                + "executor core, is faster)"),
                refused("7: partitions=1000 on 600 IDX images", new String[] {"data.dir", idx.toString(), "partitions", "1000"},
                        "scratchnet: spark.scratchnet.partitions: 1000 partitions for the 600 training examples of "
                                + file("idx/train-images-idx3-ubyte") + ": at most one partition an example (fewer, "
                                + "about one per executor core, is faster)"),
                // 8. An absurd LibSVM index, named before anything is allocated.
                refused("8: a LibSVM index of 10^8", libsvmRun(libsvm("wide.libsvm", 5, "1 2:0.5 100000000:1")),
                        String.format(libsvmAt5, tmp.resolve("wide.libsvm")) + ", index 100000000: LibSVM's feature count"
                                + " is the largest index, so every example is 100000000 values wide: the 300 examples of "
                                + "input partition 0 alone would need 120.0 GB cached (a float a value), more than half of "
                                + "the driver's " + heap() + " GB heap (local mode; --driver-memory); fix the index if it is "
                                + "a mistake, or use fewer features (scratchnet keeps examples dense)"));
    }

    /** The driver's heap as the message says it (here the test JVM's, which is the driver). */
    static String heap() {
        return String.format(java.util.Locale.ROOT, "%.1f", Runtime.getRuntime().maxMemory() / 1e9);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedWithOneLineNamingTheCulprit(String name, String[] settings, String expected) {
        Path out = tmp.resolve("out-" + name.replaceAll("[^a-zA-Z0-9]+", "-"));
        SparkConf conf = conf(out, settings);
        if (name.contains("later split")) {
            // Splits of 4 KB: line 250 is read by a task whose split starts far into the file.
            conf.set("spark.sql.files.maxPartitionBytes", "4096").set("spark.sql.files.openCostInBytes", "0")
                    .set("spark.scratchnet.partitions", "auto");
        }
        assertRefused(MainTest.run(conf, "train"), 2, expected, out);
    }

    @Test
    void evaluateAndInProcessTrainingRefuseTheLabelTrainingRefuses() throws IOException {
        Path dir = tmp.resolve("idx-test-label-12");
        String expected = "scratchnet: " + dir.resolve("t10k-labels-idx1-ubyte") + ": record 6: label 12 is outside 0 … 9 (10 classes)";
        Path out = tmp.resolve("out-in-process-label-12");
        assertRefused(MainTest.run(conf(out, "data.dir", dir.toString()), "train", "--in-process"), 2, expected, out);
        Path truncated = tmp.resolve("idx-truncated");
        assertRefused(MainTest.run(conf(out, "data.dir", truncated.toString()), "train", "--in-process"), 2, "scratchnet: "
                + truncated.resolve("train-images-idx3-ubyte") + ": truncated data: expected 470400 bytes of data, found "
                + "100000", out);
        Path model = Files.createDirectories(tmp.resolve("model-784-8-10"));
        NetworkSpec spec = NetworkSettings.spec(Settings.parse(Map.of("spark.scratchnet.hidden", "8")), 784, 10);
        ModelFile.save(model, spec, new double[spec.parameterCount()]);
        assertRefused(MainTest.run(conf(tmp.resolve("unused"), "data.dir", dir.toString()), "evaluate", "--model",
                model.toString()), 2, expected, tmp.resolve("unused"));
    }

    @Test
    void theClassesAreLoggedWithTheirCountsAndEmptyClassesAreWarnedAbout() {
        Path out = tmp.resolve("out-label-10");
        MainTest.Run r = MainTest.run(conf(out, libsvmRun(libsvm("label-10.libsvm", 5, "10 2:0.5 20:1"))), "train");
        assertEquals(0, r.code(), r.out() + r.err());
        assertNoTrace(r);
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.contains("classes: 11 (0: 100, 1: 99, 2: 100, 3: 0, 4: 0, 5: 0, 6: 0, 7: 0, 8: 0, 9: 0, 10: 1)"),
                r.out());
        assertTrue(lines.contains("warning: classes 3 … 9 have no training examples (the network has 11 classes, one per "
                + "index 0 … 10 up to the largest label; labels must be class indices 0 … K-1)"), r.out());
        assertTrue(r.out().contains("network 20-8-11 relu"), r.out());
        assertTrue(lines.get(lines.size() - 1).startsWith("done: "), "the run's last line: " + r.out());
        assertTrue(Files.exists(out.resolve("summary.json")) && Files.exists(out.resolve("model.npz")));

        Path mnist = tmp.resolve("out-mnist-classes");
        MainTest.Run m = MainTest.run(conf(mnist, "data.dir", idx.toString()), "train");
        assertEquals(0, m.code(), m.err());
        long[] counts = new long[10];
        for (int i = 0; i < 600; i++) {
            counts[TestData.mnist().train().label(i)]++;
        }
        StringBuilder expected = new StringBuilder("classes: 10 (");
        for (int k = 0; k < 10; k++) {
            expected.append(k == 0 ? "" : ", ").append(k).append(": ").append(counts[k]);
        }
        assertTrue(m.out().lines().anyMatch(l -> l.equals(expected + ")")), m.out());
        assertFalse(m.out().contains("warning:"), m.out());
    }

    @Test
    void theClassCountComesFromTheLabelColumnsMetadata() {
        Path out = tmp.resolve("out-metadata");
        MainTest.Run r = MainTest.run(conf(out, "data.format", "parquet", "data.train",
                tmp.resolve("four-classes.parquet").toString(), "batchSize", "20"), "train");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("classes: 4 (0: 20, 1: 20, 2: 20, 3: 0)"), r.out());
        assertTrue(r.out().contains("warning: class 3 has no training examples"), r.out());
        assertTrue(r.out().contains("network 2-8-4 relu"), r.out());
    }

    @Test
    void aStopRequestedWhileTheDataIsReadEndsTheRunAtOnce() throws Exception {
        Path out = tmp.resolve("out-stop-while-reading");
        SparkConf conf = conf(out, libsvmRun(Path.of(BlockingFileSystem.uri(good))))
                .set("spark.hadoop.fs.blocking.impl", BlockingFileSystem.class.getName())
                .set("spark.hadoop.fs.blocking.impl.disable.cache", "true");
        MainTest.Run[] result = new MainTest.Run[1];
        Thread run = new Thread(() -> result[0] = MainTest.run(conf, "train"));
        try {
            run.start();
            await("a read of the training data", () -> BlockingFileSystem.waiting() > 0 || !run.isAlive());
            assertTrue(run.isAlive(), "the run is still reading: " + (result[0] == null ? "" : result[0].err()));
            Interrupts.receive("TERM");
            run.join(TimeUnit.SECONDS.toMillis(120));
            assertFalse(run.isAlive(), "the run ended");
        } finally {
            Interrupts.reset();
        }
        assertRefused(result[0], 143, "scratchnet: SIGTERM: stopped while reading the data; nothing was written", out);
        assertFalse(Files.exists(out.resolve("metrics.csv")));
    }

    @Test
    void aFolderDescribesOneRunWhateverStopsTheNextOne() throws Exception {
        Path out = tmp.resolve("out-one-run");
        MainTest.Run first = MainTest.run(conf(out, "data.dir", idx.toString(), "epochs", "3"), "train");
        assertEquals(0, first.code(), first.err());
        String model = Sha256.of(out.resolve("model.npz"));
        String summary = Files.readString(out.resolve("summary.json"));

        // A run that fails before it writes anything leaves the earlier run as it was.
        MainTest.Run refused = MainTest.run(conf(out, libsvmRun(tmp.resolve("abc.libsvm"))), "train");
        assertEquals(2, refused.code(), refused.err());
        assertEquals(model, Sha256.of(out.resolve("model.npz")));
        assertEquals(summary, Files.readString(out.resolve("summary.json")));
        assertEquals(3, MetricsCsv.read(out.resolve("metrics.csv")).size());

        // A run stopped after its first epoch leaves its own metrics and checkpoint, and none of the earlier files.
        MainTest.Run[] result = new MainTest.Run[1];
        Thread run = new Thread(() -> result[0] = MainTest.run(conf(out, "data.dir", idx.toString(), "epochs", "1000",
                "batchSize", "100"), "train"));
        try {
            run.start();
            await("the second run's first epoch", () -> !run.isAlive() || !Files.exists(out.resolve("summary.json"))
                    && Files.exists(out.resolve("metrics.csv")));
            Interrupts.receive("TERM");
            run.join(TimeUnit.SECONDS.toMillis(120));
            assertFalse(run.isAlive(), "the run ended");
        } finally {
            Interrupts.reset();
        }
        assertEquals(143, result[0].code(), result[0].err());
        assertNoTrace(result[0]);
        String last = result[0].err().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.matches("scratchnet: SIGTERM: interrupted at epoch \\d+ step \\d+ \\(global step \\d+\\); the "
                + "checkpoint in .*checkpoint continues with spark.scratchnet.resume=true"), last);
        for (String f : List.of("summary.json", "model.npz", "model.json")) {
            assertFalse(Files.exists(out.resolve(f)), "the earlier run's " + f + " is gone");
        }
        List<dev.scratchnet.report.EpochMetrics> metrics = MetricsCsv.read(out.resolve("metrics.csv"));
        assertTrue(metrics.get(0).step() == 6, "the metrics are the second run's (6 steps an epoch): " + metrics);
        assertTrue(Files.exists(out.resolve("accuracy.png")));
        assertTrue(Files.exists(out.resolve("checkpoint/checkpoint.json")));
    }

    /** Waits up to two minutes for {@code condition}. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "no " + what + " after 120 s");
            Thread.sleep(20);
        }
    }
}
