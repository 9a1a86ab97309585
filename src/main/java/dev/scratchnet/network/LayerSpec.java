package dev.scratchnet.network;

import dev.scratchnet.layers.Affine;
import dev.scratchnet.layers.Dropout;
import dev.scratchnet.layers.Layer;
import dev.scratchnet.layers.Relu;
import dev.scratchnet.layers.Sigmoid;
import dev.scratchnet.math.Matrix;
import dev.scratchnet.math.SplitMix;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One layer of a network description, as users write it in a layer list ({@code affine:100}, {@code relu},
 * {@code sigmoid}, {@code dropout:0.5}, {@code affine} for the output layer): what it is and its hyper-parameters.
 * Its shapes and parameters follow from the shape of its input; {@link NetworkSpec} chains them. Small and
 * serializable: what crosses the wire, never a bound {@link Layer}.
 */
public sealed interface LayerSpec extends Serializable {

    /** The text form, which {@link #parse} reads back. */
    String text();

    /**
     * The shape this layer outputs for {@code input}.
     *
     * @throws IllegalArgumentException saying what does not fit
     */
    Shape output(Shape input);

    /** The parameters this layer owns on {@code input}, in their order in the flat array. */
    default List<Parameter> parameters(Shape input) {
        return List.of();
    }

    /** A working layer on {@code input} bound to this layer's parameter (and gradient) views. */
    Layer newLayer(Shape input, Binding binding);

    /** What kind of parameter a block is: the optimizer trains weights and biases; weight decay acts on weights. */
    enum Role { WEIGHT, BIAS }

    /** One parameter block of a layer: its name's prefix ({@code W}, {@code b}), its shape and its role. */
    record Parameter(String prefix, int[] shape, Role role) implements Serializable {
        public int size() {
            int n = 1;
            for (int s : shape) {
                n = Math.multiplyExact(n, s);
            }
            return n;
        }
    }

    /**
     * The views a layer is bound to: its parameters in the order of {@link #parameters}, their gradients (null
     * when the pass computes none) and the pass.
     *
     * @param index the layer's position in the list (0-based), part of its dropout keys
     */
    record Binding(List<Matrix> params, List<Matrix> grads, Pass pass, int index) {
        Matrix param(int k) {
            return params.get(k);
        }

        Matrix grad(int k) {
            return grads == null ? null : grads.get(k);
        }
    }

    /**
     * Parses one layer ({@code affine:100}, {@code affine}, {@code relu}, {@code sigmoid}, {@code dropout:0.5}).
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
                    yield new AffineSpec(p.length == 1 ? 0 : positive(p[1], "affine's outputs"));
                }
                case "relu", "sigmoid" -> {
                    if (p.length != 1) {
                        throw new IllegalArgumentException(p[0] + " takes no arguments");
                    }
                    yield p[0].equals("relu") ? new ReluSpec() : new SigmoidSpec();
                }
                case "dropout" -> {
                    if (p.length != 2) {
                        throw new IllegalArgumentException("dropout needs a ratio: dropout:<ratio in [0, 1)>");
                    }
                    yield new DropoutSpec(Double.parseDouble(p[1]));
                }
                default -> throw new IllegalArgumentException("unknown layer '" + p[0]
                        + "' (known: affine[:<outputs>], relu, sigmoid, dropout:<ratio>)");
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

    private static int positive(String text, String what) {
        int v = Integer.parseInt(text.trim());
        if (v < 1) {
            throw new IllegalArgumentException(what + " must be ≥ 1");
        }
        return v;
    }

    /** Affine ({@code x·W + b}); {@code outputs} 0 is the output layer, sized by the task. */
    record AffineSpec(int outputs) implements LayerSpec {
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
            return new Affine(binding.param(0), binding.param(1), binding.grad(0), binding.grad(1));
        }
    }

    /** ReLU. */
    record ReluSpec() implements LayerSpec {
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

    /** Sigmoid. */
    record SigmoidSpec() implements LayerSpec {
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

    /** Dropout with the given ratio. */
    record DropoutSpec(double ratio) implements LayerSpec {
        public DropoutSpec {
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
