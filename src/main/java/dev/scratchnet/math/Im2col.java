package dev.scratchnet.math;

/**
 * The book's {@code im2col} and {@code col2im} (§7.4.3, {@code common/util.py}) on a batch of images stored as
 * rows: row {@code n} of {@code x} is image {@code n}, its {@code C × H × W} values channel by channel, row by row
 * (the book's NCHW without the N).
 *
 * <p>{@code im2col} lays every filter window out as one row of {@code col: (N·OH·OW) × (C·FH·FW)}: row
 * {@code (n·OH + oy)·OW + ox} holds the window of output position {@code (oy, ox)} of image {@code n}, column
 * {@code (c·FH + fy)·FW + fx} its value at channel {@code c}, offset {@code (fy, fx)}; positions in the zero padding
 * are 0. That is the order of the book's {@code W.reshape(FN, -1)}, so a convolution is one matrix product.
 * {@code col2im} is its adjoint: it adds each window's values back where they came from (overlapping windows add up),
 * dropping the padding.
 *
 * @param channels C
 * @param height H
 * @param width W
 * @param filterHeight FH
 * @param filterWidth FW
 */
public record Im2col(int channels, int height, int width, int filterHeight, int filterWidth, int stride, int pad) {
    public Im2col {
        if (channels < 1 || height < 1 || width < 1 || filterHeight < 1 || filterWidth < 1 || stride < 1 || pad < 0) {
            throw new IllegalArgumentException("im2col needs positive sizes and stride and a padding >= 0");
        }
        if (height + 2 * pad < filterHeight || width + 2 * pad < filterWidth) {
            throw new IllegalArgumentException(filterHeight + "x" + filterWidth + " windows do not fit a " + height + "x"
                    + width + " input" + (pad == 0 ? "" : " padded by " + pad));
        }
    }

    /** OH: {@code (H + 2·pad − FH) / stride + 1}, rounded down as the book's {@code int(...)} does. */
    public int outHeight() {
        return (height + 2 * pad - filterHeight) / stride + 1;
    }

    /** OW: {@code (W + 2·pad − FW) / stride + 1}, rounded down. */
    public int outWidth() {
        return (width + 2 * pad - filterWidth) / stride + 1;
    }

    /** Values of one input image, {@code C·H·W}. */
    public int inputSize() {
        return channels * height * width;
    }

    /** Columns of {@code col}: {@code C·FH·FW}. */
    public int windowSize() {
        return channels * filterHeight * filterWidth;
    }

    /** {@code col} of {@code x: N × (C·H·W)}, a new {@code (N·OH·OW) × (C·FH·FW)} matrix in {@code x}'s precision. */
    public Matrix im2col(Matrix x) {
        if (x.cols() != inputSize()) {
            throw new IllegalArgumentException("im2col expects " + inputSize() + " values an image, got " + x.cols());
        }
        int oh = outHeight();
        int ow = outWidth();
        int k = windowSize();
        Matrix col = x.zerosLike(x.rows() * oh * ow, k);
        int hw = height * width;
        for (int n = 0; n < x.rows(); n++) {
            int image = n * inputSize();
            int firstRow = n * oh * ow;
            for (int c = 0; c < channels; c++) {
                for (int fy = 0; fy < filterHeight; fy++) {
                    for (int fx = 0; fx < filterWidth; fx++) {
                        int column = (c * filterHeight + fy) * filterWidth + fx;
                        for (int oy = 0; oy < oh; oy++) {
                            int iy = oy * stride - pad + fy;
                            if (iy < 0 || iy >= height) {
                                continue;
                            }
                            int from = image + c * hw + iy * width;
                            int to = (firstRow + oy * ow) * k + column;
                            for (int ox = 0; ox < ow; ox++) {
                                int ix = ox * stride - pad + fx;
                                if (ix >= 0 && ix < width) {
                                    col.set(to + ox * k, x.get(from + ix));
                                }
                            }
                        }
                    }
                }
            }
        }
        return col;
    }

    /**
     * The adjoint of {@link #im2col}: {@code dx: batch × (C·H·W)} from {@code dcol: (batch·OH·OW) × (C·FH·FW)}, each
     * window's values added back where {@code im2col} took them; a new matrix in {@code dcol}'s precision.
     */
    public Matrix col2im(Matrix dcol, int batch) {
        int oh = outHeight();
        int ow = outWidth();
        int k = windowSize();
        if (dcol.rows() != batch * oh * ow || dcol.cols() != k) {
            throw new IllegalArgumentException("col2im expects " + batch * oh * ow + "x" + k + ", got " + dcol);
        }
        Matrix dx = dcol.zerosLike(batch, inputSize());
        int hw = height * width;
        for (int n = 0; n < batch; n++) {
            int image = n * inputSize();
            int firstRow = n * oh * ow;
            for (int c = 0; c < channels; c++) {
                for (int fy = 0; fy < filterHeight; fy++) {
                    for (int fx = 0; fx < filterWidth; fx++) {
                        int column = (c * filterHeight + fy) * filterWidth + fx;
                        for (int oy = 0; oy < oh; oy++) {
                            int iy = oy * stride - pad + fy;
                            if (iy < 0 || iy >= height) {
                                continue;
                            }
                            int to = image + c * hw + iy * width;
                            int from = (firstRow + oy * ow) * k + column;
                            for (int ox = 0; ox < ow; ox++) {
                                int ix = ox * stride - pad + fx;
                                if (ix >= 0 && ix < width) {
                                    dx.add(to + ix, dcol.get(from + ox * k));
                                }
                            }
                        }
                    }
                }
            }
        }
        return dx;
    }
}
