package dev.scratchnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.data.Mnist;
import dev.scratchnet.run.ModelFile;
import dev.scratchnet.testing.Exports;
import dev.scratchnet.testing.SparkTestContext;
import dev.scratchnet.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line on data that is not MNIST's IDX files: an export trains to the IDX run's parameters, and each
 * kind of bad data is one line, exit 2, and no output.
 */
class DataFormatsTest {
    @TempDir
    static Path tmp;
    static Path idx;

    @BeforeAll
    static void exports() {
        Mnist.Split data = TestData.subset(2000, 400);
        idx = tmp.resolve("idx");
        Exports.idx(data.train(), idx, "train", false);
        Exports.idx(data.test(), idx, "t10k", true);
        Exports.libsvm(data.train(), tmp.resolve("train.libsvm"));
        Exports.libsvm(data.test(), tmp.resolve("test.libsvm"));
        try (JavaSparkContext sc = SparkTestContext.start()) {
            SparkSession spark = SparkTestContext.session(sc);
            Exports.parquet(spark, data.train(), tmp.resolve("train.parquet"));
            StructType words = new StructType().add("label", DataTypes.StringType).add("x", DataTypes.DoubleType);
            spark.createDataFrame(List.of(RowFactory.create("cat", 1.0)), words).write().parquet(tmp.resolve("words.parquet").toString());
            spark.createDataFrame(List.<org.apache.spark.sql.Row>of(), words.add("y", DataTypes.DoubleType))
                    .write().parquet(tmp.resolve("empty.parquet").toString());
        }
        try {
            Files.writeString(tmp.resolve("bad.csv"), "label,a,b\n1,0.5,2\n0,abc,1\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static final String[] RUN = {"hidden", "16", "weightInit", "he", "batchSize", "200", "optimizer", "momentum",
            "learningRate", "0.1", "epochs", "1", "steps", "0", "partitions", "2", "evalTrain", "false"};

    static MainTest.Run train(Path out, String... kv) {
        List<String> all = new ArrayList<>(List.of(RUN));
        all.addAll(List.of(kv));
        return MainTest.run(MainTest.conf(out, all.toArray(new String[0])), "train");
    }

    @Test
    void libsvmAndParquetThroughTheCommandLineEndWhereTheIdxRunEnds() {
        MainTest.Run fromIdx = train(tmp.resolve("out-idx"), "data.dir", idx.toString());
        assertEquals(0, fromIdx.code(), fromIdx.err());
        double[] expected = ModelFile.load(tmp.resolve("out-idx")).params();
        MainTest.Run libsvm = train(tmp.resolve("out-libsvm"), "data.format", "libsvm",
                "data.train", tmp.resolve("train.libsvm").toString(), "data.test", tmp.resolve("test.libsvm").toString(),
                "data.scale", Exports.SCALE);
        assertEquals(0, libsvm.code(), libsvm.err());
        MainTest.Run parquet = train(tmp.resolve("out-parquet"), "data.format", "parquet",
                "data.train", tmp.resolve("train.parquet").toUri().toString(), "data.scale", Exports.SCALE);
        assertEquals(0, parquet.code(), parquet.err());
        for (String run : List.of("out-libsvm", "out-parquet")) {
            double diff = TestData.maxRelativeDifference(ModelFile.load(tmp.resolve(run)).params(), expected);
            assertTrue(diff <= 1e-9, run + " vs IDX: " + diff);
        }
        assertTrue(libsvm.out().contains("test acc"), "the LibSVM test set is evaluated");
    }

    void assertOneLine(MainTest.Run r, Path out, String expected) {
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("scratchnet: ") && r.err().contains(expected), "expected '" + expected + "' in " + r.err());
        for (String f : List.of("model.npz", "summary.json", "metrics.csv", "checkpoint")) {
            assertFalse(Files.exists(out.resolve(f)), "no " + f + " from a failed run");
        }
    }

    @Test
    void badDataIsOneLineNamingTheFileColumnOrRow() {
        Path out = tmp.resolve("out-bad");
        assertOneLine(train(out, "data.format", "parquet", "data.train", tmp.resolve("train.parquet").toString(),
                "data.label", "digit"), out, "no label column 'digit' (columns: label, features)");
        assertOneLine(train(out, "data.format", "parquet", "data.train", tmp.resolve("nowhere.parquet").toString()),
                out, "spark.scratchnet.data.train: file:" + tmp.resolve("nowhere.parquet") + " does not exist");
        assertOneLine(train(out, "data.format", "csv"), out, "spark.scratchnet.data.train: must name the training data");
        assertOneLine(train(out, "data.format", "csv", "data.train", tmp.resolve("bad.csv").toString()), out,
                "scratchnet: file:" + tmp.resolve("bad.csv") + ": line 3, column 2 'a': 'abc' is not a number");
        assertOneLine(train(out, "data.format", "parquet", "data.train", tmp.resolve("words.parquet").toString()), out,
                ": row 1, column 'label': label 'cat' is not a number (index text labels with StringIndexer)");
        assertOneLine(train(out, "data.format", "parquet", "data.train", tmp.resolve("empty.parquet").toString()), out,
                "no examples (the data is empty)");
    }

    @Test
    void aMistypedDataFolderIsAnErrorAndNeverAFetch() {
        Path out = tmp.resolve("out-typo");
        Path typo = tmp.resolve("data/mnsit");
        assertOneLine(train(out, "data.dir", typo.toString()), out, typo + " does not exist; ./submit.sh fetch-data --conf "
                + "spark.scratchnet.data.dir=" + typo + " fetches MNIST there");
        assertFalse(Files.exists(typo), "nothing fetched into a folder nobody asked for");
        assertFalse(Files.exists(out), "no output folder (nor its lock file) for a run refused before it began");
        MainTest.Run inProcess = MainTest.run(MainTest.conf(out, "data.dir", typo.toString()), "train", "--in-process");
        assertOneLine(inProcess, out, "does not exist");
        assertFalse(Files.exists(typo));
        assertFalse(Files.exists(out));
        assertOneLine(train(out, "data.dir", "file:" + typo), out, typo + " does not exist");
        assertFalse(Files.exists(out));
        // What train --in-process cannot read at all is refused before the output folder too.
        MainTest.Run remote = MainTest.run(MainTest.conf(out, "data.dir", "hdfs://nowhere:8020/mnist"), "train",
                "--in-process");
        assertOneLine(remote, out, "train --in-process reads a local folder, not hdfs://nowhere:8020/mnist");
        assertFalse(Files.exists(out), "no output folder for a data folder the run cannot read");
        MainTest.Run csv = MainTest.run(MainTest.conf(out, "data.format", "csv", "data.train", tmp.resolve("t.csv").toString()),
                "train", "--in-process");
        assertOneLine(csv, out, "train --in-process reads MNIST's IDX files only, not csv");
        assertFalse(Files.exists(out), "no output folder for a format the run cannot read");
    }
}
