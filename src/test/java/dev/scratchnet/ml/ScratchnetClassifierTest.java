package dev.scratchnet.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.config.Configuration;
import dev.scratchnet.config.Setting;
import dev.scratchnet.data.ImageSet;
import dev.scratchnet.data.Mnist;
import dev.scratchnet.network.NetworkSettings;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.registry.EngineSettings;
import dev.scratchnet.registry.Settings;
import dev.scratchnet.run.RunOutputs;
import dev.scratchnet.run.TrainingRun;
import dev.scratchnet.spark.SparkEngine;
import dev.scratchnet.testing.Exports;
import dev.scratchnet.testing.SparkTestContext;
import dev.scratchnet.testing.TestData;
import dev.scratchnet.training.Trainer;
import dev.scratchnet.training.TrainingState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The estimator as a Spark ML user meets it: Params, fit, transform, Pipelines, CrossValidator, save and load. */
class ScratchnetClassifierTest {
    @TempDir
    static Path tmp;
    static JavaSparkContext sc;
    static SparkSession spark;
    static Mnist.Split data;
    static org.apache.spark.sql.Dataset<Row> train;
    static org.apache.spark.sql.Dataset<Row> test;

    @BeforeAll
    static void start() {
        data = TestData.subset(3000, 500);
        sc = SparkTestContext.start();
        spark = SparkTestContext.session(sc);
        train = spark.read().parquet(Exports.parquet(spark, data.train(), tmp.resolve("train.parquet")).toString());
        test = spark.read().parquet(Exports.parquet(spark, data.test(), tmp.resolve("test.parquet")).toString());
    }

    @AfterAll
    static void stop() {
        sc.close();
    }

    static ScratchnetClassifier small() {
        return new ScratchnetClassifier().setHidden(24).setWeightInit("he").setBatchSize(250).setSolver("momentum")
                .setStepSize(0.1).setMaxIter(2).setSeed(3).setDataScale(1 / 255.0).setPartitions(3)
                .setPrecision("double").setValidationFraction(0).setPatience(0).setRegParam(0);
    }

    @Test
    void everyParamComesFromASettingWithItsNameDocDefaultAndValidation() {
        ScratchnetClassifier c = new ScratchnetClassifier();
        String explained = c.explainParams();
        for (Setting<?> s : Settings.ALL) {
            if (s.isParam()) {
                assertTrue(c.hasParam(s.paramName()), s.paramName());
                assertTrue(explained.contains(s.paramName() + ": " + s.doc()), s.paramName());
            }
        }
        assertTrue(c.hasParam("featuresCol") && c.hasParam("probabilityCol"), "MLlib's Params stay");
        assertEquals(Settings.defaults().trajectory(), c.configuration().trajectory(), "defaults are the settings' defaults");
        assertArrayEquals(new int[] {100}, c.getHidden());
        assertEquals("adam", c.getSolver());
        Configuration set = small().setSolver("Adam").setPrecision("single").configuration();
        assertEquals("adam", set.text(dev.scratchnet.training.TrainingSettings.OPTIMIZER));
        assertEquals("24", set.text(NetworkSettings.HIDDEN));

        IllegalArgumentException lr = assertThrows(IllegalArgumentException.class, () -> c.setStepSize(-1));
        assertEquals("stepSize: must be > 0, got '-1' (valid: > 0)", lr.getMessage());
        IllegalArgumentException opt = assertThrows(IllegalArgumentException.class, () -> c.setSolver("rmsprop"));
        assertTrue(opt.getMessage().startsWith("solver: unknown optimizer, got 'rmsprop'"), opt.getMessage());
        assertThrows(IllegalArgumentException.class, () -> c.setHidden(0));
        // Every Param a setting declares: a bad value is one line naming the Param (not the conf key), at the setter.
        Map<String, org.junit.jupiter.api.function.Executable> bad = new java.util.LinkedHashMap<>();
        bad.put("dropout", () -> c.setDropout(1.5));
        bad.put("regParam", () -> c.setRegParam(-1));
        bad.put("batchSize", () -> c.setBatchSize(-5)); // 0 is auto
        bad.put("maxIter", () -> c.setMaxIter(0));
        bad.put("lrSchedule", () -> c.setLrSchedule("step:0:2"));
        bad.put("validationFraction", () -> c.setValidationFraction(1.5));
        bad.put("patience", () -> c.setPatience(-1));
        bad.put("tol", () -> c.setTol(-1));
        bad.put("monitor", () -> c.setMonitor("f1"));
        bad.forEach((param, call) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call, param);
            assertTrue(e.getMessage().startsWith(param + ": ") && !e.getMessage().contains("\n")
                    && !e.getMessage().contains("spark.scratchnet."), param + ": " + e.getMessage());
        });
        ScratchnetClassifier copy = small().copy(ParamMap.empty());
        assertEquals(small().configuration().effective(), copy.configuration().effective());
    }

    @Test
    void fitEqualsTheSameRunFromTheCommandLinesEngineAndTransformAddsMllibsColumns() {
        ScratchnetClassificationModel model = small().fit(train);
        assertArrayEquals(new int[] {784, 24, 10}, model.getLayers());
        assertEquals(2, model.history().size());
        assertTrue(Double.isNaN(model.history().get(0).testAccuracy()), "a fit has no test set");

        // The same settings and partitions, through the engine the command line uses, on the in-memory data.
        Configuration config = small().configuration();
        NetworkSpec spec = NetworkSettings.spec(config, 784, 10);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        try (SparkEngine engine = SparkEngine.of(sc, spec, data.train(), null, config.with(EngineSettings.PARTITIONS, 3))) {
            TrainingState state = new TrainingRun(config, spec, RunOutputs.checkpointsOnly(null, config, spec), quiet)
                    .startingState(engine);
            Trainer.Result r = new Trainer(config, spec, engine, quiet, Trainer.NO_LISTENER).run(state);
            double diff = TestData.maxRelativeDifference(model.weights().toArray(), r.params());
            assertTrue(diff <= 1e-9, "estimator vs engine: " + diff);
        }

        org.apache.spark.sql.Dataset<Row> out = model.transform(test);
        assertEquals(List.of("label", "features", "rawPrediction", "probability", "prediction"), List.of(out.columns()));
        assertEquals(test.count(), out.count(), "transform keeps every row");
        List<Row> rows = out.select("label", "rawPrediction", "probability", "prediction").collectAsList();
        long right = 0;
        for (Row row : rows) {
            Vector raw = row.getAs(1);
            Vector p = row.getAs(2);
            assertEquals(raw.argmax(), p.argmax());
            assertEquals(raw.argmax(), (int) row.getDouble(3));
            assertEquals(1.0, java.util.Arrays.stream(p.toArray()).sum(), 1e-9);
            right += row.getDouble(0) == row.getDouble(3) ? 1 : 0;
        }
        assertTrue(right > 0.8 * rows.size(), "accuracy " + right + " / " + rows.size());
        Vector one = test.first().getAs("features");
        assertEquals(model.predictRaw(one), rows.get(0).getAs(1));
        assertEquals(784, model.weights(1).numRows());
        assertEquals(24, model.biases(1).size());
    }

    @Test
    void aModelSavesLoadsAndExportsNpz() throws Exception {
        ScratchnetClassificationModel model = small().setMaxIter(1).fit(train);
        String path = tmp.resolve("model").toString();
        model.write().overwrite().save(path);
        ScratchnetClassificationModel back = ScratchnetClassificationModel.load(path);
        assertEquals(model.uid(), back.uid());
        assertArrayEquals(model.weights().toArray(), back.weights().toArray(), 0.0);
        assertEquals(model.history(), back.history());
        assertEquals(predictions(model.transform(test)), predictions(back.transform(test)));

        model.exportNpz(tmp.resolve("npz").toString());
        assertEquals("784-24-10 relu", dev.scratchnet.run.ModelFile.load(tmp.resolve("npz")).spec().describe());

        ScratchnetClassifier estimator = small();
        estimator.write().overwrite().save(tmp.resolve("estimator").toString());
        assertEquals(estimator.configuration().effective(),
                ScratchnetClassifier.load(tmp.resolve("estimator").toString()).configuration().effective());
    }

    @Test
    void aBrokenOrForeignSavedModelIsOneClearIllegalArgumentException() throws Exception {
        ScratchnetClassificationModel model = small().setMaxIter(1).setSteps(2).fit(train);
        Path saved = tmp.resolve("to-break");
        model.write().overwrite().save(saved.toString());
        try (var files = Files.walk(saved.resolve("data"))) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".parquet")).toList()) {
                byte[] b = Files.readAllBytes(f);
                Files.write(f, java.util.Arrays.copyOf(b, b.length / 2));
            }
        }
        IllegalArgumentException truncated = assertThrows(IllegalArgumentException.class,
                () -> ScratchnetClassificationModel.load(saved.toString()));
        assertTrue(truncated.getMessage().startsWith("scratchnet model " + saved + ": "), truncated.getMessage());
        assertFalse(truncated.getMessage().contains("\n"));

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> ScratchnetClassificationModel.load(tmp.resolve("nothing-here").toString()));
        assertTrue(missing.getMessage().contains("no readable metadata"), missing.getMessage());

        Path other = tmp.resolve("other-version");
        model.write().overwrite().save(other.toString());
        StructType schema = ModelPersistence.SCHEMA;
        Row row = spark.read().parquet(other.resolve("data").toString()).first();
        Object[] values = new Object[row.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = row.get(i);
        }
        values[1] = 3;
        spark.createDataFrame(List.of(RowFactory.create(values)), schema).write().mode("overwrite")
                .parquet(other.resolve("data").toString());
        IllegalArgumentException version = assertThrows(IllegalArgumentException.class,
                () -> ScratchnetClassificationModel.load(other.toString()));
        assertTrue(version.getMessage().endsWith("data/ is format version 3; this scratchnet reads versions 1 and 2"),
                version.getMessage());
    }

    @Test
    void badTrainingDataIsAnIllegalArgumentExceptionNamingColumnAndRow() {
        StructType schema = new StructType().add("label", DataTypes.DoubleType).add("features", SQLDataTypes.VectorType());
        Map<String, List<Row>> cases = new java.util.LinkedHashMap<>();
        cases.put("row 2 of input partition 0, column 'label': label 2.5 is not a class index",
                List.of(RowFactory.create(0.0, Vectors.dense(1, 2)), RowFactory.create(2.5, Vectors.dense(1, 2))));
        cases.put("row 1 of input partition 0, column 'label': label NaN is not a finite number",
                List.of(RowFactory.create(Double.NaN, Vectors.dense(1, 2))));
        cases.put("row 1 of input partition 0, column 'label': label -1 is not a class index",
                List.of(RowFactory.create(-1.0, Vectors.dense(1, 2))));
        cases.put("row 2 of input partition 0, column 'features' has 3 values, earlier rows have 2",
                List.of(RowFactory.create(0.0, Vectors.dense(1, 2)), RowFactory.create(1.0, Vectors.dense(1, 2, 3))));
        cases.put("row 1 of input partition 0, column 'features' at vector index 1: NaN is not a finite number",
                List.of(RowFactory.create(1.0, Vectors.dense(1, Double.NaN))));
        cases.put("no examples (the data is empty)", List.of());
        for (Map.Entry<String, List<Row>> e : cases.entrySet()) {
            org.apache.spark.sql.Dataset<Row> df = spark.createDataFrame(e.getValue(), schema).coalesce(1);
            int before = sc.sc().getPersistentRDDs().size();
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> small().setPartitions(0).fit(df));
            assertEquals("the DataFrame: " + e.getKey(), x.getMessage().replaceFirst(" \\(an integer 0 … K-1\\)$", ""));
            assertEquals(before, sc.sc().getPersistentRDDs().size(), "nothing left cached by a failed fit");
        }
        org.apache.spark.sql.Dataset<Row> text = spark.createDataFrame(List.of(RowFactory.create(1.0, "1,2")),
                new StructType().add("label", DataTypes.DoubleType).add("features", DataTypes.StringType));
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class, () -> small().fit(text));
        assertTrue(type.getMessage().contains("features"), type.getMessage());
    }

    /** MNIST downsampled to 7×7 = 49 numeric columns {@code c0 … c48}, the digit as a word in {@code digit}. */
    static org.apache.spark.sql.Dataset<Row> wordsAndColumns(ImageSet images, int n) {
        String[] words = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};
        StructType schema = new StructType().add("digit", DataTypes.StringType);
        for (int c = 0; c < 49; c++) {
            schema = schema.add("c" + c, DataTypes.DoubleType);
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Object[] v = new Object[50];
            v[0] = words[images.label(i)];
            for (int by = 0; by < 7; by++) {
                for (int bx = 0; bx < 7; bx++) {
                    double sum = 0;
                    for (int y = 0; y < 4; y++) {
                        for (int x = 0; x < 4; x++) {
                            sum += images.pixels()[i * 784 + (by * 4 + y) * 28 + bx * 4 + x] & 0xFF;
                        }
                    }
                    v[1 + by * 7 + bx] = sum / (16 * 255.0);
                }
            }
            rows.add(RowFactory.create(v));
        }
        return spark.createDataFrame(rows, schema);
    }

    @Test
    void inAPipelineUnderCrossValidationAndThroughPipelineModelSaveAndLoad() throws Exception {
        org.apache.spark.sql.Dataset<Row> all = wordsAndColumns(data.train(), 1500);
        String[] columns = new String[49];
        for (int c = 0; c < 49; c++) {
            columns[c] = "c" + c;
        }
        VectorAssembler assembler = new VectorAssembler().setInputCols(columns).setOutputCol("features");
        StringIndexer indexer = new StringIndexer().setInputCol("digit").setOutputCol("label");
        ScratchnetClassifier classifier = new ScratchnetClassifier().setWeightInit("he").setBatchSize(100)
                .setSolver("adam").setMaxIter(3).setSeed(5).setPatience(0);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {assembler, indexer, classifier});
        ParamMap[] grid = new ParamGridBuilder()
                .addGrid(classifier.hidden(), scala.jdk.javaapi.CollectionConverters.asScala(
                        List.of(new int[] {16}, new int[] {32})))
                .addGrid(classifier.stepSize(), new double[] {0.003, 0.01})
                .build();
        assertEquals(4, grid.length);
        MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy");
        CrossValidator cv = new CrossValidator().setEstimator(pipeline).setEstimatorParamMaps(grid)
                .setEvaluator(accuracy).setNumFolds(3).setSeed(7);
        CrossValidatorModel fitted = cv.fit(all);
        assertEquals(4, fitted.avgMetrics().length);
        for (double m : fitted.avgMetrics()) {
            assertTrue(m > 0.3, "learned something in every grid point: " + java.util.Arrays.toString(fitted.avgMetrics()));
        }
        PipelineModel best = (PipelineModel) fitted.bestModel();
        ScratchnetClassificationModel net = (ScratchnetClassificationModel) best.stages()[2];
        assertEquals(10, net.numClasses());

        org.apache.spark.sql.Dataset<Row> held = wordsAndColumns(data.test(), 300);
        Path path = tmp.resolve("pipeline-model");
        best.write().overwrite().save(path.toString());
        PipelineModel loaded = PipelineModel.load(path.toString());
        assertEquals(predictions(best.transform(held)), predictions(loaded.transform(held)),
                "save, load, transform: identical predictions");
        assertTrue(accuracy.evaluate(loaded.transform(held)) > 0.5);
    }

    static List<String> predictions(org.apache.spark.sql.Dataset<Row> transformed) {
        List<String> out = new ArrayList<>();
        for (Row r : transformed.select("prediction", "probability").collectAsList()) {
            out.add(String.format(Locale.ROOT, "%s %s", r.get(0), r.get(1)));
        }
        return out;
    }

    @Test
    void theParamsAreTheOnesOfTheDeclarations() {
        ScratchnetClassifier c = new ScratchnetClassifier();
        long ours = Settings.ALL.stream().filter(Setting::isParam).count();
        long found = java.util.Arrays.stream(c.params()).filter(p -> Settings.ALL.stream()
                .anyMatch(s -> s.isParam() && s.paramName().equals(p.name()))).count();
        assertEquals(ours, found);
        Param<?> lr = c.settingParams().param(dev.scratchnet.training.TrainingSettings.LEARNING_RATE);
        assertEquals("stepSize", lr.name());
        assertEquals(c.uid(), lr.parent());
    }
}
