package dev.scratchnet.layers;

import dev.scratchnet.math.Matrix;
import dev.scratchnet.math.SplitMix;

/**
 * Dropout (§6.4.3), as the book writes it: in training each unit is dropped (set to 0) with probability
 * {@code ratio} and the others pass unscaled; in inference every unit passes times {@code 1 − ratio}.
 *
 * <p>Unlike the book's {@code np.random.rand}, the mask is a pure function of a key per example row (derived from
 * the run's seed, the global step, the example's global position and the layer) and of the unit: the same
 * example in the same step drops the same units whichever partition computes it, and a retried task recomputes
 * the same mask.
 */
public final class Dropout implements Layer {
    private final double ratio;
    private final long[] rowKeys;
    private boolean[] mask;

    /**
     * In training, with one key per row of the coming batch ({@code rowKeys}); {@code rowKeys} null: inference.
     */
    public Dropout(double ratio, long[] rowKeys) {
        if (!(ratio >= 0 && ratio < 1)) {
            throw new IllegalArgumentException("dropout ratio must be in [0, 1), got " + ratio);
        }
        this.ratio = ratio;
        this.rowKeys = rowKeys;
    }

    @Override
    public Matrix forward(Matrix x) {
        Matrix out = x.zerosLike();
        if (rowKeys == null) {
            for (int i = 0; i < out.size(); i++) {
                out.set(i, x.get(i) * (1.0 - ratio));
            }
            return out;
        }
        if (rowKeys.length != x.rows()) {
            throw new IllegalArgumentException(rowKeys.length + " row keys for " + x.rows() + " rows");
        }
        mask = new boolean[x.size()];
        int cols = x.cols();
        for (int r = 0; r < x.rows(); r++) {
            for (int c = 0; c < cols; c++) {
                int i = r * cols + c;
                mask[i] = SplitMix.uniform(SplitMix.key(rowKeys[r], c)) >= ratio;
                if (mask[i]) {
                    out.set(i, x.get(i));
                }
            }
        }
        return out;
    }

    @Override
    public Matrix backward(Matrix dout) {
        Matrix dx = dout.zerosLike();
        for (int i = 0; i < dx.size(); i++) {
            if (mask[i]) {
                dx.set(i, dout.get(i));
            }
        }
        return dx;
    }

    /**
     * Dropout with the given ratio in a layer list ({@code dropout:0.5}); a training pass keys each row's mask by
     * the run's seed, the step, the layer's index and the example's position.
     */
    public record Spec(double ratio) implements LayerSpec {
        public Spec {
            if (!(ratio >= 0 && ratio < 1)) {
                throw new IllegalArgumentException("dropout's ratio must be in [0, 1)");
            }
        }

        @Override
        public String text() {
            return "dropout:" + ratio;
        }

        @Override
        public Shape output(Shape input) {
            return input;
        }

        @Override
        public Layer newLayer(Shape input, Binding binding) {
            Pass pass = binding.pass();
            if (!pass.training()) {
                return new Dropout(ratio, null);
            }
            long[] keys = new long[pass.positions().length];
            long layerKey = SplitMix.key(SplitMix.key(pass.seed() ^ 0x44524F50L, pass.step()), binding.index());
            for (int r = 0; r < keys.length; r++) {
                keys[r] = SplitMix.key(layerKey, pass.positions()[r]);
            }
            return new Dropout(ratio, keys);
        }
    }
}
