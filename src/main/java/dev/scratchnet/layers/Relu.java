package dev.scratchnet.layers;

import dev.scratchnet.math.Matrix;

/** ReLU (§5.5.1): {@code out = max(0, x)}; backward lets {@code dout} through where {@code x > 0}. */
public final class Relu implements Layer {
    private boolean[] mask;

    @Override
    public Matrix forward(Matrix x) {
        double[] in = x.data();
        double[] out = new double[in.length];
        mask = new boolean[in.length];
        for (int i = 0; i < in.length; i++) {
            if (in[i] <= 0) {
                mask[i] = true;
            } else {
                out[i] = in[i];
            }
        }
        return Matrix.of(x.rows(), x.cols(), out);
    }

    @Override
    public Matrix backward(Matrix dout) {
        double[] d = dout.data();
        double[] dx = new double[d.length];
        for (int i = 0; i < d.length; i++) {
            dx[i] = mask[i] ? 0.0 : d[i];
        }
        return Matrix.of(dout.rows(), dout.cols(), dx);
    }
}
