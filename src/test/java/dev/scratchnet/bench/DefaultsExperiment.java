package dev.scratchnet.bench;

import dev.scratchnet.config.Configuration;
import dev.scratchnet.math.NativeBlas;
import dev.scratchnet.network.NetworkSettings;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.partition.ExampleBlock;
import dev.scratchnet.registry.Settings;
import dev.scratchnet.run.RunOutputs;
import dev.scratchnet.run.TrainingRun;
import dev.scratchnet.training.LocalEngine;
import dev.scratchnet.training.TrainingSettings;
import dev.scratchnet.training.TrainingState;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;

/**
 * In-process runs (no Spark) of the default settings, or of settings given as {@code key=value} arguments, on
 * scikit-learn's small tables: min-max scaled on the training split, 70/30 split, held-out accuracy per seed.
 * Usage: java ... DefaultsExperiment DIR [key=value ...]
 */
public final class DefaultsExperiment {
    record Table(String name, double[][] x, double[] y) {}

    public static void main(String[] args) throws Exception {
        NativeBlas.install(true);
        Path dir = Path.of(args[0]);
        Map<String, String> props = new LinkedHashMap<>();
        props.put("spark.scratchnet.progressSeconds", "0");
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            props.put("spark.scratchnet." + kv[0], kv[1]);
        }
        List<Table> tables = List.of(classification(dir, "iris.csv", false), classification(dir, "wine_data.csv", false),
                classification(dir, "breast_cancer.csv", false), classification(dir, "digits.csv.gz", true));
        for (Table t : tables) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-18s", t.name));
            double sum = 0;
            int seeds = 5;
            long t0 = System.nanoTime();
            int epochs = 0;
            for (int seed = 0; seed < seeds; seed++) {
                double[] r = run(t, seed, props);
                sum += r[0];
                epochs += (int) r[1];
                line.append(String.format(Locale.ROOT, " %.3f(%d)", r[0], (int) r[1]));
            }
            line.append(String.format(Locale.ROOT, " | mean %.4f | %.1f s", sum / seeds, (System.nanoTime() - t0) / 1e9));
            System.out.println(line);
        }
    }

    static double[] run(Table t, int seed, Map<String, String> props) {
        int n = t.y.length;
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            idx.add(i);
        }
        Collections.shuffle(idx, new Random(seed));
        int nTrain = (int) Math.round(0.7 * n);
        List<Integer> train = idx.subList(0, nTrain);
        List<Integer> test = idx.subList(nTrain, n);
        int f = t.x[0].length;
        double[] min = new double[f];
        double[] max = new double[f];
        java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (int i : train) {
            for (int j = 0; j < f; j++) {
                min[j] = Math.min(min[j], t.x[i][j]);
                max[j] = Math.max(max[j], t.x[i][j]);
            }
        }
        ExampleBlock trainBlock = block(t, train, min, max);
        ExampleBlock testBlock = block(t, test, min, max);
        int classes = 1 + (int) java.util.Arrays.stream(t.y).max().orElseThrow();
        Map<String, String> p = new LinkedHashMap<>(props);
        p.putIfAbsent("spark.scratchnet.seed", String.valueOf(42 + seed));
        Configuration config = Settings.parse(p);
        NetworkSpec spec = NetworkSettings.spec(config, f, classes);
        LocalEngine engine = new LocalEngine(spec, trainBlock, testBlock, config.get(TrainingSettings.PRECISION),
                config.get(TrainingSettings.SEED), TrainingSettings.validationSplit(config, trainBlock.count()), 1000);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        TrainingRun run = new TrainingRun(config, spec, RunOutputs.checkpointsOnly(null, config, spec), quiet);
        TrainingState state = run.startingState(engine);
        var done = run.run(engine, state, dev.scratchnet.run.EngineFacts.inProcess("x", 0));
        return new double[] {done.summary().finalTestAccuracy(), done.summary().epochs()};
    }

    static ExampleBlock block(Table t, List<Integer> rows, double[] min, double[] max) {
        int f = t.x[0].length;
        float[] values = new float[rows.size() * f];
        double[] labels = new double[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            int i = rows.get(r);
            for (int j = 0; j < f; j++) {
                double span = max[j] - min[j];
                values[r * f + j] = (float) (span == 0 ? 0.5 : (t.x[i][j] - min[j]) / span);
            }
            labels[r] = t.y[i];
        }
        return ExampleBlock.ofFloats(0, rows.size(), f, values, 1.0, labels, null);
    }

    static Table classification(Path dir, String file, boolean noHeader) throws Exception {
        Path p = dir.resolve(file);
        var in = file.endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(p)) : Files.newInputStream(p);
        List<double[]> rows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in))) {
            String line;
            boolean first = !noHeader;
            while ((line = r.readLine()) != null) {
                if (first) {
                    first = false;
                    continue;
                }
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.split(",");
                double[] v = new double[parts.length];
                for (int i = 0; i < parts.length; i++) {
                    v[i] = Double.parseDouble(parts[i]);
                }
                rows.add(v);
            }
        }
        double[][] x = new double[rows.size()][];
        double[] y = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            double[] v = rows.get(i);
            x[i] = java.util.Arrays.copyOf(v, v.length - 1);
            y[i] = v[v.length - 1];
        }
        return new Table(file.replaceAll("\\..*", ""), x, y);
    }
}
