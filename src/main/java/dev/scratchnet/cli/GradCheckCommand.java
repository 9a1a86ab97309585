package dev.scratchnet.cli;

import dev.scratchnet.config.Configuration;
import dev.scratchnet.data.ImageSet;
import dev.scratchnet.data.Mnist;
import dev.scratchnet.layers.Shape;
import dev.scratchnet.math.Matrix;
import dev.scratchnet.math.NativeBlas;
import dev.scratchnet.network.GradientCheck;
import dev.scratchnet.network.Network;
import dev.scratchnet.network.NetworkSettings;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.network.WeightInit;
import dev.scratchnet.registry.EngineSettings;
import dev.scratchnet.training.TrainingSettings;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * {@code gradcheck}: the book's ch05/gradient_check.py. The configured network (its weight decay and dropout
 * included; {@code --properties-file conf/book.conf} checks the book's TwoLayerNet) on the first training
 * examples; prints {@code name:difference} per parameter and fails when any mean absolute difference exceeds
 * the tolerance. Runs in the driver JVM: it needs no executors.
 */
final class GradCheckCommand {
    private GradCheckCommand() {}

    static int run(Configuration config, int examples, double tolerance, PrintStream out) {
        NativeBlas.install(config.get(EngineSettings.NATIVE_BLAS));
        RunLog.header(out, "gradcheck", config);
        Mnist.Split data = MnistData.load(config, out, "gradcheck");
        ImageSet train = data.train();
        if (examples < 1 || examples > train.size()) {
            throw new dev.scratchnet.ScratchnetException("--examples must be between 1 and " + train.size() + ", got " + examples);
        }
        NetworkSpec spec = NetworkSettings.spec(config, new Shape(1, train.rows(), train.cols()), train.classes());
        WeightInit init = config.get(NetworkSettings.WEIGHT_INIT);
        Network net = new Network(spec, Matrix.of(1, spec.parameterCount(),
                init.initialize(spec, config.get(TrainingSettings.SEED))), TrainingSettings.weightDecay(config));
        int[] rows = IntStream.range(0, examples).toArray();
        Matrix x = Matrix.of(examples, train.features(), train.toMatrixRows(rows));
        double[] t = IntStream.of(train.labelArray(rows)).asDoubleStream().toArray();
        long t0 = System.nanoTime();
        Map<String, Double> diffs = GradientCheck.meanAbsoluteDifferences(net, x, t);
        out.printf(Locale.ROOT, "network %s, %d examples, %s init, %.1f s%n", spec.describe(), examples,
                init, (System.nanoTime() - t0) / 1e9);
        boolean ok = true;
        for (Map.Entry<String, Double> e : diffs.entrySet()) {
            boolean pass = e.getValue() <= tolerance;
            ok &= pass;
            out.printf(Locale.ROOT, "%s:%.6e%s%n", e.getKey(), e.getValue(), pass ? "" : "  > tolerance " + tolerance);
        }
        out.println(ok ? "gradient check passed (tolerance " + tolerance + ")"
                : "gradient check FAILED (tolerance " + tolerance + ")");
        return ok ? Main.OK : Main.CHECK_FAILED;
    }
}
