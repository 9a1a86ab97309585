package dev.scratchnet.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.layers.LayerSpec;
import dev.scratchnet.layers.Shape;
import dev.scratchnet.math.Matrix;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.network.ParameterBlock;
import dev.scratchnet.network.Task;
import dev.scratchnet.network.WeightDecay;
import dev.scratchnet.network.WeightInit;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.partition.BatchNormExchange;
import dev.scratchnet.partition.GradientSum;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The driver's running mean and variance: the book's momentum 0.9 towards each step's minibatch statistics. */
class BatchNormStatisticsTest {
    private static final NetworkSpec SPEC = new NetworkSpec(Shape.flat(3), LayerSpec.parseList("batchnorm,affine"),
            Task.CLASSIFICATION, 2);

    @Test
    void aStepMovesTheRunningStatisticsAsTheBooksLayerDoesAndTheOptimizerLeavesThemAlone() {
        double[] params = WeightInit.he().initialize(SPEC, 1);
        ParameterBlock mean = SPEC.block("running_mean1");
        ParameterBlock var = SPEC.block("running_var1");
        for (int j = 0; j < 3; j++) {
            params[mean.offset() + j] = 0.5 * j;
            params[var.offset() + j] = 1.0 + j;
        }
        double[][] rows = {{1, 2, 3}, {0, 4, -1}, {2, 0, 1}, {5, 1, 1}};
        Matrix x = Matrix.ofRows(rows);
        double[] t = {0, 1, 1, 0};
        Matrix grads = Matrix.zeros(1, SPEC.parameterCount());
        double loss = new dev.scratchnet.network.Network(SPEC, Matrix.of(1, params.length, params.clone()),
                WeightDecay.NONE).accumulateGradient(x, t, null, dev.scratchnet.layers.Pass.training(0, 4), grads);
        double[] before = params.clone();
        Optimizer sgd = Optimizer.Kind.ADAM.create(0.1, 0.9, params.length);
        new StepUpdate(SPEC, new WeightDecay(0.5), "0.1").apply(GradientSum.of(grads.toDoubles(), loss, 4), params, sgd,
                1, new GradientEngine.StepPosition(0, 0, 0));
        for (int j = 0; j < 3; j++) {
            double mu = 0;
            for (double[] r : rows) {
                mu += r[j] / 4;
            }
            double sigma2 = 0;
            for (double[] r : rows) {
                sigma2 += (r[j] - mu) * (r[j] - mu) / 4;
            }
            assertEquals(0.9 * before[mean.offset() + j] + 0.1 * mu, params[mean.offset() + j], 1e-12, "running mean");
            assertEquals(0.9 * before[var.offset() + j] + 0.1 * sigma2, params[var.offset() + j], 1e-12, "running var");
        }
        ParameterBlock gamma = SPEC.block("gamma1");
        assertTrue(params[gamma.offset()] != before[gamma.offset()], "γ is trained");
    }

    @Test
    void lbfgsIsRefusedWithBatchNormalization() {
        ScratchnetException e = assertThrows(ScratchnetException.class,
                () -> BatchNormStatistics.check(SPEC, Optimizer.Kind.LBFGS));
        assertTrue(e.getMessage().startsWith("spark.scratchnet.optimizer=l-bfgs cannot train batchnorm layers"));
        BatchNormStatistics.check(NetworkSpec.mlp(3, List.of(4), dev.scratchnet.network.Activation.RELU, 2),
                Optimizer.Kind.LBFGS);
    }

    @Test
    void theExchangesOfAStepAreForwardInOrderThenBackwardInReverseWithoutAFirstLayers() {
        NetworkSpec spec = new NetworkSpec(Shape.parse("1x6x6"),
                LayerSpec.parseList("batchnorm,conv:2:3x3,batchnorm,relu,affine:5,batchnorm,affine"), Task.CLASSIFICATION, 3);
        assertEquals(List.of(72, 64, 10, 10, 64), BatchNormExchange.sizes(spec));
    }
}
