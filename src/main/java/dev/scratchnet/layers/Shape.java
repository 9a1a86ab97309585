package dev.scratchnet.layers;

import dev.scratchnet.math.Im2col;
import java.io.Serializable;

/**
 * The shape of one example as a layer sees it: {@code channels × height × width} (an image, in the book's
 * NCHW order without the N), or a flat vector of {@code width} values ({@code 1 × 1 × width}). A batch of them is a
 * {@code batch × size()} matrix, each row the example's values channel by channel, row by row.
 */
public record Shape(int channels, int height, int width) implements Serializable {
    public Shape {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("a shape needs positive sizes, got " + channels + "x" + height + "x" + width);
        }
        if ((long) channels * height * width > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(channels + "x" + height + "x" + width + " is too large");
        }
    }

    /** A flat vector of {@code size} values. */
    public static Shape flat(int size) {
        return new Shape(1, 1, size);
    }

    /** Values per example. */
    public int size() {
        return channels * height * width;
    }

    /** Whether this is a flat vector (no image structure). */
    public boolean isFlat() {
        return channels == 1 && height == 1;
    }

    /**
     * Parses {@code C×H×W} written {@code 1x28x28} (or {@code H×W} for one channel, {@code 28x28}), or a plain size
     * ({@code 784}: a flat vector).
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static Shape parse(String text) {
        String[] p = text.trim().toLowerCase(java.util.Locale.ROOT).split("x", -1);
        try {
            return switch (p.length) {
                case 1 -> flat(Integer.parseInt(p[0].trim()));
                case 2 -> new Shape(1, Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()));
                case 3 -> new Shape(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()),
                        Integer.parseInt(p[2].trim()));
                default -> throw new IllegalArgumentException("not C x H x W");
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not C x H x W (e.g. 1x28x28) or a size");
        }
    }

    /**
     * The windows of {@code fh × fw} with {@code stride} and {@code pad} that {@code layer} ({@code conv},
     * {@code pool}) slides over examples of this shape.
     *
     * @throws NotAnImage when this is a flat vector of more than one value and the windows are more than one
     *     row high
     * @throws IllegalArgumentException when the windows do not fit
     */
    Im2col windows(int fh, int fw, int stride, int pad, String layer) {
        if (isFlat() && width > 1 && fh > 1) {
            throw new NotAnImage(layer, size());
        }
        if (height + 2 * pad < fh || width + 2 * pad < fw) {
            throw new IllegalArgumentException(fh + "x" + fw + " windows do not fit its " + height + "x" + width
                    + " images" + (pad == 0 ? "" : " padded by " + pad));
        }
        return new Im2col(channels, height, width, fh, fw, stride, pad);
    }

    /**
     * A layer that slides windows over images was given a flat vector. The message says what to give; the network,
     * which knows where the input's shape is set, adds that.
     */
    public static final class NotAnImage extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        NotAnImage(String layer, int size) {
            super(layer + " needs an image, got a flat vector of " + size + " values: give its shape C x H x W");
        }
    }

    @Override
    public String toString() {
        return isFlat() ? String.valueOf(width) : channels + "x" + height + "x" + width;
    }
}
