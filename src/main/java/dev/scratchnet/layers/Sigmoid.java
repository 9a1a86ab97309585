package dev.scratchnet.layers;

import dev.scratchnet.math.Matrix;

/** Sigmoid (§5.5.2): {@code out = 1 / (1 + exp(-x))}; {@code dx = dout · (1 - out) · out}. */
public final class Sigmoid implements Layer {
    private Matrix out;

    @Override
    public Matrix forward(Matrix x) {
        out = x.zerosLike();
        for (int i = 0; i < out.size(); i++) {
            out.set(i, 1.0 / (1.0 + Math.exp(-x.get(i))));
        }
        return out.copy();
    }

    @Override
    public Matrix backward(Matrix dout) {
        Matrix dx = dout.zerosLike();
        for (int i = 0; i < dx.size(); i++) {
            double y = out.get(i);
            dx.set(i, dout.get(i) * (1.0 - y) * y);
        }
        return dx;
    }

    /** Sigmoid in a layer list ({@code sigmoid}). */
    public record Spec() implements LayerSpec {
        @Override
        public String text() {
            return "sigmoid";
        }

        @Override
        public Shape output(Shape input) {
            return input;
        }

        @Override
        public Layer newLayer(Shape input, Binding binding) {
            return new Sigmoid();
        }
    }
}
