package dev.scratchnet.math;

import dev.scratchnet.config.Choice;
import java.util.Locale;

/**
 * The arithmetic of an Affine layer's matrix products. {@code DOUBLE} runs {@code dgemm} on the layer's own
 * arrays; {@code SINGLE} runs {@code sgemm} on float copies of the input, weights and upstream gradient (inputs,
 * outputs, bias and accumulated gradients stay double). Gradient checks always use {@code DOUBLE}.
 */
public enum Precision implements Choice {
    DOUBLE,
    SINGLE;

    @Override
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The products of one Affine layer in this precision (fresh: it may keep state from forward to backward). */
    public AffineProducts newProducts() {
        return this == DOUBLE ? new DoubleProducts() : new SingleProducts();
    }

    /** {@code dgemm} on the arrays as they are. */
    private static final class DoubleProducts implements AffineProducts {
        private double[] x;
        private double[] w;
        private int wOff;
        private int in;
        private int out;

        @Override
        public void addXW(Matrix x, double[] w, int wOff, int out, double[] y) {
            this.x = x.data();
            this.w = w;
            this.wOff = wOff;
            this.in = x.cols();
            this.out = out;
            Blas.gemm(false, false, x.rows(), out, in, 1.0, this.x, 0, w, wOff, 1.0, y, 0);
        }

        @Override
        public void addXtDout(Matrix dout, double[] grads, int gOff) {
            Blas.gemm(true, false, in, out, dout.rows(), 1.0, x, 0, dout.data(), 0, 1.0, grads, gOff);
        }

        @Override
        public Matrix doutWt(Matrix dout) {
            double[] dx = new double[dout.rows() * in];
            Blas.gemm(false, true, dout.rows(), in, out, 1.0, dout.data(), 0, w, wOff, 0.0, dx, 0);
            return Matrix.of(dout.rows(), in, dx);
        }
    }

    /** {@code sgemm} on float copies made in forward and reused in backward. */
    private static final class SingleProducts implements AffineProducts {
        private float[] x32;
        private float[] w32;
        private int in;
        private int out;

        @Override
        public void addXW(Matrix x, double[] w, int wOff, int out, double[] y) {
            this.in = x.cols();
            this.out = out;
            int batch = x.rows();
            x32 = toFloat(x.data(), 0, batch * in);
            w32 = toFloat(w, wOff, in * out);
            float[] y32 = new float[batch * out];
            Blas.sgemm(false, false, batch, out, in, 1f, x32, 0, w32, 0, 0f, y32, 0);
            for (int i = 0; i < y32.length; i++) {
                y[i] += y32[i];
            }
        }

        @Override
        public void addXtDout(Matrix dout, double[] grads, int gOff) {
            float[] d32 = toFloat(dout.data(), 0, dout.rows() * out);
            float[] dW32 = new float[in * out];
            Blas.sgemm(true, false, in, out, dout.rows(), 1f, x32, 0, d32, 0, 0f, dW32, 0);
            for (int i = 0; i < dW32.length; i++) {
                grads[gOff + i] += dW32[i];
            }
        }

        @Override
        public Matrix doutWt(Matrix dout) {
            float[] d32 = toFloat(dout.data(), 0, dout.rows() * out);
            float[] dx32 = new float[dout.rows() * in];
            Blas.sgemm(false, true, dout.rows(), in, out, 1f, d32, 0, w32, 0, 0f, dx32, 0);
            double[] dx = new double[dx32.length];
            for (int i = 0; i < dx.length; i++) {
                dx[i] = dx32[i];
            }
            return Matrix.of(dout.rows(), in, dx);
        }

        private static float[] toFloat(double[] x, int offset, int n) {
            float[] f = new float[n];
            for (int i = 0; i < n; i++) {
                f[i] = (float) x[offset + i];
            }
            return f;
        }
    }
}
