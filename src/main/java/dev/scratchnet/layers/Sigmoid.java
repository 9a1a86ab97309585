package dev.scratchnet.layers;

import dev.scratchnet.math.Matrix;

/** Sigmoid (§5.5.2): {@code out = 1 / (1 + exp(-x))}; {@code dx = dout · (1 - out) · out}. */
public final class Sigmoid implements Layer {
    private double[] out;

    @Override
    public Matrix forward(Matrix x) {
        double[] in = x.data();
        out = new double[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = 1.0 / (1.0 + Math.exp(-in[i]));
        }
        return Matrix.of(x.rows(), x.cols(), out.clone());
    }

    @Override
    public Matrix backward(Matrix dout) {
        double[] d = dout.data();
        double[] dx = new double[d.length];
        for (int i = 0; i < d.length; i++) {
            dx[i] = d[i] * (1.0 - out[i]) * out[i];
        }
        return Matrix.of(dout.rows(), dout.cols(), dx);
    }
}
