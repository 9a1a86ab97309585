package dev.scratchnet.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.testing.ClassPaths;
import dev.scratchnet.testing.SklearnTables;
import dev.scratchnet.testing.SparkTestContext;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A program written for MLlib's {@code MultilayerPerceptronClassifier} — its setters, a Pipeline, {@code weights()},
 * {@code summary().objectiveHistory()}, save and load — compiled and run as written, and again with only the class
 * names changed to scratchnet's: both compile and train, on scikit-learn's digits table.
 */
class MllibDropInTest {
    /** The program as an MLlib user writes it (Spark's own MLP example, in a Pipeline, saved and loaded). */
    static final String PROGRAM = """
            package dropin;

            import org.apache.spark.ml.Pipeline;
            import org.apache.spark.ml.PipelineModel;
            import org.apache.spark.ml.PipelineStage;
            import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
            import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
            import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
            import org.apache.spark.ml.feature.MinMaxScaler;
            import org.apache.spark.ml.feature.StringIndexer;
            import org.apache.spark.ml.feature.VectorAssembler;
            import org.apache.spark.ml.linalg.Vector;
            import org.apache.spark.sql.Dataset;
            import org.apache.spark.sql.Row;

            public final class Program {
                public static double[] run(Dataset<Row> train, Dataset<Row> test, String[] columns, String label,
                                           String path) throws Exception {
                    int[] layers = new int[] {64, 32, 10};
                    MultilayerPerceptronClassifier trainer = new MultilayerPerceptronClassifier()
                            .setLayers(layers)
                            .setBlockSize(128)
                            .setSeed(1234L)
                            .setMaxIter(100)
                            .setTol(1e-6)
                            .setStepSize(0.03)
                            .setSolver("l-bfgs");
                    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
                            new VectorAssembler().setInputCols(columns).setOutputCol("raw"),
                            new MinMaxScaler().setInputCol("raw").setOutputCol("features"),
                            new StringIndexer().setInputCol(label).setOutputCol("label"),
                            trainer});
                    PipelineModel fitted = pipeline.fit(train);
                    MultilayerPerceptronClassificationModel model =
                            (MultilayerPerceptronClassificationModel) fitted.stages()[3];
                    double[] history = model.summary().objectiveHistory();
                    int iterations = model.summary().totalIterations();
                    Vector weights = model.weights();
                    int[] fittedLayers = model.getLayers();
                    fitted.write().overwrite().save(path);
                    PipelineModel loaded = PipelineModel.load(path);
                    MulticlassClassificationEvaluator accuracy =
                            new MulticlassClassificationEvaluator().setMetricName("accuracy");
                    return new double[] {accuracy.evaluate(loaded.transform(test)), history.length, iterations,
                            weights.size(), fittedLayers[1], model.numFeatures(), model.numClasses(),
                            accuracy.evaluate(fitted.transform(test))};
                }
            }
            """;

    @TempDir
    static Path tmp;
    static JavaSparkContext sc;
    static SparkSession spark;

    @BeforeAll
    static void start() {
        sc = SparkTestContext.start();
        spark = SparkTestContext.session(sc);
    }

    @AfterAll
    static void stop() {
        sc.close();
    }

    /** {@link #PROGRAM} with MLlib's two class names (imports included) replaced by scratchnet's. */
    static String scratchnetProgram() {
        return PROGRAM.replace("org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel",
                        "dev.scratchnet.ml.ScratchnetClassificationModel")
                .replace("org.apache.spark.ml.classification.MultilayerPerceptronClassifier",
                        "dev.scratchnet.ml.ScratchnetClassifier")
                .replace("MultilayerPerceptronClassificationModel", "ScratchnetClassificationModel")
                .replace("MultilayerPerceptronClassifier", "ScratchnetClassifier");
    }

    @Test
    void aProgramWrittenForMllibsMlpCompilesAndTrainsWithOnlyTheClassNamesChanged() throws Exception {
        SklearnTables.Table digits = SklearnTables.load(spark, "digits");
        Dataset<Row>[] split = digits.frame().randomSplit(new double[] {0.7, 0.3}, SklearnTables.SPLIT_SEED);
        String[] columns = digits.features().toArray(new String[0]);
        double[] mllib = run("mllib", PROGRAM, split, columns, digits.label());
        double[] ours = run("scratchnet", scratchnetProgram(), split, columns, digits.label());
        assertTrue(scratchnetProgram().contains("new ScratchnetClassifier()")
                && !scratchnetProgram().contains("Multilayer"), "only the class names changed");

        assertEquals(64 * 32 + 32 + 32 * 10 + 10, ours[3], "weights() in MLlib's layout, as MLlib's has them");
        assertEquals(mllib[3], ours[3]);
        assertArrayEquals(new double[] {32, 64, 10}, new double[] {ours[4], ours[5], ours[6]});
        assertTrue(ours[2] >= 1 && ours[1] == ours[2], "objectiveHistory has one loss per iteration: " + ours[1]);
        assertEquals(ours[7], ours[0], 0.0, "the loaded pipeline predicts as the fitted one");
        System.out.printf("digits, MLlib's program: MLlib %.4f (%d iterations), scratchnet %.4f (%d iterations)%n",
                mllib[0], (int) mllib[2], ours[0], (int) ours[2]);
        assertTrue(ours[0] > 0.9, "scratchnet trained: " + ours[0]);
        assertTrue(ours[0] >= mllib[0] - 0.02, "as good as MLlib with MLlib's own settings: " + ours[0] + " vs " + mllib[0]);
    }

    private static double[] run(String name, String source, Dataset<Row>[] split, String[] columns, String label)
            throws Exception {
        Path src = tmp.resolve(name + "/src/dropin/Program.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        Path classes = Files.createDirectories(tmp.resolve(name + "/classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        boolean compiled = javac.getTask(diagnostics, null, null, List.of("-d", classes.toString(), "-classpath",
                ClassPaths.joined(), "-proc:none", "-Xlint:none"), null,
                javac.getStandardFileManager(null, null, StandardCharsets.UTF_8).getJavaFileObjects(src.toFile()))
                .call();
        assertTrue(compiled, name + "'s program does not compile:\n" + diagnostics + "\n" + source);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                MllibDropInTest.class.getClassLoader())) {
            Method run = loader.loadClass("dropin.Program").getMethod("run", Dataset.class, Dataset.class,
                    String[].class, String.class, String.class);
            return (double[]) run.invoke(null, split[0], split[1], columns, label, tmp.resolve(name + "/model").toString());
        }
    }
}
