package dev.scratchnet.training;

import static dev.scratchnet.training.FakeEngine.accuracy;
import static dev.scratchnet.training.FakeEngine.evaluation;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.config.Configuration;
import dev.scratchnet.layers.LayerSpec;
import dev.scratchnet.layers.Shape;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.network.Task;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.partition.Evaluation;
import dev.scratchnet.partition.GradientSum;
import dev.scratchnet.registry.Settings;
import dev.scratchnet.report.EpochMetrics;
import dev.scratchnet.run.RunOutputs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The trainer's bookkeeping against a fake engine: no network, no data, milliseconds. */
class TrainerTest {
    final ByteArrayOutputStream log = new ByteArrayOutputStream();

    /** Four parameters, as {@link #fresh} has them: the fake engine's loss needs no network, the trainer a layout. */
    static final NetworkSpec SPEC = new NetworkSpec(Shape.flat(1), LayerSpec.parseList("affine"), Task.CLASSIFICATION, 2);

    static Configuration config(String... kv) {
        Map<String, String> m = new HashMap<>(Map.of("spark.scratchnet.batchSize", "3",
                "spark.scratchnet.optimizer", "momentum", "spark.scratchnet.learningRate", "0.01",
                "spark.scratchnet.steps", "0", "spark.scratchnet.progressSeconds", "0", "spark.scratchnet.seed", "5",
                "spark.scratchnet.patience", "0", "spark.scratchnet.regParam", "0"));
        for (int i = 0; i < kv.length; i += 2) {
            m.put("spark.scratchnet." + kv[i], kv[i + 1]);
        }
        return Settings.parse(m);
    }

    static TrainingState fresh(Configuration config) {
        return TrainingState.fresh(new double[] {0.5, -0.5, 0.25, -0.25}, TrainingSettings.newOptimizer(config, 4));
    }

    /** Records the listener's calls as strings such as {@code step 2} and {@code epoch 1 @ 3}. */
    static class Recorder implements Trainer.Listener {
        final List<String> calls = new ArrayList<>();

        @Override
        public void afterStep(TrainingState state) {
            calls.add("step " + state.globalStep());
        }

        @Override
        public void afterEpoch(TrainingState state, EpochMetrics m) {
            calls.add("epoch " + m.epoch() + " @ " + m.step());
        }
    }

    Trainer.Result run(Configuration config, GradientEngine engine, Trainer.Listener listener, TrainingState state) {
        return run(config, engine, listener, state, () -> false);
    }

    Trainer.Result run(Configuration config, GradientEngine engine, Trainer.Listener listener, TrainingState state,
                       java.util.function.BooleanSupplier stopRequested) {
        return new Trainer(config, SPEC, engine, new PrintStream(log, true, StandardCharsets.UTF_8), listener,
                stopRequested).run(state);
    }

    @Test
    void aStepLimitEndsWithAPartialEpochAndListenersSeeEveryStepOnce() {
        Configuration config = config("epochs", "3", "steps", "7");
        FakeEngine engine = new FakeEngine(10, List.of(accuracy(-1, 50)));
        Recorder recorder = new Recorder();
        Trainer.Result r = run(config, engine, recorder, fresh(config));
        assertEquals(7, r.steps());
        assertEquals(List.of("step 1", "step 2", "epoch 1 @ 3", "step 4", "step 5", "epoch 2 @ 6", "epoch 3 @ 7"),
                recorder.calls, "3 steps an epoch (10 / 3), the run cut at step 7");
        assertEquals(List.of(1, 2, 3), r.metrics().stream().map(EpochMetrics::epoch).toList());
        assertTrue(log.toString().contains("epoch 3 (partial)"), log.toString());
        assertEquals(7, engine.batches.size());
        for (int[] b : engine.batches) {
            assertEquals(3, b.length);
        }
        assertFalse(r.reachedTarget());
        assertTrue(Double.isNaN(r.timeToTargetSeconds()));
    }

    @Test
    void eachEpochIsAPermutationWhoseRemainderSitsOut() {
        Configuration config = config("epochs", "1");
        FakeEngine engine = new FakeEngine(10, List.of(accuracy(-1, 50)));
        run(config, engine, new Recorder(), fresh(config));
        boolean[] seen = new boolean[10];
        for (int[] b : engine.batches) {
            for (int i : b) {
                assertFalse(seen[i], "example " + i + " twice in one epoch");
                seen[i] = true;
            }
        }
        assertEquals(9, engine.batches.size() * 3);
    }

    @Test
    void theTargetStopsTheRunAndTimeToTargetIsThatEpochsTime() {
        Configuration config = config("epochs", "10", "targetAccuracy", "0.9");
        FakeEngine engine = new FakeEngine(9, List.of(accuracy(-1, 50), accuracy(-1, 89), accuracy(-1, 90), accuracy(-1, 99)));
        Trainer.Result r = run(config, engine, new Recorder(), fresh(config));
        assertTrue(r.reachedTarget());
        assertEquals(3, r.metrics().size(), "stops after the first epoch at or above the target");
        assertEquals(9, r.steps());
        assertEquals(r.metrics().get(2).seconds(), r.timeToTargetSeconds());
        assertTrue(log.toString().contains("reached test accuracy 0.9000 >= 0.9000"), log.toString());
    }

    @Test
    void withAValidationSplitTheTargetLooksAtValidationNotTest() {
        Configuration config = config("epochs", "10", "targetAccuracy", "0.9");
        FakeEngine engine = new FakeEngine(9, List.of(accuracy(50, 95), accuracy(91, 80)));
        Trainer.Result r = run(config, engine, new Recorder(), fresh(config));
        assertEquals(2, r.metrics().size(), "test 0.95 in epoch 1 does not stop the run; validation 0.91 in epoch 2 does");
        assertEquals(0.91, r.last().validationAccuracy());
        assertEquals(0.80, r.last().testAccuracy());
        assertTrue(log.toString().contains("reached validation accuracy"), log.toString());
    }

    @ParameterizedTest
    @CsvSource({"constant, 0", "cosine:2, 3", "step:1:0.5, 2", "cosine:3:0.1, 5"})
    void aRunResumedMidEpochEndsExactlyWhereAnUninterruptedRunEnds(String lrSchedule, String warmupSteps) {
        Configuration config = config("epochs", "3", "lrSchedule", lrSchedule, "warmupSteps", warmupSteps);
        FakeEngine whole = new FakeEngine(10, List.of(accuracy(-1, 50)));
        Trainer.Result uninterrupted = run(config, whole, new Recorder(), fresh(config));

        // A checkpoint taken after global step 4 (epoch 2, step 1), as RunOutputs would take it.
        TrainingState[] snapshot = new TrainingState[1];
        Trainer.Listener checkpointAt4 = new Trainer.Listener() {
            @Override
            public void afterStep(TrainingState s) {
                if (s.globalStep() == 4) {
                    Optimizer o = TrainingSettings.newOptimizer(config, 4);
                    o.restore(s.optimizer().state());
                    snapshot[0] = new TrainingState(s.params().clone(), o, s.epoch(), s.stepInEpoch(), s.globalStep(),
                            s.seconds(), s.epochLossSum(), s.epochWeight(), s.metrics(), s.bestEpoch(),
                            s.bestParams() == null ? null : s.bestParams().clone());
                }
            }
        };
        run(config, new FakeEngine(10, List.of(accuracy(-1, 50))), checkpointAt4, fresh(config));
        assertEquals(1, snapshot[0].epoch());
        assertEquals(1, snapshot[0].stepInEpoch());

        Trainer.Result resumed = run(config, new FakeEngine(10, List.of(accuracy(-1, 50))), new Recorder(), snapshot[0]);
        assertArrayEquals(uninterrupted.params(), resumed.params(), 0.0);
        assertEquals(uninterrupted.steps(), resumed.steps());
        assertEquals(uninterrupted.metrics().size(), resumed.metrics().size());
        for (int i = 0; i < resumed.metrics().size(); i++) {
            assertEquals(uninterrupted.metrics().get(i).loss(), resumed.metrics().get(i).loss(), 0.0, "epoch " + (i + 1));
        }
    }

    @Test
    void eachStepRunsAtTheScheduledRate() {
        Configuration config = config("epochs", "3", "optimizer", "sgd", "learningRate", "0.1", "lrSchedule", "step:1:0.5",
                "warmupSteps", "2");
        List<double[]> after = new ArrayList<>();
        Trainer.Listener record = new Trainer.Listener() {
            @Override
            public void afterStep(TrainingState s) {
                after.add(s.params().clone());
            }

            @Override
            public void afterEpoch(TrainingState s, EpochMetrics m) {
                after.add(s.params().clone());
            }
        };
        FakeEngine engine = new FakeEngine(10, List.of(accuracy(-1, 50)));
        run(config, engine, record, fresh(config));
        // 3 steps an epoch; warm-up 1/2 then 1 over steps 0-1; the rate halves at steps 3 and 6.
        double[] rates = {0.05, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025};
        double[] p = {0.5, -0.5, 0.25, -0.25};
        assertEquals(rates.length, after.size());
        for (int step = 0; step < rates.length; step++) {
            double mean = java.util.Arrays.stream(engine.batches.get(step)).average().orElseThrow();
            for (int j = 0; j < p.length; j++) {
                p[j] -= rates[step] * (p[j] - mean); // SGD on the fake loss: the mean gradient is p - mean(batch)
            }
            assertArrayEquals(p, after.get(step), 1e-15, "after step " + (step + 1));
        }
    }

    @Test
    void aResumedRunThatAlreadyReachedItsTargetDoesNothing() {
        Configuration config = config("epochs", "5", "targetAccuracy", "0.5");
        TrainingState done = new TrainingState(new double[] {1, 2, 3, 4}, TrainingSettings.newOptimizer(config, 4), 1, 0, 3,
                2.5, 0, 0, List.of(new EpochMetrics(1, 3, 2.5, 0.1, Double.NaN, Double.NaN, 0.6)), 0, null);
        FakeEngine engine = new FakeEngine(10, List.of(accuracy(-1, 50)));
        Trainer.Result r = run(config, engine, new Recorder(), done);
        assertTrue(r.reachedTarget());
        assertEquals(2.5, r.timeToTargetSeconds());
        assertEquals(0, engine.batches.size());
    }

    @Test
    void aBatchLargerThanTheTrainingSetOrAPositionOffTheScheduleIsRefused() {
        ScratchnetException big = assertThrows(ScratchnetException.class,
                () -> run(config("batchSize", "11"), new FakeEngine(10, List.of(accuracy(-1, 1))), new Recorder(),
                        fresh(config())));
        assertEquals("spark.scratchnet.batchSize: 11 is larger than the training set (10 examples)", big.getMessage());
        Configuration config = config();
        TrainingState offSchedule = new TrainingState(new double[4], TrainingSettings.newOptimizer(config, 4), 0, 5, 5,
                0, 0, 0, List.of(), 0, null);
        assertThrows(ScratchnetException.class,
                () -> run(config, new FakeEngine(10, List.of(accuracy(-1, 1))), new Recorder(), offSchedule));
    }

    @Test
    void aStopRequestEndsTheRunAtAStepBoundaryWithoutEvaluating() {
        Configuration config = config("epochs", "3");
        FakeEngine engine = new FakeEngine(10, List.of(accuracy(-1, 50)));
        Recorder recorder = new Recorder();
        Trainer.Result r = run(config, engine, recorder, fresh(config), () -> recorder.calls.size() >= 4);
        assertTrue(r.interrupted());
        assertEquals(4, r.steps(), "after step 4 the listener has been called four times (steps 1, 2, epoch 1, step 4)");
        assertEquals(1, engine.evaluations);
    }

    @Test
    void aNonFiniteLossStopsTheRunBeforeTheUpdateTouchesTheParameters() {
        Configuration config = config("epochs", "3");
        double[][] before = new double[1][];
        FakeEngine engine = new FakeEngine(10, List.of(accuracy(-1, 50))) {
            @Override
            public GradientSum gradientSum(double[] params, int[] batch, StepPosition at) {
                GradientSum g = super.gradientSum(params, batch, at);
                if (batches.size() == 4) {
                    before[0] = params.clone();
                    return GradientSum.of(g.grad(), Double.NaN, g.count());
                }
                return g;
            }
        };
        TrainingState state = fresh(config);
        ScratchnetException e = assertThrows(ScratchnetException.class, () -> run(config, engine, new Recorder(), state));
        assertEquals("training diverged at step 4 (epoch 2, step 1): the loss is NaN; lower spark.scratchnet.learningRate "
                + "(now 0.01); the last checkpoint and model, if any, are from before this step", e.getMessage());
        assertArrayEquals(before[0], state.params(), 0.0, "no update from the diverged step");
    }

    @Test
    void earlyStoppingEndsAfterPatienceEpochsWithoutImprovementAndKeepsTheBestEpochsWeights() {
        Configuration config = config("epochs", "20", "patience", "3", "tol", "0.01");
        // Validation losses 0.9, 0.5, 0.495 (not better by tol), 0.6, 0.4999 (best still 0.495): stop after epoch 5.
        FakeEngine engine = new FakeEngine(9, List.of(evaluation(50, 50, 0.9), evaluation(50, 50, 0.5),
                evaluation(50, 50, 0.495), evaluation(50, 50, 0.6), evaluation(50, 50, 0.4999)));
        List<double[]> params = new ArrayList<>();
        Trainer.Listener record = new Trainer.Listener() {
            @Override
            public void afterEpoch(TrainingState s, EpochMetrics m) {
                params.add(s.params().clone());
            }
        };
        Trainer.Result r = run(config, engine, record, fresh(config));
        assertEquals(StopRule.Reason.NO_IMPROVEMENT, r.stop());
        assertEquals(5, r.metrics().size(), "3 epochs after epoch 2's last improvement by more than tol");
        assertEquals(3, r.modelEpoch(), "the strictly best validation loss, 0.495");
        assertArrayEquals(params.get(2), r.params(), 0.0, "the model is epoch 3's weights");
        assertTrue(log.toString().contains("no improvement of the validation loss by more than 0.01 for 3 epochs"),
                log.toString());
    }

    @Test
    void withoutAValidationSplitEarlyStoppingWatchesTheTrainingLoss() {
        Configuration config = config("epochs", "200", "patience", "2", "tol", "1e9");
        FakeEngine engine = new FakeEngine(9, List.of(accuracy(-1, 50)));
        Trainer.Result r = run(config, engine, new Recorder(), fresh(config));
        assertEquals(StopRule.Reason.NO_IMPROVEMENT, r.stop());
        assertEquals(3, r.metrics().size(), "the first epoch sets the best; none after improves by 1e9: 2 more");
        int best = 0;
        for (int i = 1; i < r.metrics().size(); i++) {
            best = r.metrics().get(i).loss() < r.metrics().get(best).loss() ? i : best;
        }
        assertEquals(best + 1, r.modelEpoch(), "the epoch of the lowest training loss");
    }

    @Test
    void aRunResumedWithEarlyStoppingStateEndsExactlyAsAnUninterruptedOne() {
        Configuration config = config("epochs", "20", "patience", "2");
        List<Evaluation> script = List.of(evaluation(50, 50, 0.9), evaluation(50, 50, 0.5), evaluation(50, 50, 0.7),
                evaluation(50, 50, 0.8));
        Trainer.Result uninterrupted = run(config, new FakeEngine(9, script), new Recorder(), fresh(config));
        TrainingState[] snapshot = new TrainingState[1];
        Trainer.Listener checkpointAfterEpoch3 = new Trainer.Listener() {
            @Override
            public void afterEpoch(TrainingState s, EpochMetrics m) {
                if (m.epoch() == 3) {
                    Optimizer o = TrainingSettings.newOptimizer(config, 4);
                    o.restore(s.optimizer().state());
                    snapshot[0] = new TrainingState(s.params().clone(), o, s.epoch(), s.stepInEpoch(), s.globalStep(),
                            s.seconds(), s.epochLossSum(), s.epochWeight(), s.metrics(), s.bestEpoch(),
                            s.bestParams().clone());
                }
            }
        };
        run(config, new FakeEngine(9, script), checkpointAfterEpoch3, fresh(config));
        FakeEngine rest = new FakeEngine(9, List.of(evaluation(50, 50, 0.8)));
        Trainer.Result resumed = run(config, rest, new Recorder(), snapshot[0]);
        assertEquals(uninterrupted.modelEpoch(), resumed.modelEpoch());
        assertEquals(2, resumed.modelEpoch());
        assertArrayEquals(uninterrupted.params(), resumed.params(), 0.0);
        assertEquals(uninterrupted.metrics().size(), resumed.metrics().size());
    }
}
