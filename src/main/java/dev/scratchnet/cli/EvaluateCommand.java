package dev.scratchnet.cli;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.config.Configuration;
import dev.scratchnet.data.Mnist;
import dev.scratchnet.math.Matrix;
import dev.scratchnet.math.NativeBlas;
import dev.scratchnet.partition.BlockEvaluation;
import dev.scratchnet.partition.ExampleBlock;
import dev.scratchnet.partition.ValidationSplit;
import dev.scratchnet.registry.EngineSettings;
import dev.scratchnet.run.ModelFile;
import dev.scratchnet.training.TrainingSettings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/** {@code evaluate --model PATH}: reloads a saved model and prints its MNIST test accuracy. */
final class EvaluateCommand {
    private EvaluateCommand() {}

    static int run(Configuration config, Path model, PrintStream out) {
        NativeBlas.install(config.get(EngineSettings.NATIVE_BLAS));
        ModelFile.Model m = ModelFile.load(model);
        Mnist.Split data = MnistData.load(config, out, "evaluate");
        if (data.test().features() != m.spec().inputSize() || data.test().classes() != m.spec().classes()) {
            throw new ScratchnetException("model " + model + " (" + m.spec().describe() + ") does not fit the data: "
                    + data.test().features() + " inputs, " + data.test().classes() + " classes");
        }
        long correct = Math.round(BlockEvaluation.evaluate(ExampleBlock.whole(data.test()), 0,
                BlockEvaluation.Counted.TEST, ValidationSplit.NONE, m.spec(), Matrix.of(1, m.params().length, m.params()),
                config.get(TrainingSettings.BLOCK_SIZE)).test().correct());
        out.printf(Locale.ROOT, "model %s (%s): test accuracy %.4f (%d / %d)%n", model, m.spec().describe(),
                (double) correct / data.test().size(), correct, data.test().size());
        return Main.OK;
    }
}
