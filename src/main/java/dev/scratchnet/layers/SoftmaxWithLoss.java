package dev.scratchnet.layers;

import dev.scratchnet.math.Matrix;

/**
 * Softmax followed by cross-entropy (§5.6.3), batched.
 *
 * <p>Numerically stable: softmax subtracts each row's maximum, and the loss of a row is
 * {@code log Σ exp(x) − x[t]} (log-sum-exp), which is finite for any finite scores. The book adds
 * {@code 1e-7} inside the log instead; the stable form is the exact function whose gradient is
 * {@code y − t}, so gradient checks compare like with like.
 *
 * <p>Labels come as class indices ({@code int[]}) or as one-hot rows ({@code batch × classes}).
 */
public final class SoftmaxWithLoss {
    private double[] y;
    private double[] t;
    private int batch;
    private int classes;

    /** Mean loss over the batch, labels as class indices. */
    public double forward(Matrix x, int[] labels) {
        return forwardSum(x, labels) / x.rows();
    }

    /** Mean loss over the batch, labels as one-hot (or any probability) rows. */
    public double forward(Matrix x, Matrix oneHot) {
        if (oneHot.rows() != x.rows() || oneHot.cols() != x.cols()) {
            throw new IllegalArgumentException("labels " + oneHot.rows() + "x" + oneHot.cols()
                    + " do not match scores " + x.rows() + "x" + x.cols());
        }
        softmax(x);
        t = oneHot.data().clone();
        double loss = 0;
        double[] s = x.data();
        for (int r = 0; r < batch; r++) {
            double lse = logSumExp(s, r * classes, classes);
            for (int c = 0; c < classes; c++) {
                double tv = t[r * classes + c];
                if (tv != 0) {
                    loss += tv * (lse - s[r * classes + c]);
                }
            }
        }
        return loss / batch;
    }

    /** Summed (not mean) loss over the batch, labels as class indices. */
    public double forwardSum(Matrix x, int[] labels) {
        if (labels.length != x.rows()) {
            throw new IllegalArgumentException(labels.length + " labels for " + x.rows() + " rows");
        }
        softmax(x);
        t = new double[y.length];
        double loss = 0;
        double[] s = x.data();
        for (int r = 0; r < batch; r++) {
            int label = labels[r];
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException("label " + label + " outside 0.." + (classes - 1));
            }
            t[r * classes + label] = 1.0;
            loss += logSumExp(s, r * classes, classes) - s[r * classes + label];
        }
        return loss;
    }

    /** The book's backward: {@code dx = dout · (y − t) / batch}, the gradient of the mean loss. */
    public Matrix backward(double dout) {
        double[] dx = new double[y.length];
        double scale = dout / batch;
        for (int i = 0; i < dx.length; i++) {
            dx[i] = (y[i] - t[i]) * scale;
        }
        return Matrix.of(batch, classes, dx);
    }

    /** {@code dx = y − t}: the gradient of the summed loss, for gradient sums that are divided once later. */
    public Matrix backwardSum() {
        double[] dx = new double[y.length];
        for (int i = 0; i < dx.length; i++) {
            dx[i] = y[i] - t[i];
        }
        return Matrix.of(batch, classes, dx);
    }

    private void softmax(Matrix x) {
        batch = x.rows();
        classes = x.cols();
        double[] s = x.data();
        y = new double[s.length];
        for (int r = 0; r < batch; r++) {
            int o = r * classes;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, s[o + c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                double e = Math.exp(s[o + c] - max);
                y[o + c] = e;
                sum += e;
            }
            for (int c = 0; c < classes; c++) {
                y[o + c] /= sum;
            }
        }
    }

    private static double logSumExp(double[] s, int offset, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < n; c++) {
            max = Math.max(max, s[offset + c]);
        }
        double sum = 0;
        for (int c = 0; c < n; c++) {
            sum += Math.exp(s[offset + c] - max);
        }
        return max + Math.log(sum);
    }
}
