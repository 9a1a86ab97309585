package dev.scratchnet.training;

import static dev.scratchnet.training.FakeEngine.accuracy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.config.Configuration;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.partition.Evaluation;
import dev.scratchnet.partition.GradientSum;
import dev.scratchnet.report.EpochMetrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The one step loop on both of its paths, against a fake engine (no Spark, milliseconds): a job a step, the loop run
 * on the driver a step at a time, and a run of steps where the data is, the loop run by the engine up to a
 * checkpoint, an epoch's end or an interrupt. Both must give the same bits, the same epochs, and the listener the
 * steps it acts on.
 */
class StepLoopTest {
    final ByteArrayOutputStream log = new ByteArrayOutputStream();

    /**
     * The fake engine running its steps as a task would, through {@link StepLoop}, on copies of the parameters and the
     * optimizer: each step's total its own gradient sum, each epoch counted by its scripted evaluation (so the driver
     * adds only the test set's, none), the driver's watcher asked after every step.
     */
    static class WhereTheData extends FakeEngine {
        private final boolean hasTest;
        private final boolean slow;

        WhereTheData(int n, List<Evaluation> script, boolean hasTest) {
            this(n, script, hasTest, false);
        }

        /** {@code slow}: every epoch outlasts a job's time budget, so a run of several epochs ends after each. */
        WhereTheData(int n, List<Evaluation> script, boolean hasTest, boolean slow) {
            super(n, script);
            this.hasTest = hasTest;
            this.slow = slow;
        }

        @Override
        public boolean runsSteps() {
            return true;
        }

        @Override
        public boolean hasTest() {
            return hasTest;
        }

        @Override
        public EpochResult runSteps(EpochTask task, double[] params, Optimizer optimizer, StepWatcher watcher) {
            EpochTask run = !slow ? task : new EpochTask(task.steps(), task.shares(), task.counting(), task.span(),
                    new EpochTask.GoOn(task.goOn().stopRule(), task.goOn().lastEpoch(), 0, task.goOn().history()));
            long[] stepOfRun = {0};
            return StepLoop.run(run, params.clone(), copy(optimizer), new StepLoop.Sums() {
                @Override
                public GradientSum total(GradientEngine.StepPosition at, int[] batch, double[] p) {
                    GradientSum total = gradientSum(p, batch, at);
                    watcher.stepDone(++stepOfRun[0], total);
                    return total;
                }

                @Override
                public boolean stopAfterStep() {
                    return watcher.stopRequested();
                }

                @Override
                public StepLoop.Counts count(double[] p) {
                    return new StepLoop.Counts(List.of(evaluate(p, task.counting().counted())), null);
                }
            });
        }

        private static Optimizer copy(Optimizer o) {
            try {
                var bytes = new java.io.ByteArrayOutputStream();
                try (var out = new java.io.ObjectOutputStream(bytes)) {
                    out.writeObject(o);
                }
                try (var in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
                    return (Optimizer) in.readObject();
                }
            } catch (java.io.IOException | ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    Trainer.Result run(Configuration config, GradientEngine engine, Trainer.Listener listener, BooleanSupplier stop) {
        return new Trainer(config, TrainerTest.SPEC, engine, new PrintStream(log, true, StandardCharsets.UTF_8),
                listener, stop).run(TrainerTest.fresh(config));
    }

    static void assertSameRun(Trainer.Result expected, Trainer.Result actual) {
        assertArrayEquals(expected.params(), actual.params(), 0.0, "the same parameters, bit for bit");
        assertEquals(expected.steps(), actual.steps());
        assertEquals(expected.stop(), actual.stop());
        assertEquals(expected.modelEpoch(), actual.modelEpoch());
        assertEquals(expected.metrics().size(), actual.metrics().size());
        for (int i = 0; i < expected.metrics().size(); i++) {
            EpochMetrics a = expected.metrics().get(i);
            EpochMetrics b = actual.metrics().get(i);
            assertEquals(a.step(), b.step(), "epoch " + (i + 1));
            assertEquals(a.loss(), b.loss(), 0.0, "epoch " + (i + 1));
            assertEquals(a.testAccuracy(), b.testAccuracy(), 0.0, "epoch " + (i + 1));
        }
    }

    @Test
    void aRunWhereTheDataIsEqualsAJobAStepAndStopsAtEveryCheckpoint() {
        // 3 steps an epoch (10 / 3), a checkpoint every 2 steps, the run cut at step 8: a partial third epoch.
        Configuration config = TrainerTest.config("epochs", "3", "steps", "8", "checkpoint.every", "2",
                "lrSchedule", "cosine:2", "warmupSteps", "2", "optimizer", "adam");
        TrainerTest.Recorder stepwise = new TrainerTest.Recorder();
        Trainer.Result aJobAStep = run(config, new FakeEngine(10, List.of(accuracy(-1, 50))), stepwise, () -> false);
        assertEquals(List.of("step 1", "step 2", "epoch 1 @ 3", "step 4", "step 5", "epoch 2 @ 6", "step 7",
                "epoch 3 @ 8"), stepwise.calls, "a job a step: the listener hears of every step");

        TrainerTest.Recorder spans = new TrainerTest.Recorder();
        WhereTheData engine = new WhereTheData(10, List.of(accuracy(-1, 50)), true);
        Trainer.Result whereTheData = run(config, engine, spans, () -> false);
        assertSameRun(aJobAStep, whereTheData);
        assertEquals(8, engine.batches.size(), "every step taken once");
        assertEquals(List.of("step 2", "epoch 1 @ 3", "step 4", "epoch 2 @ 6", "epoch 3 @ 8"), spans.calls,
                "where the data is: the listener hears of each checkpoint's step and each epoch");
        assertTrue(log.toString().contains("epoch 3 (partial)"), log.toString());
    }

    @Test
    void anInterruptEndsBothPathsAfterTheSameStep() {
        Configuration config = TrainerTest.config("epochs", "3");
        FakeEngine stepwise = new FakeEngine(10, List.of(accuracy(-1, 50)));
        Trainer.Result aJobAStep = run(config, stepwise, new TrainerTest.Recorder(),
                () -> stepwise.batches.size() >= 4);
        WhereTheData engine = new WhereTheData(10, List.of(accuracy(-1, 50)), true);
        TrainerTest.Recorder spans = new TrainerTest.Recorder();
        Trainer.Result whereTheData = run(config, engine, spans, () -> engine.batches.size() >= 4);
        assertTrue(aJobAStep.interrupted() && whereTheData.interrupted());
        assertSameRun(aJobAStep, whereTheData);
        assertEquals(4, whereTheData.steps(), "the run of the second epoch ends after the step under way");
        assertEquals(List.of("epoch 1 @ 3", "step 4"), spans.calls, "the listener hears where it stopped");
    }

    @Test
    void severalEpochsInOneRunKeepTheBestEpochAsTheDriverDoes() {
        // One partition, no test set, nothing to write each epoch: one run goes on into the next epochs, and keeps
        // the best epoch itself (the lowest training loss; patience 2 with a tolerance no epoch beats: 3 epochs).
        Configuration config = TrainerTest.config("epochs", "6", "patience", "2", "tol", "1e9");
        Trainer.Result aJobAStep = run(config, new FakeEngine(10, List.of(accuracy(-1, 50))), Trainer.NO_LISTENER,
                () -> false);
        assertEquals(3, aJobAStep.metrics().size());
        Trainer.Result oneRun = run(config, new WhereTheData(10, List.of(accuracy(-1, 50)), false),
                Trainer.NO_LISTENER, () -> false);
        assertSameRun(aJobAStep, oneRun);
    }

    /**
     * Regression: a run of several epochs that started in the training run's last epoch (on a machine where every epoch
     * outlasts a job's budget) neither kept its best epoch itself (one epoch to go: no run of several) nor let the
     * driver keep it, so a last epoch that was the best was not the model.
     */
    @Test
    void runsOfEpochsThatEachEndAfterAnEpochStillKeepTheLastEpochWhenItIsTheBest() {
        Configuration config = TrainerTest.config("epochs", "3", "patience", "5");
        Trainer.Result aJobAStep = run(config, new FakeEngine(10, List.of(accuracy(-1, 50))), Trainer.NO_LISTENER,
                () -> false);
        assertEquals(3, aJobAStep.modelEpoch(), "the training loss falls every epoch");
        Trainer.Result runs = run(config, new WhereTheData(10, List.of(accuracy(-1, 50)), false, true),
                Trainer.NO_LISTENER, () -> false);
        assertSameRun(aJobAStep, runs);
    }
}
