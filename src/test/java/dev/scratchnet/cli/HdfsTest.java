package dev.scratchnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scratchnet.data.Mnist;
import dev.scratchnet.ml.ScratchnetClassificationModel;
import dev.scratchnet.ml.ScratchnetClassifier;
import dev.scratchnet.report.Json;
import dev.scratchnet.run.ModelFile;
import dev.scratchnet.testing.Exports;
import dev.scratchnet.testing.SparkTestContext;
import dev.scratchnet.testing.TestData;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training from and writing to {@code hdfs://} on an in-process HDFS (Hadoop's MiniDFSCluster): the command line
 * reads MNIST's IDX files on HDFS and writes its outputs and checkpoints there, a resume continues from the HDFS
 * checkpoint, a folder in use is refused; the estimator fits on Parquet on HDFS and its model saves and loads there.
 */
class HdfsTest {
    @TempDir
    static Path tmp;
    static MiniDFSCluster cluster;
    static FileSystem fs;
    static String hdfs;

    @BeforeAll
    static void startHdfs() throws Exception {
        Mnist.Split data = TestData.subset(2000, 400);
        Exports.idx(data.train(), tmp.resolve("idx"), "train", false);
        Exports.idx(data.test(), tmp.resolve("idx"), "t10k", true);
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("hdfs").toString());
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
        fs = cluster.getFileSystem();
        hdfs = fs.getUri().toString();
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(tmp.resolve("idx").toUri()), new org.apache.hadoop.fs.Path("/mnist"));
        try (JavaSparkContext sc = SparkTestContext.start()) {
            Exports.parquet(SparkTestContext.session(sc), data.train(), tmp.resolve("train.parquet"));
        }
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(tmp.resolve("train.parquet").toUri()),
                new org.apache.hadoop.fs.Path("/train.parquet"));
    }

    @AfterAll
    static void stopHdfs() {
        if (cluster != null) {
            cluster.shutdown();
        }
    }

    static final String[] RUN = {"hidden", "16", "weightInit", "he", "batchSize", "200", "optimizer", "momentum",
            "learningRate", "0.1", "epochs", "2", "steps", "0", "partitions", "2", "evalTrain", "false"};

    static MainTest.Run train(String out, String... kv) {
        List<String> all = new ArrayList<>(List.of(RUN));
        all.add("data.dir");
        all.add(hdfs + "/mnist");
        all.addAll(List.of(kv));
        return MainTest.run(MainTest.conf(Path.of("unused"), all.toArray(new String[0])).set("spark.scratchnet.out", out),
                "train");
    }

    static Path local(String hdfsPath, String name) throws Exception {
        Path to = Files.createTempDirectory(tmp, name);
        fs.copyToLocalFile(new org.apache.hadoop.fs.Path(hdfsPath), new org.apache.hadoop.fs.Path(to.toUri()));
        return to.resolve(new org.apache.hadoop.fs.Path(hdfsPath).getName());
    }

    @Test
    void theCommandLineTrainsFromHdfsAndWritesItsOutputsThere() throws Exception {
        MainTest.Run r = train(hdfs + "/runs/a");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("outputs in " + hdfs + "/runs/a"), r.out());
        for (String f : List.of("model.npz", "model.json", "model.onnx", "summary.json", "metrics.csv", "accuracy.png",
                "checkpoint/checkpoint.json")) {
            assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/runs/a/" + f)), f + " on HDFS");
        }
        assertFalse(fs.exists(new org.apache.hadoop.fs.Path("/runs/a/_scratchnet.lock")), "the lock is released");
        Path copy = local("/runs/a", "a");
        JsonNode summary = Json.readTree(copy.resolve("summary.json"));
        assertEquals(20, summary.get("steps").asInt());

        // The same run with local files and a local output folder ends at the same parameters.
        MainTest.Run local = MainTest.run(MainTest.conf(tmp.resolve("local-run"), RUN)
                .set("spark.scratchnet.data.dir", tmp.resolve("idx").toString()), "train");
        assertEquals(0, local.code(), local.err());
        double diff = TestData.maxRelativeDifference(ModelFile.load(copy).params(),
                ModelFile.load(tmp.resolve("local-run")).params());
        assertTrue(diff <= 1e-9, "HDFS vs local: " + diff);
    }

    @Test
    void aRunResumesFromItsCheckpointOnHdfs() throws Exception {
        MainTest.Run whole = train(hdfs + "/runs/whole", "epochs", "4");
        assertEquals(0, whole.code(), whole.err());
        MainTest.Run first = train(hdfs + "/runs/resumed", "epochs", "4", "steps", "30");
        assertEquals(0, first.code(), first.err());
        MainTest.Run rest = train(hdfs + "/runs/resumed", "epochs", "4", "resume", "true");
        assertEquals(0, rest.code(), rest.err());
        assertTrue(rest.out().contains("resuming from"), rest.out());
        double diff = TestData.maxRelativeDifference(ModelFile.load(local("/runs/resumed", "r")).params(),
                ModelFile.load(local("/runs/whole", "w")).params());
        assertEquals(0.0, diff, "resumed from HDFS, bit for bit");
    }

    @Test
    void aFolderAnotherRunHoldsIsRefused() throws Exception {
        fs.mkdirs(new org.apache.hadoop.fs.Path("/runs/busy"));
        try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path("/runs/busy/_scratchnet.lock"))) {
            out.write("pid 1 on host elsewhere, started 2026-01-01T00:00:00Z".getBytes(StandardCharsets.UTF_8));
        }
        MainTest.Run r = train(hdfs + "/runs/busy");
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("scratchnet: output folder (spark.scratchnet.out) " + hdfs
                + "/runs/busy is in use by another run: pid 1 on host elsewhere"), r.err());
        assertFalse(fs.exists(new org.apache.hadoop.fs.Path("/runs/busy/model.npz")));
    }

    @Test
    void theEstimatorFitsOnParquetOnHdfsAndItsModelSavesAndLoadsThere() throws Exception {
        try (JavaSparkContext sc = SparkTestContext.start()) {
            SparkSession spark = SparkTestContext.session(sc);
            org.apache.spark.sql.Dataset<Row> train = spark.read().parquet(hdfs + "/train.parquet");
            ScratchnetClassificationModel model = new ScratchnetClassifier().setHidden(16).setWeightInit("he")
                    .setBatchSize(200).setSolver("momentum").setMaxIter(1).setSteps(0).setDataScale(1 / 255.0).fit(train);
            model.write().overwrite().save(hdfs + "/models/m");
            ScratchnetClassificationModel back = ScratchnetClassificationModel.load(hdfs + "/models/m");
            assertEquals(ScratchnetClassifierPredictions.of(model.transform(train)),
                    ScratchnetClassifierPredictions.of(back.transform(train)));
            org.apache.hadoop.fs.Path metadata = java.util.Arrays.stream(fs.listStatus(new org.apache.hadoop.fs.Path("/models/m/metadata")))
                    .map(org.apache.hadoop.fs.FileStatus::getPath).filter(p -> p.getName().startsWith("part-")).findFirst().orElseThrow();
            try (InputStream in = fs.open(metadata)) {
                assertTrue(new String(in.readAllBytes(), StandardCharsets.UTF_8).contains(ScratchnetClassificationModel.class.getName()));
            }
        }
    }

    /** The predictions of a transformed DataFrame, for equality checks. */
    static final class ScratchnetClassifierPredictions {
        static List<String> of(org.apache.spark.sql.Dataset<Row> transformed) {
            List<String> out = new ArrayList<>();
            for (Row r : transformed.select("prediction", "probability").collectAsList()) {
                out.add(r.get(0) + " " + r.get(1));
            }
            return out;
        }
    }
}
