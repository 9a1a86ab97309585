package dev.scratchnet.layers;

import dev.scratchnet.math.Matrix;

/** ReLU (§5.5.1): {@code out = max(0, x)}; backward lets {@code dout} through where {@code x > 0}. */
public final class Relu implements Layer {
    private boolean[] mask;

    @Override
    public Matrix forward(Matrix x) {
        mask = x.isAtMost(0);
        return x.maximum(0); // out = x.copy(); out[mask] = 0, in one pass the JIT vectorizes
    }

    @Override
    public Matrix backward(Matrix dout) {
        Matrix dx = dout.copy();
        dx.setWhere(mask, 0);
        return dx;
    }

    /** ReLU in a layer list ({@code relu}). */
    public record Spec() implements LayerSpec {
        @Override
        public String text() {
            return "relu";
        }

        @Override
        public Shape output(Shape input) {
            return input;
        }

        @Override
        public Layer newLayer(Shape input, Binding binding) {
            return new Relu();
        }
    }
}
