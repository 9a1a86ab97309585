package dev.scratchnet.layers;

import dev.scratchnet.math.Im2col;
import dev.scratchnet.math.Matrix;

/**
 * Max pooling (§7.5, {@code common/layers.py} {@code Pooling}), through im2col as the book writes it: each
 * channel's window of every output position is one group of {@code PH·PW} values of {@code col}; the output is each
 * group's maximum, and backward sends {@code dout} to the position of that maximum ({@code arg_max}, the first on
 * ties, as {@code np.argmax}) through {@code col2im}. {@code x: N × (C·H·W)} → {@code N × (C·OH·OW)}; no parameters.
 */
public final class Pooling implements Layer {
    private final Im2col im2col;
    private int batch;
    private int[] argMax;

    /** @param im2col the windows: input {@code C × H × W}, pool size, stride and padding */
    public Pooling(Im2col im2col) {
        this.im2col = im2col;
    }

    @Override
    public Matrix forward(Matrix x) {
        batch = x.rows();
        Matrix col = im2col.im2col(x);
        int channels = im2col.channels();
        int pool = im2col.filterHeight() * im2col.filterWidth();
        int positions = im2col.outHeight() * im2col.outWidth();
        Matrix out = x.zerosLike(batch, channels * positions);
        argMax = new int[batch * positions * channels];
        for (int n = 0; n < batch; n++) {
            for (int p = 0; p < positions; p++) {
                int row = (n * positions + p) * channels;
                for (int c = 0; c < channels; c++) {
                    int from = (row + c) * pool;
                    int best = 0;
                    double max = col.get(from);
                    for (int k = 1; k < pool; k++) {
                        double v = col.get(from + k);
                        if (v > max) {
                            max = v;
                            best = k;
                        }
                    }
                    argMax[row + c] = best;
                    out.set((n * channels + c) * positions + p, max);
                }
            }
        }
        return out;
    }

    @Override
    public Matrix backward(Matrix dout) {
        int channels = im2col.channels();
        int pool = im2col.filterHeight() * im2col.filterWidth();
        int positions = im2col.outHeight() * im2col.outWidth();
        if (dout.rows() != batch || dout.cols() != channels * positions) {
            throw new IllegalArgumentException("Pooling's dout must be " + batch + "x" + channels * positions
                    + ", got " + dout.rows() + "x" + dout.cols());
        }
        Matrix dcol = dout.zerosLike(batch * positions, channels * pool);
        for (int n = 0; n < batch; n++) {
            for (int p = 0; p < positions; p++) {
                int row = (n * positions + p) * channels;
                for (int c = 0; c < channels; c++) {
                    dcol.set((row + c) * pool + argMax[row + c], dout.get((n * channels + c) * positions + p));
                }
            }
        }
        return im2col.col2im(dcol, batch);
    }

    /**
     * Max pooling in a layer list ({@code pool:2x2}) over {@code height × width} windows with {@code stride} (default:
     * the height).
     */
    public record Spec(int height, int width, int stride, int pad) implements LayerSpec {
        static final String FORM = "pool:<height>x<width>[:s<stride>][:p<pad>]";

        public Spec {
            if (height < 1 || width < 1 || stride < 1 || pad < 0) {
                throw new IllegalArgumentException("pool needs positive size and stride and a padding ≥ 0");
            }
        }

        @Override
        public String text() {
            return "pool:" + height + "x" + width + LayerSpecParser.strideAndPadText(stride, height, pad);
        }

        @Override
        public Shape output(Shape input) {
            Im2col w = input.windows(height, width, stride, pad, "pool");
            return new Shape(input.channels(), w.outHeight(), w.outWidth());
        }

        @Override
        public Layer newLayer(Shape input, Binding binding) {
            return new Pooling(input.windows(height, width, stride, pad, "pool"));
        }
    }
}
