package dev.scratchnet.bench;

import dev.scratchnet.config.Configuration;
import dev.scratchnet.data.ImageSet;
import dev.scratchnet.data.Mnist;
import dev.scratchnet.network.NetworkSettings;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.registry.Settings;
import dev.scratchnet.report.EpochMetrics;
import dev.scratchnet.run.RunOutputs;
import dev.scratchnet.run.TrainingRun;
import dev.scratchnet.testing.TestData;
import dev.scratchnet.training.LocalEngine;
import dev.scratchnet.training.Trainer;
import dev.scratchnet.training.TrainingState;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The book's two overfitting experiments of chapter 6 (ch06/overfit_weight_decay.py, ch06/overfit_dropout.py), in
 * one JVM: the first 300 MNIST training images, a network of six hidden layers of 100 ReLU units (He weights), SGD
 * at 0.01, batches of 100, training accuracy after every epoch and test accuracy on all 10,000 test images at the end; once
 * as the book runs it without the remedy and once with it (weight decay λ = 0.1 for 201 epochs; dropout 0.2 for 301).
 * Run: {@code java -cp target/test-classes:target/classes:<test classpath> dev.scratchnet.bench.Overfit}.
 */
public final class Overfit {
    private Overfit() {}

    public static void main(String[] args) {
        Mnist.Split data = TestData.mnist();
        var train = data.train().slice(0, 300);
        System.out.println("experiment | epochs | train accuracy | test accuracy | gap");
        System.out.println("---|---|---|---|---");
        run("weight decay: none", train, data, 201, Map.of());
        run("weight decay: λ = 0.1", train, data, 201, Map.of("regParam", "0.1"));
        run("dropout: none", train, data, 301, Map.of());
        run("dropout: 0.2", train, data, 301, Map.of("dropout", "0.2"));
    }

    private static void run(String name, ImageSet train, Mnist.Split data, int epochs,
                            Map<String, String> extra) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("hidden", "100,100,100,100,100,100");
        m.put("activation", "relu");
        m.put("weightInit", "he");
        m.put("optimizer", "sgd");
        m.put("learningRate", "0.01");
        m.put("batchSize", "100");
        m.put("regParam", "0");
        m.put("epochs", String.valueOf(epochs));
        m.put("patience", "0");
        m.put("validationFraction", "0");
        m.put("evalTrain", "true");
        m.put("precision", "double");
        m.put("progressSeconds", "0");
        m.putAll(extra);
        Map<String, String> keys = new LinkedHashMap<>();
        m.forEach((k, v) -> keys.put("spark.scratchnet." + k, v));
        Configuration config = Settings.parse(keys);
        NetworkSpec spec = NetworkSettings.spec(config, 784, 10);
        // Test accuracy only at the end: evaluating the 10,000 test images every epoch would be nearly all the time.
        LocalEngine engine = LocalEngine.of(spec, train, null, config);
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        TrainingState state = new TrainingRun(config, spec, RunOutputs.checkpointsOnly(null, config, spec), quiet)
                .startingState(engine);
        Trainer.Result result = new Trainer(config, spec, engine, quiet, Trainer.NO_LISTENER).run(state);
        EpochMetrics last = result.last();
        double test = LocalEngine.of(spec, train, data.test(), config).evaluateTest(result.params()).test().accuracy();
        System.out.println(String.format(Locale.ROOT, "%s | %d | %.4f | %.4f | %.4f", name, result.metrics().size(),
                last.trainAccuracy(), test, last.trainAccuracy() - test));
    }
}
