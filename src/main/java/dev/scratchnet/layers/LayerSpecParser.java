package dev.scratchnet.layers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The text form of layers ({@link LayerSpec#text}) read back: one layer, or a comma list of them. The one parser over
 * every layer's {@code Spec}; it also writes the optional stride and padding that both windowed layers end in.
 */
final class LayerSpecParser {
    private LayerSpecParser() {}

    /**
     * Parses one layer ({@code affine:100}, {@code affine}, {@code relu}, {@code sigmoid}, {@code dropout:0.5},
     * {@code conv:30:5x5[:s1][:p0]}, {@code pool:2x2[:s2][:p0]}, {@code batchnorm}).
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static LayerSpec parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        String[] p = t.split(":", -1);
        try {
            return switch (p[0]) {
                case "affine" -> {
                    if (p.length > 2) {
                        throw new IllegalArgumentException("affine takes one size: affine:<outputs>");
                    }
                    yield new Affine.Spec(p.length == 1 ? 0 : positive(p[1], "affine's outputs"));
                }
                case "relu", "sigmoid" -> {
                    if (p.length != 1) {
                        throw new IllegalArgumentException(p[0] + " takes no arguments");
                    }
                    yield p[0].equals("relu") ? new Relu.Spec() : new Sigmoid.Spec();
                }
                case "dropout" -> {
                    if (p.length != 2) {
                        throw new IllegalArgumentException("dropout needs a ratio: dropout:<ratio in [0, 1)>");
                    }
                    yield new Dropout.Spec(Double.parseDouble(p[1]));
                }
                case "conv" -> {
                    if (p.length < 3) {
                        throw new IllegalArgumentException("conv needs filters and a size: " + Convolution.Spec.FORM);
                    }
                    int[] size = size(p[2], "conv");
                    int[] sp = strideAndPad(p, 3, 1, Convolution.Spec.FORM);
                    yield new Convolution.Spec(positive(p[1], "conv's filters"), size[0], size[1], sp[0], sp[1]);
                }
                case "pool" -> {
                    if (p.length < 2) {
                        throw new IllegalArgumentException("pool needs a size: " + Pooling.Spec.FORM);
                    }
                    int[] size = size(p[1], "pool");
                    int[] sp = strideAndPad(p, 2, size[0], Pooling.Spec.FORM);
                    yield new Pooling.Spec(size[0], size[1], sp[0], sp[1]);
                }
                case "batchnorm" -> {
                    if (p.length != 1) {
                        throw new IllegalArgumentException("batchnorm takes no arguments");
                    }
                    yield new BatchNormalization.Spec();
                }
                default -> throw new IllegalArgumentException("unknown layer '" + p[0]
                        + "' (known: affine[:<outputs>], relu, sigmoid, dropout:<ratio>, " + Convolution.Spec.FORM + ", "
                        + Pooling.Spec.FORM + ", batchnorm)");
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number in '" + text.trim() + "'");
        }
    }

    /** Parses a comma list of layers. */
    static List<LayerSpec> parseList(String text) {
        List<LayerSpec> layers = new ArrayList<>();
        String[] items = text.split(",", -1);
        for (int i = 0; i < items.length; i++) {
            try {
                layers.add(parse(items[i]));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer " + (i + 1) + " ('" + items[i].trim() + "'): " + e.getMessage());
            }
        }
        return List.copyOf(layers);
    }

    /** {@code 5x5} (or {@code 5}: square) as {@code {height, width}}. */
    private static int[] size(String text, String layer) {
        String[] hw = text.trim().split("x", -1);
        if (hw.length > 2) {
            throw new IllegalArgumentException(layer + "'s size must be <height>x<width>, got '" + text + "'");
        }
        int h = positive(hw[0], layer + "'s height");
        return new int[] {h, hw.length == 1 ? h : positive(hw[1], layer + "'s width")};
    }

    /** The optional {@code s<stride>} and {@code p<pad>} items from {@code p[from]} on. */
    private static int[] strideAndPad(String[] p, int from, int defaultStride, String form) {
        int stride = defaultStride;
        int pad = 0;
        boolean strideSeen = false;
        boolean padSeen = false;
        for (int i = from; i < p.length; i++) {
            String item = p[i].trim();
            if (item.startsWith("s") && !strideSeen && !padSeen) {
                stride = positive(item.substring(1), "the stride");
                strideSeen = true;
            } else if (item.startsWith("p") && !padSeen) {
                pad = Integer.parseInt(item.substring(1).trim());
                if (pad < 0) {
                    throw new IllegalArgumentException("the padding must be ≥ 0");
                }
                padSeen = true;
            } else {
                throw new IllegalArgumentException("'" + item + "' is neither s<stride> nor p<pad> (" + form + ")");
            }
        }
        return new int[] {stride, pad};
    }

    /** The optional {@code :s<stride>} and {@code :p<pad>} items {@link #strideAndPad} reads, defaults left out. */
    static String strideAndPadText(int stride, int defaultStride, int pad) {
        return (stride == defaultStride ? "" : ":s" + stride) + (pad == 0 ? "" : ":p" + pad);
    }

    private static int positive(String text, String what) {
        int v = Integer.parseInt(text.trim());
        if (v < 1) {
            throw new IllegalArgumentException(what + " must be ≥ 1");
        }
        return v;
    }
}
