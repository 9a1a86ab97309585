package dev.scratchnet.training;

import dev.scratchnet.math.Matrix;
import java.util.function.UnaryOperator;

/**
 * The steps of an {@link EpochTask} on one block, where it is cached: each step computes this block's gradient sum,
 * {@code exchange} turns it into the step's total (the block's own when it is the only one; the {@link SumTree} of
 * every partition's otherwise), and {@link StepUpdate} applies it — the same code, in the same order, as the
 * driver's step-by-step run, so the result is the same bits.
 */
public final class EpochRunner {
    private EpochRunner() {}

    /**
     * Runs {@code task}'s steps from {@code params} (modified in place) and {@code optimizer} on {@code block}, whose
     * first example is at global position {@code start}.
     */
    public static EpochResult run(ExampleBlock block, int start, EpochTask task, double[] params, Optimizer optimizer,
                                  UnaryOperator<GradientSum> exchange) {
        dev.scratchnet.layers.BatchSums sums = BatchNormExchange.needed(task.spec())
                ? BatchNormExchange.through(exchange) : dev.scratchnet.layers.BatchSums.LOCAL;
        double[] lossSums = new double[task.steps()];
        double[] weightSums = new double[task.steps()];
        for (int s = task.fromStep(); s < task.toStep(); s++) {
            int[] batch = task.schedule().batch(task.epoch(), s);
            GradientEngine.StepPosition at = task.at(s);
            Step step = new Step(task.spec(), task.precision(), task.seed(), at.globalStep(), batch);
            GradientSum total = exchange.apply(PartitionStep.gradientSum(block, start, step,
                    Parameters.forPrecision(params, task.precision()), sums));
            if (total.count() != batch.length) {
                throw new IllegalStateException("step " + at.globalStep() + " summed " + total.count()
                        + " examples, expected " + batch.length);
            }
            task.update().apply(total, params, optimizer, task.rateFactors()[s - task.fromStep()], at);
            lossSums[s - task.fromStep()] = total.lossSum();
            weightSums[s - task.fromStep()] = total.weightSum();
        }
        Evaluation training = Evaluation.NONE;
        if (task.evaluate() && (task.split().fraction() > 0 || task.counted() == BlockEvaluation.Counted.VALIDATION_AND_TRAINING)) {
            Matrix p = Parameters.forPrecision(params, task.precision());
            training = BlockEvaluation.evaluate(block, start, task.counted(), task.split(), task.spec(), p,
                    task.evalChunk());
        }
        return new EpochResult(params, optimizer, lossSums, weightSums, training);
    }
}
