package dev.scratchnet.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scratchnet.ml.ScratchnetClassifier;
import dev.scratchnet.report.Json;
import dev.scratchnet.testing.SklearnTables;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Predictor;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.MinMaxScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.RandomForestRegressor;
import org.apache.spark.sql.SparkSession;

/**
 * scikit-learn's small tables through a Spark ML user's own program, defaults only: a {@code Pipeline} of
 * {@code VectorAssembler} → {@code MinMaxScaler} → {@code StringIndexer} → classifier, with nothing set on the
 * classifier but the column names, {@link ScratchnetClassifier} against MLlib's
 * {@code MultilayerPerceptronClassifier} with {@code layers = [n_features, 32, n_classes]} (its one required Param)
 * on iris, wine, breast_cancer and digits; and the same for regression on diabetes ({@code VectorAssembler} →
 * {@code MinMaxScaler} → regressor), MLlib's {@code LinearRegression} and {@code RandomForestRegressor}, with
 * {@code dev.scratchnet.ml.ScratchnetRegressor} when that class is on the class path.
 *
 * <p>Each (table, learner) pair runs in a JVM of its own on a fresh {@code local[2]} SparkSession (plain Spark
 * settings: no UI, the loopback address): the first {@code Pipeline.fit} in that JVM, as a user's program meets
 * it, then {@code repeats} more (their median is the warm figure). Train and test are the seeded 70/30 split of
 * {@link SklearnTables}; the held-out metric (accuracy, RMSE) is measured after each fit, outside the clock. For
 * the learner's own share of the fit, the learner is wrapped in {@link TimedFit} (a stage that only reads the
 * clock) and a {@link JobClock} counts the Spark jobs it ran and the time they took; the rest of its time is the
 * driver's. Prints markdown tables; {@code main} writes {@code target/bench/tables.json}.
 *
 * <p>Run alone: {@code mvn -B -Pbench verify -Dbench.args="-Dbench.parts=tables,regression"}; system properties
 * {@code bench.repeats} (3), {@code bench.parts} ({@code tables}, {@code regression}).
 */
public final class TablesBenchmark {
    static final String SCRATCHNET = "scratchnet";
    static final String MLLIB_MLP = "mllib-mlp";
    static final String LINEAR = "linear-regression";
    static final String FOREST = "random-forest";
    static final String SCRATCHNET_REGRESSOR = "scratchnet-regressor";
    static final String REGRESSOR_CLASS = "dev.scratchnet.ml.ScratchnetRegressor";
    /** MLlib's MLP needs its layers; one hidden layer of 32, as the comparison in issue 15 states it. */
    static final int MLLIB_HIDDEN = 32;
    private static final String RESULT = "tables-result ";

    private TablesBenchmark() {}

    /** Standalone: both parts (or {@code bench.parts}), table on stdout, {@code target/bench/tables.json}. */
    public static void main(String[] args) throws Exception {
        if (args.length == 4 && args[0].equals("--child")) {
            child(args[1], args[2], Integer.parseInt(args[3]));
            return;
        }
        Path project = Path.of(System.getProperty("scratchnet.project.dir", ".")).toAbsolutePath();
        List<String> parts = List.of(System.getProperty("bench.parts", "tables,regression").split(","));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("machine", Benchmark.machine());
        json.putAll(run(project, parts, Integer.getInteger("bench.repeats", 3), System.out));
        Benchmark.machineEnd(json);
        Path out = project.resolve("target/bench/tables.json");
        Json.write(out, json);
        System.out.println("written " + out);
    }

    /** The (table, learner) pairs of {@code parts}, each in its own JVM: results by part, and the markdown. */
    static Map<String, Object> run(Path project, List<String> parts, int repeats, PrintStream out)
            throws IOException, InterruptedException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("program", "Pipeline(VectorAssembler -> MinMaxScaler -> StringIndexer -> learner), defaults only; "
                + "MLlib MLP layers [n_features, " + MLLIB_HIDDEN + ", n_classes]; randomSplit([0.7, 0.3], "
                + SklearnTables.SPLIT_SEED + ") of the table as one partition; each pair in a fresh JVM, local[2]; "
                + "fits: the first in the JVM, then " + repeats + " (median)");
        m.put("split_seed", SklearnTables.SPLIT_SEED);
        m.put("repeats", repeats);
        SklearnTables.ensure();
        Path logs = project.resolve("target/bench/tables");
        Files.createDirectories(logs);
        if (parts.contains("tables")) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (String table : SklearnTables.CLASSIFICATION) {
                for (String learner : List.of(SCRATCHNET, MLLIB_MLP)) {
                    rows.add(inChildJvm(project, logs, table, learner, repeats, out));
                }
            }
            m.put("classification", rows);
            out.println();
            out.println(markdown(rows, "held-out accuracy", repeats));
        }
        if (parts.contains("regression")) {
            List<Map<String, Object>> rows = new ArrayList<>();
            List<String> learners = new ArrayList<>(List.of(LINEAR, FOREST));
            if (regressorClass() != null) {
                learners.add(0, SCRATCHNET_REGRESSOR);
            } else {
                m.put("regression_note", REGRESSOR_CLASS + " is not on the class path: no scratchnet row");
            }
            for (String learner : learners) {
                rows.add(inChildJvm(project, logs, SklearnTables.REGRESSION, learner, repeats, out));
            }
            m.put("regression", rows);
            out.println();
            out.println(markdown(rows, "held-out RMSE", repeats));
            if (m.containsKey("regression_note")) {
                out.println("(" + m.get("regression_note") + ")");
            }
        }
        return m;
    }

    /** One (table, learner) pair in a fresh JVM (this JVM's flags, class path and environment; 2 GB heap). */
    private static Map<String, Object> inChildJvm(Path project, Path logs, String table, String learner, int repeats,
                                                  PrintStream out) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-Xmx") && !a.startsWith("-agentlib") && !a.startsWith("-javaagent")) {
                command.add(a);
            }
        }
        command.addAll(List.of("-Xmx2g", "-Dscratchnet.project.dir=" + project, "-cp", System.getProperty("java.class.path"),
                TablesBenchmark.class.getName(), "--child", table, learner, String.valueOf(repeats)));
        Path log = logs.resolve(table + "-" + learner + ".log");
        String load = Benchmark.loadAverage();
        long t = System.nanoTime();
        Process p = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(1800, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(table + " / " + learner + ": still running after 30 min (see " + log + ")");
        }
        double wall = (System.nanoTime() - t) / 1e9;
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        String result = lines.stream().filter(l -> l.startsWith(RESULT)).reduce((a, b) -> b).orElse(null);
        if (p.exitValue() != 0 || result == null) {
            throw new IllegalStateException(table + " / " + learner + ": the child JVM exited " + p.exitValue()
                    + " without a result (see " + log + "): " + String.join("\n", lines.subList(Math.max(0, lines.size() - 20),
                    lines.size())));
        }
        Map<String, Object> r = Benchmark.cast(Json.mapper().readValue(result.substring(RESULT.length()), Map.class));
        r.put("load_average_before", load);
        r.put("jvm_wall_seconds", wall);
        out.printf(Locale.ROOT, "tables %s / %s: %s (load %s, JVM %.1f s)%n", table, learner, summary(r), load, wall);
        return r;
    }

    /** The child JVM: one table, one learner, 1 + repeats fits; the result as one JSON line on stdout. */
    private static void child(String table, String learner, int repeats) throws IOException {
        String blas = MllibBlas.install();   // before anything touches netlib: MLlib and scratchnet on the bundled OpenBLAS
        long t = System.nanoTime();
        SparkSession spark = SparkSession.builder().master("local[2]").appName("tables-" + table + "-" + learner)
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        double startup = (System.nanoTime() - t) / 1e9;
        Map<String, Object> r;
        try {
            r = measure(spark, table, learner, 1 + repeats);
        } finally {
            spark.stop();
        }
        r.put("spark_startup_seconds", startup);
        r.put("blas", blas);
        r.put("blas_check", MllibBlas.check());
        System.out.println(RESULT + new ObjectMapper().writeValueAsString(r));   // one line
        System.out.flush();
    }

    /**
     * {@code fits} fits of the user's Pipeline with {@code learner} on {@code table}'s training split, each followed
     * (outside its clock) by the held-out metric on the test split. A fit that throws ends the series: its error
     * is the result.
     */
    static Map<String, Object> measure(SparkSession spark, String tableName, String learner, int fits) {
        SklearnTables.Table table = SklearnTables.load(spark, tableName);
        SklearnTables.Split split = table.split();
        JobClock clock = JobClock.on(spark.sparkContext());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("table", tableName);
        m.put("learner", learner);
        m.put("features", table.features().size());
        m.put("classes", table.classes().size());
        List<Map<String, Object>> runs = new ArrayList<>();
        for (int i = 0; i < fits; i++) {
            @SuppressWarnings({"rawtypes", "unchecked"})
            TimedFit<?> timed = new TimedFit(learner(table, learner));
            Pipeline pipeline = new Pipeline().setStages(stages(table, timed));
            long start = System.currentTimeMillis();
            long t = System.nanoTime();
            PipelineModel model;
            try {
                model = pipeline.fit(split.train());
            } catch (RuntimeException e) {
                m.put("error", firstLine(e));
                break;
            }
            double seconds = (System.nanoTime() - t) / 1e9;
            long end = System.currentTimeMillis();
            JobClock.drain(spark.sparkContext());
            JobClock.Window all = clock.window(start, end);
            JobClock.Window own = clock.window(timed.startMillis(), timed.endMillis());
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("fit_seconds", seconds);
            run.put("learner_fit_seconds", timed.seconds());
            run.put("jobs", all.jobs());
            run.put("learner_jobs", own.jobs());
            run.put("learner_job_seconds", own.jobSeconds());
            run.put("learner_driver_seconds", timed.seconds() - own.jobSeconds());
            Transformer fitted = model.stages()[model.stages().length - 1];
            run.putAll(epochsAndSteps(fitted));
            run.put(table.isClassification() ? "accuracy" : "rmse", evaluator(table).evaluate(model.transform(split.test())));
            runs.add(run);
        }
        m.put("train_rows", split.train().count());
        m.put("test_rows", split.test().count());
        m.put("fits", runs);
        if (!runs.isEmpty()) {
            String metric = table.isClassification() ? "accuracy" : "rmse";
            m.put(metric, runs.get(0).get(metric));
            m.put("first_fit_seconds", runs.get(0).get("fit_seconds"));
            if (runs.size() > 1) {
                List<Map<String, Object>> later = runs.subList(1, runs.size());
                m.put("later_fit_seconds_median", median(later, "fit_seconds"));
                m.put("later_learner_fit_seconds_median", median(later, "learner_fit_seconds"));
                m.put("later_learner_job_seconds_median", median(later, "learner_job_seconds"));
                m.put("later_learner_driver_seconds_median", median(later, "learner_driver_seconds"));
                m.put("same_metric_every_fit", later.stream().allMatch(r -> r.get(metric).equals(runs.get(0).get(metric))));
            }
        }
        return m;
    }

    /** The user's stages: features assembled and scaled to [0, 1]; for classification the label indexed. */
    private static PipelineStage[] stages(SklearnTables.Table table, PipelineStage learner) {
        List<PipelineStage> stages = new ArrayList<>();
        stages.add(new VectorAssembler().setInputCols(table.features().toArray(String[]::new)).setOutputCol("raw_features"));
        stages.add(new MinMaxScaler().setInputCol("raw_features").setOutputCol("features"));
        if (table.isClassification()) {
            stages.add(new StringIndexer().setInputCol(table.label()).setOutputCol("label"));
        }
        stages.add(learner);
        return stages.toArray(PipelineStage[]::new);
    }

    /** The learner with nothing set but the column names (and MLlib MLP's required layers). */
    @SuppressWarnings("rawtypes")
    private static Estimator learner(SklearnTables.Table table, String learner) {
        String label = table.isClassification() ? "label" : table.label();
        return switch (learner) {
            case SCRATCHNET -> new ScratchnetClassifier().setFeaturesCol("features").setLabelCol(label);
            case MLLIB_MLP -> new MultilayerPerceptronClassifier().setFeaturesCol("features").setLabelCol(label)
                    .setLayers(new int[] {table.features().size(), MLLIB_HIDDEN, table.classes().size()});
            case LINEAR -> new LinearRegression().setFeaturesCol("features").setLabelCol(label);
            case FOREST -> new RandomForestRegressor().setFeaturesCol("features").setLabelCol(label);
            case SCRATCHNET_REGRESSOR -> scratchnetRegressor(label);
            default -> throw new IllegalArgumentException("no learner " + learner);
        };
    }

    /** {@code new ScratchnetRegressor()} with the column names, by reflection: the class may not exist yet. */
    @SuppressWarnings("rawtypes")
    private static Estimator scratchnetRegressor(String label) {
        Class<?> c = regressorClass();
        if (c == null) {
            throw new IllegalStateException(REGRESSOR_CLASS + " is not on the class path");
        }
        try {
            Predictor p = (Predictor) c.getConstructor().newInstance();
            p.setFeaturesCol("features");
            p.setLabelCol(label);
            return p;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + REGRESSOR_CLASS + ": " + e, e);
        }
    }

    static Class<?> regressorClass() {
        try {
            return Class.forName(REGRESSOR_CLASS);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    private static Evaluator evaluator(SklearnTables.Table table) {
        return table.isClassification()
                ? new MulticlassClassificationEvaluator().setLabelCol("label").setMetricName("accuracy")
                : new RegressionEvaluator().setLabelCol(table.label()).setMetricName("rmse");
    }

    /**
     * Epochs and steps of a scratchnet model, from its {@code history()} (a list of per-epoch records with
     * {@code epoch()} and {@code step()}), read by reflection so that a changed model API costs these two
     * numbers, not the benchmark; MLlib's models: their {@code summary().totalIterations()} where they have one.
     */
    static Map<String, Object> epochsAndSteps(Object model) {
        Map<String, Object> m = new LinkedHashMap<>();
        try {
            Method history = model.getClass().getMethod("history");
            List<?> epochs = (List<?>) history.invoke(model);
            if (!epochs.isEmpty()) {
                Object last = epochs.get(epochs.size() - 1);
                m.put("epochs", ((Number) last.getClass().getMethod("epoch").invoke(last)).intValue());
                m.put("steps", ((Number) last.getClass().getMethod("step").invoke(last)).longValue());
            }
            return m;
        } catch (ReflectiveOperationException | ClassCastException e) {
            // not a scratchnet model, or its API changed
        }
        try {
            Object summary = model.getClass().getMethod("summary").invoke(model);
            m.put("iterations", ((Number) summary.getClass().getMethod("totalIterations").invoke(summary)).intValue());
        } catch (ReflectiveOperationException | RuntimeException e) {
            // no training summary
        }
        return m;
    }

    /** One markdown table of {@code rows} (pairs as {@link #measure} reports them). */
    static String markdown(List<Map<String, Object>> rows, String metricName, int repeats) {
        StringBuilder b = new StringBuilder();
        b.append("| table | train / test rows | learner | ").append(metricName).append(" | first fit in the JVM | later fits (median of ")
                .append(repeats).append(") | learner's jobs (first / later) | learner's later fit: jobs / driver | epochs / steps |\n");
        b.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> r : rows) {
            List<Map<String, Object>> fits = Benchmark.cast(r.get("fits"));
            String metric = r.containsKey("error") && fits.isEmpty() ? "fails: " + r.get("error")
                    : fmt4(((Number) r.getOrDefault("accuracy", r.get("rmse"))).doubleValue());
            Map<String, Object> first = fits.isEmpty() ? Map.of() : fits.get(0);
            Map<String, Object> later = fits.size() > 1 ? fits.get(fits.size() - 1) : Map.of();
            b.append("| ").append(r.get("table")).append(" | ").append(r.get("train_rows")).append(" / ").append(r.get("test_rows"))
                    .append(" | ").append(r.get("learner")).append(" | ").append(metric)
                    .append(" | ").append(seconds(r.get("first_fit_seconds")))
                    .append(" | ").append(seconds(r.get("later_fit_seconds_median")))
                    .append(" | ").append(first.getOrDefault("learner_jobs", "-")).append(" / ").append(later.getOrDefault("learner_jobs", "-"))
                    .append(" | ").append(seconds(r.get("later_learner_job_seconds_median"))).append(" / ")
                    .append(seconds(r.get("later_learner_driver_seconds_median")))
                    .append(" | ").append(first.containsKey("epochs") ? first.get("epochs") + " / " + first.get("steps")
                            : first.containsKey("iterations") ? first.get("iterations") + " iterations" : "-")
                    .append(" |\n");
        }
        return b.toString();
    }

    /** {@code accuracy 0.9600, fits 3.1 s first, 1.2 s later}: one line for the progress log. */
    static String summary(Map<String, Object> r) {
        if (r.containsKey("error")) {
            return "fails: " + r.get("error");
        }
        String metric = r.containsKey("accuracy") ? "accuracy " + fmt4(((Number) r.get("accuracy")).doubleValue())
                : "RMSE " + fmt4(((Number) r.get("rmse")).doubleValue());
        return metric + ", fit " + seconds(r.get("first_fit_seconds")) + " first, " + seconds(r.get("later_fit_seconds_median"))
                + " later";
    }

    private static double median(List<Map<String, Object>> runs, String key) {
        return Benchmark.median(runs.stream().map(r -> ((Number) r.get(key)).doubleValue()).toList());
    }

    private static String firstLine(Throwable e) {
        String s = e.getClass().getSimpleName() + ": " + e.getMessage();
        return s.lines().findFirst().orElse(s);
    }

    private static String seconds(Object v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.2f s", ((Number) v).doubleValue());
    }

    private static String fmt4(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
