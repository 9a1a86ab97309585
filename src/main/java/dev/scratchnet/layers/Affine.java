package dev.scratchnet.layers;

import dev.scratchnet.math.Matrix;
import java.util.List;

/**
 * The Affine layer (§5.6.2, batched): {@code out = x·W + b} with {@code x: batch × in}, {@code W: in × out},
 * {@code b: 1 × out}; backward gives {@code dx = dout·Wᵀ} and <em>adds</em> {@code dW = xᵀ·dout} and
 * {@code db = Σ_rows dout} into its gradient views (gradients accumulate and are zeroed once per step), or writes them
 * there when it is built to ({@code writes}: a gradient array kept from step to step, never zeroed).
 *
 * <p>{@code W}, {@code b}, {@code dW} and {@code db} are views into the network's flat parameter and gradient
 * arrays; the products are one BLAS call each, in the precision of those arrays.
 */
public final class Affine implements Layer {
    private final Matrix W;
    private final Matrix b;
    private final Matrix dW;
    private final Matrix db;
    private final boolean writes;
    private Matrix x;

    /** {@code dW} and {@code db} may be null for a layer that only runs forward. */
    public Affine(Matrix W, Matrix b, Matrix dW, Matrix db) {
        this(W, b, dW, db, false);
    }

    /** The same; {@code writes}: backward writes {@code dW} and {@code db} instead of adding into them. */
    public Affine(Matrix W, Matrix b, Matrix dW, Matrix db, boolean writes) {
        if (b.size() != W.cols()) {
            throw new IllegalArgumentException("b has " + b.size() + " values for W " + W.rows() + "x" + W.cols());
        }
        this.W = W;
        this.b = b;
        this.dW = dW;
        this.db = db;
        this.writes = writes;
    }

    @Override
    public Matrix forward(Matrix x) {
        if (x.cols() != W.rows()) {
            throw new IllegalArgumentException("Affine expects " + W.rows() + " inputs, got " + x.cols());
        }
        this.x = x;
        Matrix out = Matrix.repeatRows(b, x.rows());
        Matrix.gemm(false, false, 1, x, W, 1, out);
        return out;
    }

    @Override
    public Matrix backward(Matrix dout) {
        backwardParameters(dout);
        Matrix dx = dout.zerosLike(dout.rows(), W.rows());
        Matrix.gemm(false, true, 1, dout, W, 0, dx);
        return dx;
    }

    @Override
    public void backwardParameters(Matrix dout) {
        Matrix.gemm(true, false, 1, x, dout, writes ? 0 : 1, dW); // beta 0: BLAS overwrites, its old values unread
        if (writes) {
            db.zero();
        }
        db.addColumnSums(dout);
    }

    /** Affine in a layer list ({@code affine:100}); {@code outputs} 0 is the output layer, sized by the task. */
    public record Spec(int outputs) implements LayerSpec {
        @Override
        public String text() {
            return outputs == 0 ? "affine" : "affine:" + outputs;
        }

        @Override
        public Shape output(Shape input) {
            if (outputs < 1) {
                throw new IllegalArgumentException("the output layer's size is not resolved");
            }
            return Shape.flat(outputs);
        }

        @Override
        public List<Parameter> parameters(Shape input) {
            return List.of(new Parameter("W", new int[] {input.size(), outputs}, Role.WEIGHT),
                    new Parameter("b", new int[] {outputs}, Role.BIAS));
        }

        @Override
        public Layer newLayer(Shape input, Binding binding) {
            return new Affine(binding.param(0), binding.param(1), binding.grad(0), binding.grad(1),
                    binding.writes());
        }
    }
}
