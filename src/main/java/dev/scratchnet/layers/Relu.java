package dev.scratchnet.layers;

import dev.scratchnet.math.Matrix;

/**
 * ReLU (§5.5.1): {@code out = max(0, x)}; backward lets {@code dout} through where {@code x > 0}. The book keeps the
 * mask {@code x <= 0}; this keeps {@code out}, which is above zero exactly where {@code x} is, so the backward pass is
 * one branch-free pass ({@link Matrix#whereAboveZero}) with the same bits.
 */
public final class Relu implements Layer {
    private Matrix out;

    @Override
    public Matrix forward(Matrix x) {
        out = x.maximum(0); // out = x.copy(); out[x <= 0] = 0, in one pass the JIT vectorizes
        return out;
    }

    @Override
    public Matrix backward(Matrix dout) {
        return dout.whereAboveZero(out); // dx = dout; dx[x <= 0] = 0
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
