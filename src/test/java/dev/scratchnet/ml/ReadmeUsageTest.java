package dev.scratchnet.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.data.ImageSet;
import dev.scratchnet.data.Mnist;
import dev.scratchnet.testing.ClassPaths;
import dev.scratchnet.testing.Exports;
import dev.scratchnet.testing.SparkTestContext;
import dev.scratchnet.testing.TestData;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;
import scala.tools.nsc.Settings;
import scala.tools.nsc.interpreter.IMain;
import scala.tools.nsc.interpreter.Results;
import scala.tools.nsc.interpreter.shell.ReplReporterImpl;

/**
 * The README's usage from Java and from Scala, exactly as printed there, run on a slice of MNIST with the
 * README's paths pointed at files this test writes: the Java block (between {@code <!-- java-usage:begin -->}
 * and {@code <!-- java-usage:end -->}) compiled by the JDK's compiler, the Scala block interpreted by Scala
 * 2.13's REPL interpreter as {@code :paste} enters it, with {@code spark} bound as spark-shell binds it.
 */
class ReadmeUsageTest {
    @TempDir
    static Path tmp;
    static JavaSparkContext sc;
    /** The README's paths and what they stand for here. */
    static final Map<String, Path> PATHS = new LinkedHashMap<>();

    @BeforeAll
    static void writeTheReadmesFiles() throws IOException {
        Mnist.Split data = TestData.subset(3000, 500);
        sc = SparkTestContext.start();
        var spark = SparkTestContext.session(sc);
        PATHS.put("mnist/train.parquet", Exports.parquet(spark, data.train(), tmp.resolve("train.parquet")));
        PATHS.put("mnist/test.parquet", Exports.parquet(spark, data.test(), tmp.resolve("test.parquet")));
        PATHS.put("digits.csv", digitsCsv(data.train(), 1500, tmp.resolve("digits.csv")));
        PATHS.put("models/mnist", tmp.resolve("models/mnist"));
        PATHS.put("models/digits", tmp.resolve("models/digits"));
    }

    @AfterAll
    static void stop() {
        sc.close();
    }

    /** A fenced block of README.md between {@code <!-- NAME:begin -->} and {@code <!-- NAME:end -->}. */
    static String readmeBlock(String name, String language) throws IOException {
        String readme = Files.readString(TestData.projectDir().resolve("README.md"));
        Matcher m = Pattern.compile("<!-- " + name + ":begin -->\n```" + language + "\n(.*?)```\n<!-- " + name
                + ":end -->", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(), "README.md has no " + name + " block");
        return m.group(1);
    }

    /** {@code code} with the README's paths replaced by this test's files. */
    static String withTestPaths(String code) {
        for (Map.Entry<String, Path> e : PATHS.entrySet()) {
            assertTrue(code.contains("\"" + e.getKey() + "\""), "the snippet uses \"" + e.getKey() + "\"");
            code = code.replace("\"" + e.getKey() + "\"", "\"" + e.getValue() + "\"");
        }
        return code;
    }

    /**
     * MNIST images downsampled to 7×7 = 49 numeric columns {@code c0 … c48} (mean of each 4×4 square, 0 … 1),
     * the digit as a word in column {@code digit}: a table of raw numeric columns and a text label.
     */
    static Path digitsCsv(ImageSet images, int n, Path file) throws IOException {
        String[] words = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            StringBuilder header = new StringBuilder("digit");
            for (int c = 0; c < 49; c++) {
                header.append(",c").append(c);
            }
            w.write(header.append('\n').toString());
            for (int i = 0; i < n; i++) {
                StringBuilder line = new StringBuilder(words[images.label(i)]);
                for (int by = 0; by < 7; by++) {
                    for (int bx = 0; bx < 7; bx++) {
                        int sum = 0;
                        for (int y = 0; y < 4; y++) {
                            for (int x = 0; x < 4; x++) {
                                sum += images.pixels()[i * 784 + (by * 4 + y) * 28 + bx * 4 + x] & 0xFF;
                            }
                        }
                        line.append(',').append(sum / (16 * 255.0));
                    }
                }
                w.write(line.append('\n').toString());
            }
        }
        return file;
    }

    /** Deletes what an earlier run of a snippet saved, so that what is there afterwards is this run's. */
    static void deleteSavedModels() throws IOException {
        for (String saved : List.of("models/mnist", "models/digits")) {
            Path dir = PATHS.get(saved);
            if (Files.exists(dir)) {
                try (var files = Files.walk(dir)) {
                    for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(f);
                    }
                }
            }
        }
    }

    /**
     * What both snippets save: the MNIST model, trained with the defaults until early stopping, and the fitted
     * three-stage pipeline, each of which has learned (accuracies on data they were not fitted on, and on the
     * table, printed).
     */
    static void assertSavedModels() {
        var spark = SparkTestContext.session(sc);
        MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy");
        ScratchnetClassificationModel model = ScratchnetClassificationModel.load(PATHS.get("models/mnist").toString());
        assertEquals(784, model.numFeatures());
        assertTrue(model.history().size() > 20, "the default patience is 20 epochs; trained " + model.history().size());
        double mnist = accuracy.evaluate(model.transform(spark.read().parquet(PATHS.get("mnist/test.parquet").toString())));
        PipelineModel pipeline = PipelineModel.load(PATHS.get("models/digits").toString());
        assertEquals(3, pipeline.stages().length);
        assertTrue(pipeline.stages()[2] instanceof ScratchnetClassificationModel);
        double digits = accuracy.evaluate(pipeline.transform(spark.read().option("header", "true")
                .option("inferSchema", "true").csv(PATHS.get("digits.csv").toString())));
        System.out.printf("saved models: MNIST test accuracy %.4f, digits table accuracy %.4f%n", mnist, digits);
        assertTrue(mnist > 0.8, "MNIST test accuracy " + mnist);
        assertTrue(digits > 0.5, "digits table accuracy " + digits);
    }

    @Test
    void theJavaSnippetCompilesAndRuns() throws Exception {
        deleteSavedModels();
        String block = readmeBlock("java-usage", "java");
        for (String call : List.of("new ScratchnetClassifier()", ".setDataScale(", ".fit(train)", ".transform(test)",
                ".write().overwrite().save(", "ScratchnetClassificationModel.load(", "new VectorAssembler()",
                "new StringIndexer()", "new Pipeline()", "PipelineModel.load(")) {
            assertTrue(block.contains(call), "the README's Java usage shows " + call);
        }
        StringBuilder imports = new StringBuilder();
        StringBuilder body = new StringBuilder();
        for (String line : withTestPaths(block).lines().toList()) {
            (line.startsWith("import ") ? imports : body).append(line).append('\n');
        }
        String source = "package readme;\n" + imports + "public final class JavaUsage {\n"
                + "    public static void run() throws Exception {\n" + body + "    }\n}\n";
        Path src = tmp.resolve("src/readme/JavaUsage.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        boolean compiled = javac.getTask(diagnostics, null, null, List.of("-d", classes.toString(), "-classpath",
                ClassPaths.joined(), "-proc:none", "-Xlint:none"), null,
                javac.getStandardFileManager(null, null, StandardCharsets.UTF_8).getJavaFileObjects(src.toFile()))
                .call();
        assertTrue(compiled, "the README's Java usage does not compile:\n" + diagnostics + "\n" + source);

        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            try {
                loader.loadClass("readme.JavaUsage").getMethod("run").invoke(null);
            } catch (InvocationTargetException e) {
                throw new AssertionError("the README's Java usage failed: " + e.getCause(), e.getCause());
            }
        }
        assertSavedModels();
    }

    @Test
    void theScalaSnippetRunsInScalasInterpreter() throws Exception {
        deleteSavedModels();
        String block = readmeBlock("scala-usage", "scala");
        for (String call : List.of("new ScratchnetClassifier()", ".setDataScale(", ".fit(train)", ".transform(test)",
                ".write.overwrite().save(", "ScratchnetClassificationModel.load(", "new VectorAssembler()",
                "new StringIndexer()", "new Pipeline()", "PipelineModel.load(")) {
            assertTrue(block.contains(call), "the README's Scala usage shows " + call);
        }
        Settings settings = new Settings();
        settings.classpath().value_$eq(ClassPaths.joined());
        StringWriter transcript = new StringWriter();
        IMain repl = new IMain(settings, new ReplReporterImpl(settings, new PrintWriter(transcript, true)));
        try {
            Results.Result bound = repl.bind("spark", "org.apache.spark.sql.SparkSession",
                    SparkTestContext.session(sc), CollectionConverters.asScala(List.<String>of()).toList());
            assertEquals(Results.Success$.MODULE$, bound, "binding spark:\n" + transcript);
            Results.Result result = repl.interpret(withTestPaths(block));
            assertEquals(Results.Success$.MODULE$, result, "the README's Scala usage failed:\n" + transcript);
        } finally {
            repl.close();
        }
        System.out.println("Scala interpreter transcript:\n" + transcript);
        assertSavedModels();
    }
}
