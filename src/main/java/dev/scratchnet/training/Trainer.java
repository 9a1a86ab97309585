package dev.scratchnet.training;

import static dev.scratchnet.training.TrainingSettings.EPOCHS;
import static dev.scratchnet.training.TrainingSettings.EVAL_TRAIN;
import static dev.scratchnet.training.TrainingSettings.PROGRESS_SECONDS;
import static dev.scratchnet.training.TrainingSettings.SEED;
import static dev.scratchnet.training.TrainingSettings.STEPS;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.config.Configuration;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.network.WeightDecay;
import dev.scratchnet.optim.Lbfgs;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.partition.BlockEvaluation;
import dev.scratchnet.partition.Evaluation;
import dev.scratchnet.partition.GradientSum;
import dev.scratchnet.report.EpochMetrics;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * Synchronous minibatch training (the book's {@code common/trainer.py}): for each step, the engine sums gradients
 * over the step's global minibatch, the driver divides once, adds the weight decay and the optimizer updates the
 * parameters; after each epoch (and after a partial last one), the engine evaluates and the epoch's line is
 * printed; then the {@link StopRule} decides whether to go on. With {@code l-bfgs} each epoch is one L-BFGS
 * iteration over the full batch instead.
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
        int batchSize = batchSize(config, engine);
        MinibatchSchedule schedule = new MinibatchSchedule(engine.trainPositions(), batchSize, config.get(SEED));
        checkPosition(state, schedule.stepsPerEpoch());
        long maxSteps = maxSteps(schedule.stepsPerEpoch());
        Clock clock = new Clock(state.seconds);
        Progress progress = new Progress(schedule.stepsPerEpoch(), maxSteps, batchSize);
        LbfgsIteration lbfgs = isLbfgs(config) ? new LbfgsIteration((Lbfgs) state.optimizer) : null;
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
            if (lbfgs == null && engine.runsSteps()) {
                stop = runEpochs(state, schedule, maxSteps, clock, progress);
            } else {
                long start = System.nanoTime();
                boolean converged = lbfgs != null ? lbfgs.iterate(state, schedule) : step(state, schedule);
                clock.addStep(System.nanoTime() - start);
                state.seconds = clock.seconds();
                boolean epochDone = state.stepInEpoch == schedule.stepsPerEpoch();
                if (!epochDone && state.globalStep < maxSteps) {
                    listener.afterStep(state);
                    progress.maybePrint(state);
                    continue;
                }
                long evalStart = System.nanoTime();
                Evaluation e = engine.evaluate(state.params, countedTraining());
                state.seconds = clock.seconds();
                recordEpoch(state, epochDone, e, (System.nanoTime() - evalStart) / 1e9, clock, true);
                progress.restart();
                stop = converged ? StopRule.Reason.CONVERGED : stopRule.decide(state.metrics);
            }
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

    /** One synchronous step: gradient sum over the global minibatch, one division, weight decay, one update. */
    private boolean step(TrainingState state, MinibatchSchedule schedule) {
        int[] batch = schedule.batch(state.epoch, state.stepInEpoch);
        GradientSum sum = sum(state.params, batch, state);
        update.apply(sum, state.params, state.optimizer,
                TrainingSettings.rateFactor(config, state.globalStep, schedule.stepsPerEpoch()), position(state));
        advance(state, sum);
        return false;
    }

    /** The work a run of several epochs in one job does before it reports back (and the driver checks for a stop). */
    static final long EPOCHS_JOB_BUDGET_NANOS = 1_000_000_000L;

    /**
     * Steps in one job where the data is: the rest of the epoch (cut by the step limit, and by the next checkpoint
     * when checkpoints come every so many steps), or — when the training data is one partition, there is no test set
     * and nothing needs each epoch as it ends — as many epochs as the stop rule, the limits and a second of work
     * allow. Records every epoch the job completed; returns the reason to stop, or null.
     */
    private StopRule.Reason runEpochs(TrainingState state, MinibatchSchedule schedule, long maxSteps, Clock clock,
                                      Progress progress) {
        long every = config.get(OutputSettings.CHECKPOINT_EVERY);
        long stopAt = every > 0 ? Math.min(maxSteps, state.globalStep + (every - state.globalStep % every)) : maxSteps;
        boolean several = engine.partitions() == 1 && !engine.hasTest() && !listener.wantsEveryEpoch();
        EpochTask task = new EpochTask(spec, config.get(TrainingSettings.PRECISION), config.get(SEED), schedule,
                config.get(TrainingSettings.LR_SCHEDULE), config.get(TrainingSettings.WARMUP_STEPS), update,
                engine.validationSplit(), countedTraining(), config.get(TrainingSettings.BLOCK_SIZE), stopRule,
                position(state), state.epochLossSum, state.epochWeight, stopAt, maxSteps,
                several ? config.get(EPOCHS) - 1 : state.epoch, several ? EPOCHS_JOB_BUDGET_NANOS : 0, state.metrics);
        double secondsBefore = clock.seconds();
        long start = System.nanoTime();
        EpochResult r = engine.runSteps(task, state.params, state.optimizer, progress.watching(state, stopRequested));
        clock.addStep(System.nanoTime() - start);
        System.arraycopy(r.params(), 0, state.params, 0, state.params.length);
        state.optimizer.restore(r.optimizer().state());
        if (r.epochs().isEmpty()) { // a checkpoint boundary inside the epoch
            moveTo(state, r.end(), schedule.stepsPerEpoch());
            state.epochLossSum = r.partialLoss();
            state.epochWeight = r.partialWeight();
            state.seconds = clock.seconds();
            listener.afterStep(state);
            return null;
        }
        StopRule.Reason stop = null;
        for (int i = 0; i < r.epochs().size(); i++) {
            EpochResult.Epoch epoch = r.epochs().get(i);
            boolean last = i == r.epochs().size() - 1;
            boolean epochDone = !last || r.end().stepInEpoch() == 0;
            state.globalStep = last ? r.end().globalStep() : (long) (state.epoch + 1) * schedule.stepsPerEpoch();
            state.stepInEpoch = epochDone ? schedule.stepsPerEpoch() : r.end().stepInEpoch();
            state.epochLossSum = epoch.lossSum();
            state.epochWeight = epoch.weightSum();
            long evalStart = System.nanoTime();
            Evaluation e = last ? epoch.training().plus(engine.evaluateTest(state.params)) : epoch.training();
            state.seconds = last ? clock.seconds() : secondsBefore + epoch.nanos() / 1e9;
            if (several && last && r.bestEpoch() > 0) {
                state.bestEpoch = r.bestEpoch();
                state.bestParams = r.bestParams();
            }
            recordEpoch(state, epochDone, e, (System.nanoTime() - evalStart) / 1e9, clock, !several);
            stop = stopRule.decide(state.metrics);
            if (stop != null && !last) {
                throw new IllegalStateException("a run of epochs went on past the stop rule's " + stop);
            }
        }
        return stop;
    }

    /** Sets {@code state}'s position to {@code at}. */
    private static void moveTo(TrainingState state, GradientEngine.StepPosition at, int stepsPerEpoch) {
        state.epoch = at.epoch();
        state.stepInEpoch = at.stepInEpoch();
        state.globalStep = at.globalStep();
    }

    private static GradientEngine.StepPosition position(TrainingState state) {
        return new GradientEngine.StepPosition(state.epoch, state.stepInEpoch, state.globalStep);
    }

    private BlockEvaluation.Counted countedTraining() {
        return config.get(EVAL_TRAIN) ? BlockEvaluation.Counted.VALIDATION_AND_TRAINING : BlockEvaluation.Counted.VALIDATION;
    }

    /** The engine's gradient sum over {@code batch}, checked to cover it. */
    private GradientSum sum(double[] params, int[] batch, TrainingState state) {
        GradientSum sum = engine.gradientSum(params, batch, position(state));
        if (sum.count() != batch.length) {
            throw new IllegalStateException("step " + state.globalStep + " summed " + sum.count()
                    + " examples, expected " + batch.length);
        }
        return sum;
    }

    private static void advance(TrainingState state, GradientSum sum) {
        state.epochLossSum += sum.lossSum();
        state.epochWeight += sum.weightSum();
        state.globalStep++;
        state.stepInEpoch++;
    }

    /**
     * One L-BFGS iteration per epoch: the search direction from the pairs, then a backtracking line search on the
     * full-batch objective (mean loss plus weight decay), each trial one gradient sum over every training example.
     */
    private final class LbfgsIteration {
        private static final double ARMIJO = 1e-4;
        private static final int MAX_HALVINGS = 30;
        private final Lbfgs lbfgs;
        private double f = Double.NaN;
        private double[] g;
        private GradientSum sum;

        LbfgsIteration(Lbfgs lbfgs) {
            this.lbfgs = lbfgs;
        }

        /** The objective at {@code x}: sets {@code sum} and returns {@code {f}} with the gradient into {@code gOut}. */
        private double objective(double[] x, int[] batch, TrainingState state, double[][] gOut) {
            sum = sum(x, batch, state);
            double[] grad = sum.meanGradient(x.length);
            weightDecay.addGradient(spec, x, grad);
            gOut[0] = grad;
            return sum.lossSum() / sum.weightSum() + weightDecay.penalty(spec, x);
        }

        /** Returns true when the loss no longer changes by {@code tol} (relative): converged. */
        boolean iterate(TrainingState state, MinibatchSchedule schedule) {
            int[] batch = schedule.batch(state.epoch, 0);
            double[][] out = new double[1][];
            if (g == null) {
                f = objective(state.params, batch, state, out);
                g = out[0];
                update.check(position(state), f, g, "the gradient");
            }
            double[] d = lbfgs.direction(g);
            double slope = Lbfgs.dot(g, d);
            if (!(slope < 0)) {
                d = g.clone();
                for (int i = 0; i < d.length; i++) {
                    d[i] = -d[i];
                }
                slope = -Lbfgs.dot(g, g);
            }
            double t = lbfgs.isEmpty() ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
            double[] x = state.params;
            double[] xt = new double[x.length];
            double ft = Double.NaN;
            boolean accepted = false;
            for (int k = 0; k < MAX_HALVINGS && !accepted; k++, t *= 0.5) {
                for (int i = 0; i < x.length; i++) {
                    xt[i] = x[i] + t * d[i];
                }
                ft = objective(xt, batch, state, out);
                accepted = Double.isFinite(ft) && ft <= f + ARMIJO * t * slope;
            }
            if (!accepted) {
                advance(state, sum);
                return true; // no step decreases the loss: as far as the line search can go
            }
            double[] gt = out[0];
            double[] s = new double[x.length];
            double[] y = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                s[i] = xt[i] - x[i];
                y[i] = gt[i] - g[i];
            }
            lbfgs.record(s, y);
            System.arraycopy(xt, 0, state.params, 0, x.length);
            double change = Math.abs(f - ft) / Math.max(1, Math.max(Math.abs(f), Math.abs(ft)));
            f = ft;
            g = gt;
            update.check(position(state), f, state.params, "the updated parameters");
            advance(state, sum);
            return change <= config.get(TrainingSettings.TOL);
        }
    }

    /**
     * Records and prints the epoch (or the partial epoch the run ends in) with its evaluation {@code e}, then moves
     * to the next; with {@code trackBest}, keeps the parameters when it is the best so far (a run of several epochs
     * in one job found its best itself).
     */
    private void recordEpoch(TrainingState state, boolean epochDone, Evaluation e, double evalSeconds, Clock clock,
                             boolean trackBest) {
        EpochMetrics m = EpochRunner.metrics(state.epoch + 1, state.globalStep, state.seconds, state.epochLossSum,
                state.epochWeight, e, spec);
        state.metrics.add(m);
        if (trackBest && stopRule.isBest(state.metrics)) {
            state.bestEpoch = m.epoch();
            state.bestParams = state.params.clone();
        }
        log.printf(Locale.ROOT, "epoch %d%s | %.1f s (steps %.2f s, eval %.2f s) | step %d | loss %.4f%s%s%n",
                m.epoch(), epochDone ? "" : " (partial)", m.seconds(), clock.takeStepSeconds(), evalSeconds, m.step(),
                m.loss(), figures(m, spec.task()), state.bestEpoch == m.epoch() && stopRule.keepsBest() ? " *" : "");
        if (epochDone) {
            state.epoch++;
            state.stepInEpoch = 0;
        }
        state.epochLossSum = 0;
        state.epochWeight = 0;
        listener.afterEpoch(state, m);
    }

    /**
     * {@code  | validation loss, validation acc, test acc | 0.0812, 0.9741, 0.9730}, naming only the sets
     * evaluated; a regression shows RMSE.
     */
    static String figures(EpochMetrics m, dev.scratchnet.network.Task task) {
        StringBuilder names = new StringBuilder();
        StringBuilder values = new StringBuilder();
        boolean regression = task == dev.scratchnet.network.Task.REGRESSION;
        double[] figures = regression
                ? new double[] {rmse(m.validationLoss()), rmse(m.testLoss())}
                : new double[] {m.validationLoss(), m.trainAccuracy(), m.validationAccuracy(), m.testAccuracy()};
        String[] labels = regression ? new String[] {"validation rmse", "test rmse"}
                : new String[] {"validation loss", "train acc", "validation acc", "test acc"};
        for (int i = 0; i < figures.length; i++) {
            if (!Double.isNaN(figures[i])) {
                names.append(names.length() == 0 ? "" : ", ").append(labels[i]);
                values.append(values.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", figures[i]));
            }
        }
        return names.length() == 0 ? "" : " | " + names + " | " + values;
    }

    /** The root mean squared error from a mean of {@code ½ (y − t)²}. */
    public static double rmse(double meanHalfSquaredError) {
        return Math.sqrt(2 * meanHalfSquaredError);
    }

    /** Training seconds: what earlier segments of the run took plus the time since this one started. */
    private static final class Clock {
        private final double secondsBefore;
        private final long start = System.nanoTime();
        private long stepNanos;

        Clock(double secondsBefore) {
            this.secondsBefore = secondsBefore;
        }

        double seconds() {
            return secondsBefore + (System.nanoTime() - start) / 1e9;
        }

        void addStep(long nanos) {
            stepNanos += nanos;
        }

        /** Seconds spent in steps since the last call. */
        double takeStepSeconds() {
            double s = stepNanos / 1e9;
            stepNanos = 0;
            return s;
        }
    }

    /** The progress line within an epoch, every {@code progressSeconds}. */
    private final class Progress {
        private final int stepsPerEpoch;
        private final long maxSteps;
        private final int batchSize;
        private final double every = config.get(PROGRESS_SECONDS);
        private long since = System.nanoTime();
        private long steps;

        Progress(int stepsPerEpoch, long maxSteps, int batchSize) {
            this.stepsPerEpoch = stepsPerEpoch;
            this.maxSteps = maxSteps;
            this.batchSize = batchSize;
        }

        void maybePrint(TrainingState state) {
            maybePrint(state.epoch, state.stepInEpoch, state.globalStep, state.epochLossSum, state.epochWeight);
        }

        /** After step {@code stepInEpoch} (1-based) of {@code epoch} (0-based), global step count {@code globalStep}. */
        void maybePrint(int epoch, int stepInEpoch, long globalStep, double lossSum, double weight) {
            steps++;
            long now = System.nanoTime();
            double elapsed = (now - since) / 1e9;
            if (every <= 0 || elapsed < every) {
                return;
            }
            double rate = steps / elapsed;
            long left = Math.min(stepsPerEpoch - stepInEpoch, maxSteps - globalStep);
            log.printf(Locale.ROOT, "  epoch %d step %d/%d | %.1f steps/s, %.0f examples/s | epoch ETA %.0f s | loss %.4f%n",
                    epoch + 1, stepInEpoch, stepsPerEpoch, rate, rate * batchSize, left / rate, lossSum / weight);
            restart();
        }

        /**
         * The progress of a run of steps where the data is, from {@code state} (not modified: the engine's thread tells
         * of the steps while the driver's waits for the run), asking {@code stopRequested} after every step.
         */
        StepWatcher watching(TrainingState state, BooleanSupplier stopRequested) {
            int epoch0 = state.epoch;
            int step0 = state.stepInEpoch;
            long global0 = state.globalStep;
            double loss0 = state.epochLossSum;
            double weight0 = state.epochWeight;
            return new StepWatcher() {
                private int epoch = epoch0;
                private int step = step0;
                private double loss = loss0;
                private double weight = weight0;

                @Override
                public boolean stopRequested() {
                    return stopRequested.getAsBoolean();
                }

                @Override
                public void stepDone(long stepOfRun, GradientSum total) {
                    if (stepOfRun == 1) { // the run's first step, or its first again after Spark retried the run
                        epoch = epoch0;
                        step = step0;
                        loss = loss0;
                        weight = weight0;
                        restart();
                    }
                    step++;
                    loss += total.lossSum();
                    weight += total.weightSum();
                    if (step == stepsPerEpoch) {
                        epoch++;
                        step = 0;
                        loss = 0;
                        weight = 0;
                        restart();
                    } else {
                        maybePrint(epoch, step, global0 + stepOfRun, loss, weight);
                    }
                }
            };
        }

        void restart() {
            since = System.nanoTime();
            steps = 0;
        }
    }
}
