package dev.scratchnet.layers;

import dev.scratchnet.math.Matrix;

/** ReLU (§5.5.1): {@code out = max(0, x)}; backward lets {@code dout} through where {@code x > 0}. */
public final class Relu implements Layer {
    private boolean[] mask;

    @Override
    public Matrix forward(Matrix x) {
        mask = new boolean[x.size()];
        Matrix out = x.copy();
        for (int i = 0; i < mask.length; i++) {
            if (x.get(i) <= 0) {
                mask[i] = true;
                out.set(i, 0);
            }
        }
        return out;
    }

    @Override
    public Matrix backward(Matrix dout) {
        Matrix dx = dout.copy();
        for (int i = 0; i < mask.length; i++) {
            if (mask[i]) {
                dx.set(i, 0);
            }
        }
        return dx;
    }
}
