package dev.scratchnet.layers;

import dev.scratchnet.math.Matrix;
import java.util.List;

/**
 * Batch normalization (§6.3, {@code common/layers.py} {@code BatchNormalization}), feature by feature as the book
 * does it (an image's {@code C·H·W} values are {@code C·H·W} features): in training,
 * {@code xn = (x − μ) / sqrt(σ² + 10e-7)} with the minibatch's mean {@code μ} and (biased) variance {@code σ²}, and
 * {@code out = γ·xn + β}; in inference the running mean and variance stand in for {@code μ} and {@code σ²} (a
 * value equal to the mean to within rounding normalizes to exactly 0, see {@link #SAME}).
 * Backward is the book's, in closed form: {@code dx = γ/std · (dout − Σdout/N − xn · Σ(dout·xn)/N)},
 * {@code dβ += Σ dout}, {@code dγ += Σ dout·xn}.
 *
 * <p>The sums run over the <em>whole</em> minibatch of {@code N} examples even when this layer sees only a share of
 * it: the share's sums go through {@link BatchSums} (once forward, for {@code μ} and {@code σ²}; once backward, for
 * {@code Σ dout} and {@code Σ dout·xn}), so every share normalizes with the same statistics and the result does not
 * depend on how the minibatch was split. Forward sums are taken around the running mean {@code s}
 * ({@code Σ(x − s)}, {@code Σ(x − s)²}, in double) to keep the variance's subtraction small. The share's forward sums
 * are also added into the running statistics' gradient slots: the driver, who receives their total with the step's
 * gradient, moves the running mean and variance (momentum 0.9, as the book) — no layer writes a parameter.
 */
public final class BatchNormalization implements Layer {
    /** The book's {@code 10e-7} under the square root. */
    public static final double EPSILON = 10e-7;
    /**
     * A value within this distance of the mean, relative to {@code |x| + |s|} (the magnitudes its mean was summed
     * from), is the mean: it normalizes to exactly 0. A feature that is
     * the same in every example of the minibatch (MNIST's blank borders through a convolution) then gives exactly
     * {@code β}, whatever order its mean was summed in; otherwise its {@code x − μ} is rounding noise amplified by
     * {@code 1/sqrt(10e-7)}, and a ReLU after it (at its kink while {@code β = 0}) would let gradients through by the
     * sign of that noise, which changes with the partitioning. Far above a sum's rounding (about {@code N·2⁻⁵³}),
     * far below any real spread of values.
     */
    static final double SAME = 1e-9;

    private final Matrix gamma;
    private final Matrix beta;
    private final Matrix runningMean;
    private final Matrix runningVar;
    private final Matrix dgamma;
    private final Matrix dbeta;
    private final Matrix meanSums;
    private final Matrix varSums;
    private final BatchSums sums;
    private final int count;
    private double[] std;
    private Matrix xn;

    /**
     * In inference (running statistics), or in training when {@code sums} is not null.
     *
     * @param gamma {@code γ}, {@code D} values; {@code beta}, {@code runningMean} and {@code runningVar} alike
     * @param grads {@code dγ}, {@code dβ} and the slots of the running mean and variance (where this share's sums
     *     {@code Σ(x − s)} and {@code Σ(x − s)²} are added); null when the pass computes no gradient
     * @param sums the minibatch's totals of this share's sums; null: inference
     * @param count the minibatch's size {@code N}; 0: this share is the whole minibatch
     */
    public BatchNormalization(Matrix gamma, Matrix beta, Matrix runningMean, Matrix runningVar, Matrix[] grads,
                              BatchSums sums, int count) {
        this(gamma, beta, runningMean, runningVar, grads, sums, count, false);
    }

    /**
     * The same; {@code writes}: the gradient slots hold anything, and are zeroed here (4 × {@code D} values) before
     * this pass adds into them.
     */
    public BatchNormalization(Matrix gamma, Matrix beta, Matrix runningMean, Matrix runningVar, Matrix[] grads,
                              BatchSums sums, int count, boolean writes) {
        int d = gamma.size();
        if (beta.size() != d || runningMean.size() != d || runningVar.size() != d) {
            throw new IllegalArgumentException("γ, β and the running statistics must have " + d + " values each");
        }
        this.gamma = gamma;
        this.beta = beta;
        this.runningMean = runningMean;
        this.runningVar = runningVar;
        this.dgamma = grads == null ? null : grads[0];
        this.dbeta = grads == null ? null : grads[1];
        this.meanSums = grads == null ? null : grads[2];
        this.varSums = grads == null ? null : grads[3];
        if (writes && grads != null) {
            for (Matrix g : grads) {
                g.zero();
            }
        }
        this.sums = sums;
        this.count = count;
    }

    @Override
    public Matrix forward(Matrix x) {
        int d = gamma.size();
        if (x.cols() != d) {
            throw new IllegalArgumentException("BatchNormalization expects " + d + " features, got " + x.cols());
        }
        int rows = x.rows();
        double[] mean = new double[d];
        std = new double[d];
        if (sums == null) {
            for (int j = 0; j < d; j++) {
                mean[j] = runningMean.get(j);
                std[j] = Math.sqrt(runningVar.get(j) + EPSILON);
            }
        } else {
            double[] partial = new double[2 * d];
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < d; j++) {
                    double v = x.get(r * d + j) - runningMean.get(j);
                    partial[j] += v;
                    partial[d + j] += v * v;
                }
            }
            if (meanSums != null) {
                for (int j = 0; j < d; j++) {
                    meanSums.add(j, partial[j]);
                    varSums.add(j, partial[d + j]);
                }
            }
            double[] total = sums.total(partial);
            double n = count > 0 ? count : rows;
            for (int j = 0; j < d; j++) {
                double shifted = total[j] / n;
                mean[j] = runningMean.get(j) + shifted;
                std[j] = Math.sqrt(Math.max(0, total[d + j] / n - shifted * shifted) + EPSILON);
            }
        }
        xn = x.zerosLike();
        Matrix out = x.zerosLike();
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < d; j++) {
                int i = r * d + j;
                double centered = x.get(i) - mean[j];
                double scale = Math.abs(x.get(i)) + Math.abs(runningMean.get(j));
                double normalized = Math.abs(centered) <= SAME * scale ? 0 : centered / std[j];
                xn.set(i, normalized);
                out.set(i, gamma.get(j) * normalized + beta.get(j));
            }
        }
        return out;
    }

    @Override
    public Matrix backward(Matrix dout) {
        double[] total = sums.total(backwardSums(dout));
        int d = gamma.size();
        double n = count > 0 ? count : dout.rows();
        Matrix dx = dout.zerosLike();
        for (int r = 0; r < dout.rows(); r++) {
            for (int j = 0; j < d; j++) {
                int i = r * d + j;
                dx.set(i, gamma.get(j) / std[j] * (dout.get(i) - total[j] / n - xn.get(i) * total[d + j] / n));
            }
        }
        return dx;
    }

    /** The first layer's backward: {@code dγ} and {@code dβ} only, so no sums to exchange. */
    @Override
    public void backwardParameters(Matrix dout) {
        backwardSums(dout);
    }

    /** Adds this share's {@code dβ} and {@code dγ}; returns them as {@code [Σ dout, Σ dout·xn]}. */
    private double[] backwardSums(Matrix dout) {
        if (sums == null) {
            throw new IllegalStateException("backward after an inference pass");
        }
        int d = gamma.size();
        double[] partial = new double[2 * d];
        for (int r = 0; r < dout.rows(); r++) {
            for (int j = 0; j < d; j++) {
                int i = r * d + j;
                double g = dout.get(i);
                partial[j] += g;
                partial[d + j] += g * xn.get(i);
            }
        }
        for (int j = 0; j < d; j++) {
            dbeta.add(j, partial[j]);
            dgamma.add(j, partial[d + j]);
        }
        return partial;
    }

    /**
     * Batch normalization in a layer list ({@code batchnorm}) of each of the input's values: {@code gamma} (a scale,
     * starting at 1), {@code beta} (a bias), and the running mean and variance (statistics), one value a feature.
     */
    public record Spec() implements LayerSpec {
        /** The book's momentum of the running statistics. */
        public static final double MOMENTUM = 0.9;

        @Override
        public String text() {
            return "batchnorm";
        }

        @Override
        public Shape output(Shape input) {
            return input;
        }

        @Override
        public List<Parameter> parameters(Shape input) {
            int[] d = {input.size()};
            return List.of(new Parameter("gamma", d, Role.SCALE), new Parameter("beta", d, Role.BIAS),
                    new Parameter("running_mean", d, Role.STATISTIC), new Parameter("running_var", d, Role.STATISTIC));
        }

        @Override
        public Layer newLayer(Shape input, Binding binding) {
            Pass pass = binding.pass();
            Matrix[] grads = binding.grads() == null ? null
                    : new Matrix[] {binding.grad(0), binding.grad(1), binding.grad(2), binding.grad(3)};
            return new BatchNormalization(binding.param(0), binding.param(1), binding.param(2), binding.param(3), grads,
                    pass.training() ? pass.batchSums() : null, pass.batchCount(), binding.writes());
        }
    }
}
