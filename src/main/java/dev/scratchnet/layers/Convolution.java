package dev.scratchnet.layers;

import dev.scratchnet.math.Im2col;
import dev.scratchnet.math.Matrix;
import java.util.List;

/**
 * The Convolution layer (§7.4.3, {@code common/layers.py}), batched through im2col: {@code x: N × (C·H·W)} →
 * {@code out: N × (FN·OH·OW)}, each row an image's values channel by channel, row by row.
 *
 * <p>{@code W} is the book's {@code FN × C × FH × FW} filters, seen as {@code FN × (C·FH·FW)} (its
 * {@code W.reshape(FN, -1)}); {@code b} has {@code FN} values. Forward: {@code col = im2col(x)}, then one matrix
 * product {@code col·Wᵀ + b}, laid out filter by filter (the book's {@code transpose(0, 3, 1, 2)}). Backward, with
 * {@code dout} laid out as {@code (N·OH·OW) × FN}: {@code db += Σ dout}, {@code dW += doutᵀ·col} and
 * {@code dx = col2im(dout·W)}; gradients are added into their views (or written there: {@code writes}).
 */
public final class Convolution implements Layer {
    private final Matrix W;
    private final Matrix b;
    private final Matrix dW;
    private final Matrix db;
    private final Im2col im2col;
    private final boolean writes;
    private Matrix col;
    private int batch;

    /**
     * @param W {@code FN × (C·FH·FW)}
     * @param b {@code FN} values
     * @param dW null with {@code db} for a layer that only runs forward
     * @param im2col the windows: input {@code C × H × W}, filter size, stride and padding
     */
    public Convolution(Matrix W, Matrix b, Matrix dW, Matrix db, Im2col im2col) {
        this(W, b, dW, db, im2col, false);
    }

    /** The same; {@code writes}: backward writes {@code dW} and {@code db} instead of adding into them. */
    public Convolution(Matrix W, Matrix b, Matrix dW, Matrix db, Im2col im2col, boolean writes) {
        if (W.cols() != im2col.windowSize() || b.size() != W.rows()) {
            throw new IllegalArgumentException("filters " + W.rows() + "x" + W.cols() + " and " + b.size()
                    + " biases do not fit windows of " + im2col.windowSize() + " values");
        }
        this.W = W;
        this.b = b;
        this.dW = dW;
        this.db = db;
        this.im2col = im2col;
        this.writes = writes;
    }

    @Override
    public Matrix forward(Matrix x) {
        batch = x.rows();
        col = im2col.im2col(x);
        int filters = W.rows();
        Matrix products = x.zerosLike(col.rows(), filters);
        Matrix.gemm(false, true, 1, col, W, 0, products);
        int positions = im2col.outHeight() * im2col.outWidth();
        Matrix out = x.zerosLike(batch, filters * positions);
        for (int n = 0; n < batch; n++) {
            for (int p = 0; p < positions; p++) {
                int from = (n * positions + p) * filters;
                int to = n * filters * positions + p;
                for (int f = 0; f < filters; f++) {
                    out.set(to + f * positions, products.get(from + f) + b.get(f));
                }
            }
        }
        return out;
    }

    @Override
    public Matrix backward(Matrix dout) {
        Matrix rows = backwardRows(dout);
        Matrix dcol = dout.zerosLike(col.rows(), col.cols());
        Matrix.gemm(false, false, 1, rows, W, 0, dcol);
        return im2col.col2im(dcol, batch);
    }

    /** The first layer's backward: {@code dW} and {@code db} only, no {@code col2im}. */
    @Override
    public void backwardParameters(Matrix dout) {
        backwardRows(dout);
    }

    /** Adds {@code dW} and {@code db}; returns {@code dout} as {@code (N·OH·OW) × FN} (the book's transposed dout). */
    private Matrix backwardRows(Matrix dout) {
        int filters = W.rows();
        int positions = im2col.outHeight() * im2col.outWidth();
        if (dout.rows() != batch || dout.cols() != filters * positions) {
            throw new IllegalArgumentException("Convolution's dout must be " + batch + "x" + filters * positions
                    + ", got " + dout.rows() + "x" + dout.cols());
        }
        Matrix rows = dout.zerosLike(batch * positions, filters);
        if (writes) {
            db.zero();
        }
        for (int n = 0; n < batch; n++) {
            for (int f = 0; f < filters; f++) {
                int from = (n * filters + f) * positions;
                double sum = 0;
                for (int p = 0; p < positions; p++) {
                    double v = dout.get(from + p);
                    rows.set((n * positions + p) * filters + f, v);
                    sum += v;
                }
                db.add(f, sum);
            }
        }
        Matrix.gemm(true, false, 1, rows, col, writes ? 0 : 1, dW);
        return rows;
    }

    /**
     * Convolution in a layer list ({@code conv:30:5x5}): {@code filters} filters of {@code height × width} with
     * {@code stride} and {@code pad}; weights {@code W} of {@code filters × C × height × width} (the book's layout),
     * biases {@code b} of {@code filters}.
     */
    public record Spec(int filters, int height, int width, int stride, int pad) implements LayerSpec {
        static final String FORM = "conv:<filters>:<height>x<width>[:s<stride>][:p<pad>]";

        public Spec {
            if (filters < 1 || height < 1 || width < 1 || stride < 1 || pad < 0) {
                throw new IllegalArgumentException("conv needs positive filters, size and stride and a padding ≥ 0");
            }
        }

        @Override
        public String text() {
            return "conv:" + filters + ":" + height + "x" + width + LayerSpecParser.strideAndPadText(stride, 1, pad);
        }

        @Override
        public Shape output(Shape input) {
            Im2col w = input.windows(height, width, stride, pad, "conv");
            return new Shape(filters, w.outHeight(), w.outWidth());
        }

        @Override
        public List<Parameter> parameters(Shape input) {
            return List.of(new Parameter("W", new int[] {filters, input.channels(), height, width}, Role.WEIGHT),
                    new Parameter("b", new int[] {filters}, Role.BIAS));
        }

        @Override
        public Layer newLayer(Shape input, Binding binding) {
            return new Convolution(binding.param(0), binding.param(1), binding.grad(0), binding.grad(1),
                    input.windows(height, width, stride, pad, "conv"), binding.writes());
        }
    }
}
