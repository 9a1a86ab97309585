package dev.scratchnet.bench;

import dev.scratchnet.data.Mnist;
import dev.scratchnet.math.NativeBlas;
import dev.scratchnet.network.NetworkSettings;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.report.EpochMetrics;
import dev.scratchnet.run.RunOutputs;
import dev.scratchnet.run.TrainingRun;
import dev.scratchnet.training.LocalEngine;
import dev.scratchnet.training.Trainer;
import dev.scratchnet.training.TrainingState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * In-process training runs (the same arithmetic and trajectory as {@code ./submit.sh} with one partition) of MNIST
 * configurations, each over several seeds: epochs until the first test accuracy >= 0.97 (all 60,000 images trained on,
 * unless a configuration sets validationFraction and targetAccuracy), and each epoch's test accuracy. How the demo
 * conf was chosen. Usage: java ... dev.scratchnet.bench.ConfSweep 'hidden=256;batchSize=500;learningRate=0.005' ...
 * ({@code -Dsweep.seeds=3}: seeds 1 .. 3).
 */
public final class ConfSweep {
    private ConfSweep() {}

    public static void main(String[] args) throws Exception {
        NativeBlas.install(true);
        Mnist.Split data = Mnist.load(Path.of(System.getProperty("scratchnet.project.dir", ".")).resolve("data/mnist"));
        int seeds = Integer.getInteger("sweep.seeds", 3);
        for (String cfg : args) {
            StringBuilder line = new StringBuilder(cfg + " |");
            for (int seed = 1; seed <= seeds; seed++) {
                Map<String, String> m = new LinkedHashMap<>();
                m.put("spark.scratchnet.progressSeconds", "0");
                m.put("spark.scratchnet.epochs", "12");
                m.put("spark.scratchnet.validationFraction", "0");
                m.put("spark.scratchnet.targetAccuracy", "0.97");
                m.put("spark.scratchnet.patience", "0");
                m.put("spark.scratchnet.seed", String.valueOf(seed));
                for (String kv : cfg.split(";")) {
                    String[] p = kv.split("=", 2);
                    m.put("spark.scratchnet." + p[0], p[1]);
                }
                var config = dev.scratchnet.registry.Settings.parse(m);
                NetworkSpec spec = NetworkSettings.spec(config, 784, 10);
                LocalEngine engine = LocalEngine.of(spec, data.train(), data.test(), config);
                PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
                TrainingState state = new TrainingRun(config, spec, RunOutputs.checkpointsOnly(null, config, spec), quiet)
                        .startingState(engine);
                long t = System.nanoTime();
                Trainer.Result r = new Trainer(config, spec, engine, quiet, Trainer.NO_LISTENER).run(state);
                StringBuilder acc = new StringBuilder();
                for (EpochMetrics e : r.metrics()) {
                    acc.append(String.format(Locale.ROOT, "%.3f ", e.testAccuracy()));
                }
                line.append(String.format(Locale.ROOT, " seed %d: %s%d epochs %.1f s [%s]", seed,
                        r.reachedTarget() ? "" : "MISSED ", r.metrics().size(), (System.nanoTime() - t) / 1e9,
                        acc.toString().trim()));
            }
            System.out.println(line);
        }
    }
}
