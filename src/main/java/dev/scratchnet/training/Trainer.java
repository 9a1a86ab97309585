package dev.scratchnet.training;

import static dev.scratchnet.training.TrainingSettings.EPOCHS;
import static dev.scratchnet.training.TrainingSettings.EVAL_TRAIN;
import static dev.scratchnet.training.TrainingSettings.PROGRESS_SECONDS;
import static dev.scratchnet.training.TrainingSettings.SEED;
import static dev.scratchnet.training.TrainingSettings.STEPS;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.config.Configuration;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.network.Task;
import dev.scratchnet.network.WeightDecay;
import dev.scratchnet.optim.Lbfgs;
import dev.scratchnet.optim.LbfgsIteration;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.partition.BlockEvaluation;
import dev.scratchnet.partition.Evaluation;
import dev.scratchnet.partition.GradientSum;
import dev.scratchnet.report.ConsoleLines;
import dev.scratchnet.report.EpochMetrics;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * Synchronous minibatch training (the book's {@code common/trainer.py}): for each step, the engine sums gradients
 * over the step's global minibatch, the step is divided once, the weight decay added and the optimizer updates the
 * parameters ({@link StepUpdate}); after each epoch (and after a partial last one), the engine evaluates and the
 * epoch's line is printed; then the {@link StopRule} decides whether to go on. The steps are the {@link StepLoop}'s,
 * taken where the data is (one job for the rest of an epoch, or up to the next checkpoint) or, one at a time, on the
 * driver; this loop goes from one run of steps to the next. With {@code l-bfgs} each epoch is one L-BFGS iteration
 * over the full batch instead.
 */
public final class Trainer {
    private final Configuration config;
    private final NetworkSpec spec;
    private final GradientEngine engine;
    private final PrintStream log;
    private final Listener listener;
    private final BooleanSupplier stopRequested;
    private final WeightDecay weightDecay;
    private final StepUpdate update;
    private final StopRule stopRule;
    private final EpochTask.Shares shares;
    private final EpochTask.Counting counting;

    /** Called on the driver as training advances (outputs, checkpoints). */
    public interface Listener {
        /** After each step that ends neither an epoch nor the run (those get {@link #afterEpoch}). */
        default void afterStep(TrainingState state) {}

        /** After every evaluated epoch, including a partial last one. */
        default void afterEpoch(TrainingState state, EpochMetrics metrics) {}

        /**
         * Whether this listener needs each epoch's state as the epoch ends (outputs, checkpoints); when not, a run of
         * several epochs may report them together, with the state of the last.
         */
        default boolean wantsEveryEpoch() {
            return true;
        }
    }

    /** Listens to nothing. */
    public static final Listener NO_LISTENER = new Listener() {
        @Override
        public boolean wantsEveryEpoch() {
            return false;
        }
    };

    /**
     * The outcome of a run.
     *
     * @param params the model: the best epoch's parameters when early stopping kept them, else the last
     * @param modelEpoch the epoch {@code params} are from (1-based)
     * @param timeToTargetSeconds training seconds until the target accuracy was reached, or NaN
     */
    public record Result(double[] params, int modelEpoch, List<EpochMetrics> metrics, long steps, int batchSize,
                         double trainSeconds, double timeToTargetSeconds, StopRule.Reason stop) {
        public EpochMetrics last() {
            return metrics.get(metrics.size() - 1);
        }

        /** The metrics of the epoch the model is from. */
        public EpochMetrics model() {
            return metrics.get(modelEpoch - 1);
        }

        public boolean reachedTarget() {
            return stop == StopRule.Reason.TARGET_REACHED;
        }

        public boolean interrupted() {
            return stop == StopRule.Reason.INTERRUPTED;
        }
    }

    /** Reads the training settings ({@link TrainingSettings}) of {@code config}; runs to its end. */
    public Trainer(Configuration config, NetworkSpec spec, GradientEngine engine, PrintStream log, Listener listener) {
        this(config, spec, engine, log, listener, () -> false);
    }

    /**
     * Also asks {@code stopRequested} before every step: true ends the run at that step boundary (an interrupt),
     * without evaluating.
     */
    public Trainer(Configuration config, NetworkSpec spec, GradientEngine engine, PrintStream log, Listener listener,
                   BooleanSupplier stopRequested) {
        this.config = config;
        this.spec = spec;
        this.engine = engine;
        this.log = log;
        this.listener = listener;
        this.stopRequested = stopRequested;
        this.weightDecay = TrainingSettings.weightDecay(config);
        this.update = new StepUpdate(spec, weightDecay, config.text(TrainingSettings.LEARNING_RATE));
        this.stopRule = StopRule.of(config, engine.hasValidation());
        this.shares = new EpochTask.Shares(spec, config.get(TrainingSettings.PRECISION), config.get(SEED));
        this.counting = new EpochTask.Counting(engine.validationSplit(), countedTraining(),
                config.get(TrainingSettings.BLOCK_SIZE));
        BatchNormStatistics.check(spec, config.get(TrainingSettings.OPTIMIZER));
    }

    /** The minibatch size a run of {@code config} on {@code engine}'s data takes (all of it for l-bfgs). */
    public static int batchSize(Configuration config, GradientEngine engine) {
        int training = engine.trainPositions().length;
        return isLbfgs(config) ? training : TrainingSettings.batchSize(config, training, engine.trainSize());
    }

    private static boolean isLbfgs(Configuration config) {
        return config.get(TrainingSettings.OPTIMIZER) == Optimizer.Kind.LBFGS;
    }

    /** Trains from {@code state} (fresh or resumed) to the end; {@code state} is advanced in place. */
    public Result run(TrainingState state) {
        JitWarmUp.trainingBegins();
        int batchSize = batchSize(config, engine);
        MinibatchSchedule schedule = new MinibatchSchedule(engine.trainPositions(), batchSize, config.get(SEED));
        checkPosition(state, schedule.stepsPerEpoch());
        long maxSteps = maxSteps(schedule.stepsPerEpoch());
        Clock clock = new Clock(state.seconds);
        Progress progress = new Progress(log, config.get(PROGRESS_SECONDS), schedule.stepsPerEpoch(), maxSteps, batchSize);
        LbfgsIteration lbfgs = isLbfgs(config) ? new LbfgsIteration((Lbfgs) state.optimizer) : null;
        EpochTask.Steps steps = new EpochTask.Steps(schedule, config.get(TrainingSettings.LR_SCHEDULE),
                config.get(TrainingSettings.WARMUP_STEPS), update);
        StopRule.Reason stop = state.metrics.isEmpty() || state.stepInEpoch != 0 ? null : stopRule.decide(state.metrics);
        while (stop == null) {
            if (state.globalStep >= maxSteps) {
                stop = config.get(STEPS) > 0 && config.get(STEPS) == state.globalStep
                        ? StopRule.Reason.STEP_LIMIT : StopRule.Reason.EPOCH_LIMIT;
                break;
            }
            if (stopRequested.getAsBoolean()) {
                stop = StopRule.Reason.INTERRUPTED;
                break;
            }
            stop = lbfgs != null ? lbfgsEpoch(lbfgs, state, schedule, clock, progress)
                    : steps(state, task(state, steps, maxSteps), clock, progress);
            if (stop != null) {
                log.println(stopRule.explain(stop, state.metrics));
            }
        }
        boolean keepBest = stopRule.keepsBest() && state.bestParams != null && stop != StopRule.Reason.INTERRUPTED;
        double[] model = keepBest ? state.bestParams : state.params;
        int modelEpoch = keepBest ? state.bestEpoch : Math.max(1, state.metrics.size());
        double timeToTarget = stop == StopRule.Reason.TARGET_REACHED ? state.metrics.get(state.metrics.size() - 1).seconds()
                : Double.NaN;
        return new Result(model, modelEpoch, List.copyOf(state.metrics), state.globalStep, batchSize, state.seconds,
                timeToTarget, stop);
    }

    /** A resumed position must be one this schedule can reach. */
    private static void checkPosition(TrainingState state, int stepsPerEpoch) {
        if (state.stepInEpoch >= stepsPerEpoch
                || state.globalStep != (long) state.epoch * stepsPerEpoch + state.stepInEpoch) {
            throw new ScratchnetException(String.format(Locale.ROOT,
                    "the checkpoint's position (epoch %d, step %d, global step %d) does not fit %d steps per epoch",
                    state.epoch, state.stepInEpoch, state.globalStep, stepsPerEpoch));
        }
    }

    /** The epochs' steps, cut by the step limit when there is one. */
    private long maxSteps(int stepsPerEpoch) {
        long all = (long) config.get(EPOCHS) * stepsPerEpoch;
        long limit = config.get(STEPS);
        return limit > 0 ? Math.min(limit, all) : all;
    }

    /** The work a run of several epochs in one job does before it reports back (and the driver checks for a stop). */
    static final long EPOCHS_JOB_BUDGET_NANOS = 1_000_000_000L;

    /**
     * The next steps from {@code state}. Where the data is ({@link GradientEngine#runsSteps}): the rest of the epoch in
     * one job, cut by the step limit and by the next checkpoint when checkpoints come every so many steps, or — when
     * the training data is one partition, there is no test set and nothing needs each epoch as it ends — as many
     * epochs as the stop rule, the limits and a second of work allow. Otherwise one step, its total a job of the
     * engine's (or the in-process oracle's sum): the driver then hears of every step as it is taken.
     */
    private EpochTask task(TrainingState state, EpochTask.Steps steps, long maxSteps) {
        long every = config.get(OutputSettings.CHECKPOINT_EVERY);
        long stopAt = !engine.runsSteps() ? state.globalStep + 1
                : every > 0 ? Math.min(maxSteps, state.globalStep + (every - state.globalStep % every)) : maxSteps;
        EpochTask.GoOn goOn = several() ? new EpochTask.GoOn(stopRule, config.get(EPOCHS) - 1, EPOCHS_JOB_BUDGET_NANOS,
                state.metrics) : EpochTask.GoOn.oneEpoch(stopRule, state.epoch);
        return new EpochTask(steps, shares, counting, new EpochTask.Span(state.soFar(), stopAt, maxSteps), goOn);
    }

    /** Whether one job may run several epochs: one partition where the data is, no test set, no outputs each epoch. */
    private boolean several() {
        return engine.runsSteps() && engine.partitions() == 1 && !engine.hasTest() && !listener.wantsEveryEpoch();
    }

    /**
     * Takes {@code task}'s steps through the {@link StepLoop}: where the data is, as one job of the engine's (which
     * tells the progress line of each step as it goes); else on the driver, each step's total from the engine. A stop
     * inside an epoch (a step of a job a step, a checkpoint boundary, an interrupt) goes to the listener; every epoch
     * the steps completed is evaluated and recorded. Returns the reason to stop, or null.
     */
    private StopRule.Reason steps(TrainingState state, EpochTask task, Clock clock, Progress progress) {
        boolean whereTheData = engine.runsSteps();
        double secondsBefore = clock.seconds();
        long start = System.nanoTime();
        EpochResult r = whereTheData
                ? engine.runSteps(task, state.params, state.optimizer, progress.watching(state, stopRequested))
                : StepLoop.run(task, state.params, state.optimizer, (at, batch, p) -> engine.gradientSum(p, batch, at));
        long counting = 0; // the epochs' counts where the steps ran: shown as evaluation, not steps
        for (EpochResult.Epoch epoch : r.epochs()) {
            counting += epoch.countNanos();
        }
        clock.addStep(System.nanoTime() - start - counting);
        state.adopt(r.params(), r.optimizer());
        if (r.epochs().isEmpty()) {
            state.moveTo(r.end());
            state.seconds = clock.seconds();
            listener.afterStep(state);
            if (!whereTheData) {
                progress.maybePrint(state); // where the data is, the engine told the progress line of each step
            }
            return null;
        }
        int stepsPerEpoch = task.steps().schedule().stepsPerEpoch();
        StopRule.Reason stop = null;
        for (int i = 0; i < r.epochs().size(); i++) {
            EpochResult.Epoch epoch = r.epochs().get(i);
            boolean last = i == r.epochs().size() - 1;
            boolean epochDone = !last || r.end().next().stepInEpoch() == 0;
            state.globalStep = last ? r.end().next().globalStep() : (long) (state.epoch + 1) * stepsPerEpoch;
            state.stepInEpoch = epochDone ? stepsPerEpoch : r.end().next().stepInEpoch();
            state.epochLossSum = epoch.lossSum();
            state.epochWeight = epoch.weightSum();
            long evalStart = System.nanoTime();
            // Where the data is, the training blocks were counted by the steps' tasks, and the test set too in local mode
            // (its blocks in the driver's JVM); else the driver evaluates it, a job.
            Evaluation e = !last ? epoch.training() : whereTheData
                    ? epoch.training().plus(epoch.test() != null ? epoch.test() : engine.evaluateTest(state.params))
                    : engine.evaluate(state.params, countedTraining()); // training and test counted in one job
            state.seconds = last ? clock.seconds() : secondsBefore + epoch.nanos() / 1e9;
            if (last && r.bestEpoch() > 0) { // a run of several epochs kept its best
                state.bestEpoch = r.bestEpoch();
                state.bestParams = r.bestParams();
            }
            // Steps that could not go on past their first epoch kept no best: the driver does, as for a job a step.
            recordEpoch(state, epochDone, e, (System.nanoTime() - evalStart + epoch.countNanos()) / 1e9, clock,
                    !task.multiEpoch());
            stop = stopRule.decide(state.metrics);
            if (stop != null && !last) {
                throw new IllegalStateException("a run of epochs went on past the stop rule's " + stop);
            }
        }
        progress.restart();
        return stop;
    }

    private BlockEvaluation.Counted countedTraining() {
        return config.get(EVAL_TRAIN) ? BlockEvaluation.Counted.VALIDATION_AND_TRAINING : BlockEvaluation.Counted.VALIDATION;
    }

    /**
     * One L-BFGS iteration per epoch ({@link LbfgsIteration}) on the full-batch objective, mean loss plus weight
     * decay, each evaluation one gradient sum over every training example; then the epoch is evaluated and recorded.
     * Returns the reason to stop: {@code converged} when no step decreases the loss, or it changed by at most
     * {@code tol} (relative); else the stop rule's, or null.
     */
    private StopRule.Reason lbfgsEpoch(LbfgsIteration lbfgs, TrainingState state, MinibatchSchedule schedule,
                                       Clock clock, Progress progress) {
        long start = System.nanoTime();
        int[] batch = schedule.batch(state.epoch, 0);
        GradientEngine.StepPosition at = state.soFar().next();
        GradientSum[] last = new GradientSum[1];
        LbfgsIteration.Outcome outcome = lbfgs.iterate(state.params, (x, gradientOut) -> {
            last[0] = StepUpdate.covering(engine.gradientSum(x, batch, at), batch, at.globalStep());
            double[] grad = last[0].meanGradient(x.length);
            weightDecay.addGradient(spec, x, grad);
            gradientOut[0] = grad;
            return last[0].lossSum() / last[0].weightSum() + weightDecay.penalty(spec, x);
        }, (value, values, what) -> update.check(at, value, values, what));
        state.epochLossSum += last[0].lossSum();
        state.epochWeight += last[0].weightSum();
        state.globalStep++;
        state.stepInEpoch++;
        clock.addStep(System.nanoTime() - start);
        long evalStart = System.nanoTime();
        Evaluation e = engine.evaluate(state.params, countedTraining());
        state.seconds = clock.seconds();
        recordEpoch(state, true, e, (System.nanoTime() - evalStart) / 1e9, clock, true);
        progress.restart();
        boolean converged = !outcome.accepted() || outcome.change() <= config.get(TrainingSettings.TOL);
        return converged ? StopRule.Reason.CONVERGED : stopRule.decide(state.metrics);
    }

    /**
     * Records and prints the epoch (or the partial epoch the run ends in) with its evaluation {@code e}, then moves
     * to the next; with {@code trackBest}, keeps the parameters when it is the best so far (a run of several epochs
     * in one job found its best itself).
     */
    private void recordEpoch(TrainingState state, boolean epochDone, Evaluation e, double evalSeconds, Clock clock,
                             boolean trackBest) {
        EpochMetrics m = StepLoop.metrics(state.epoch + 1, state.globalStep, state.seconds, state.epochLossSum,
                state.epochWeight, e, spec);
        state.metrics.add(m);
        if (trackBest && stopRule.isBest(state.metrics)) {
            state.bestEpoch = m.epoch();
            state.bestParams = state.params.clone();
        }
        log.println(ConsoleLines.epoch(m, !epochDone, clock.takeStepSeconds(), evalSeconds,
                spec.task() == Task.REGRESSION, state.bestEpoch == m.epoch() && stopRule.keepsBest()));
        if (epochDone) {
            state.epoch++;
            state.stepInEpoch = 0;
        }
        state.epochLossSum = 0;
        state.epochWeight = 0;
        listener.afterEpoch(state, m);
    }
}
