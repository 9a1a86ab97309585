package dev.scratchnet.layers;

import dev.scratchnet.math.Matrix;

/**
 * Softmax followed by cross-entropy (§5.6.3), batched: {@code y = softmax(x)} row by row, loss
 * {@code Σ_i w_i · −log y_i[t_i]}, and backward {@code dx = dout · w_i · (y − t)} with {@code t} one-hot.
 *
 * <p>Numerically stable: softmax subtracts each row's maximum, and the loss of a row is
 * {@code log Σ exp(x) − x[t]} (log-sum-exp), which is finite for any finite scores. The book adds {@code 1e-7}
 * inside the log instead; the stable form is the exact function whose gradient is {@code y − t}, so gradient checks
 * compare like with like. The arithmetic is in double whatever the scores' precision.
 */
public final class SoftmaxWithLoss implements LossLayer {
    private Matrix y;
    private int[] t;
    private double[] w;

    @Override
    public double forward(Matrix x, double[] targets, double[] weights) {
        int batch = x.rows();
        int classes = x.cols();
        if (targets.length != batch || (weights != null && weights.length != batch)) {
            throw new IllegalArgumentException(targets.length + " labels for " + batch + " rows");
        }
        y = output(x);
        t = new int[batch];
        w = weights;
        double loss = 0;
        double[] row = new double[classes];
        for (int r = 0; r < batch; r++) {
            int label = (int) targets[r];
            if (label != targets[r] || label < 0 || label >= classes) {
                throw new IllegalArgumentException("label " + targets[r] + " outside 0.." + (classes - 1));
            }
            t[r] = label;
            for (int c = 0; c < classes; c++) {
                row[c] = x.get(r, c);
            }
            loss += (w == null ? 1 : w[r]) * (logSumExp(row) - row[label]);
        }
        return loss;
    }

    @Override
    public Matrix backward(double dout) {
        Matrix dx = y.zerosLike();
        int classes = y.cols();
        for (int r = 0; r < y.rows(); r++) {
            double scale = dout * (w == null ? 1 : w[r]);
            for (int c = 0; c < classes; c++) {
                dx.set(r, c, scale * (y.get(r, c) - (c == t[r] ? 1 : 0)));
            }
        }
        return dx;
    }

    @Override
    public Matrix output(Matrix x) {
        Matrix out = x.zerosLike();
        double[] row = new double[x.cols()];
        for (int r = 0; r < x.rows(); r++) {
            for (int c = 0; c < row.length; c++) {
                row[c] = x.get(r, c);
            }
            softmaxInPlace(row);
            for (int c = 0; c < row.length; c++) {
                out.set(r, c, row[c]);
            }
        }
        return out;
    }

    /** {@code s} replaced by its softmax (its maximum subtracted first); also the estimator's probabilities. */
    public static void softmaxInPlace(double[] s) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : s) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int c = 0; c < s.length; c++) {
            s[c] = Math.exp(s[c] - max);
            sum += s[c];
        }
        for (int c = 0; c < s.length; c++) {
            s[c] /= sum;
        }
    }

    private static double logSumExp(double[] s) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : s) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : s) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum);
    }
}
