package dev.scratchnet.network;

import dev.scratchnet.layers.Affine;
import dev.scratchnet.layers.BatchNormalization;
import dev.scratchnet.layers.Convolution;
import dev.scratchnet.layers.Dropout;
import dev.scratchnet.layers.Layer;
import dev.scratchnet.layers.Pooling;
import dev.scratchnet.layers.Relu;
import dev.scratchnet.layers.Sigmoid;
import dev.scratchnet.math.Im2col;
import dev.scratchnet.math.Matrix;
import dev.scratchnet.math.SplitMix;
import java.io.Serializable;
import java.util.List;

/**
 * One layer of a network description, as users write it in a layer list ({@code affine:100}, {@code relu},
 * {@code sigmoid}, {@code dropout:0.5}, {@code conv:30:5x5}, {@code pool:2x2}, {@code batchnorm}, {@code affine} for
 * the output layer): what it is and its hyper-parameters.
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

    /**
     * What kind of parameter a block is: the optimizer trains weights, biases and scales; weight decay acts on
     * weights; weights start random, scales at 1, the rest at 0. A statistic (batch normalization's running mean and
     * variance) is not trained: its gradient slot carries the step's sums of the statistic to the driver, which
     * moves it ({@code training.BatchNormStatistics}).
     */
    enum Role { WEIGHT, BIAS, SCALE, STATISTIC }

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
     * Parses one layer ({@code affine:100}, {@code affine}, {@code relu}, {@code sigmoid}, {@code dropout:0.5},
     * {@code conv:30:5x5[:s1][:p0]}, {@code pool:2x2[:s2][:p0]}, {@code batchnorm}): {@link LayerSpecParser}.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static LayerSpec parse(String text) {
        return LayerSpecParser.parse(text);
    }

    /** Parses a comma list of layers. */
    static List<LayerSpec> parseList(String text) {
        return LayerSpecParser.parseList(text);
    }

    /** The windows of a layer of {@code fh × fw} on {@code input}, or a message saying what does not fit. */
    private static Im2col windows(Shape input, int fh, int fw, int stride, int pad, String what) {
        if (input.isFlat() && input.width() > 1 && fh > 1) {
            throw new IllegalArgumentException(what + " needs an image, got a flat vector of " + input.size()
                    + " values: give its shape C x H x W (" + NetworkSettings.INPUT_SHAPE.key() + ", e.g. 1x28x28)");
        }
        if (input.height() + 2 * pad < fh || input.width() + 2 * pad < fw) {
            throw new IllegalArgumentException(fh + "x" + fw + " windows do not fit its " + input.height() + "x"
                    + input.width() + " images" + (pad == 0 ? "" : " padded by " + pad));
        }
        return new Im2col(input.channels(), input.height(), input.width(), fh, fw, stride, pad);
    }

    private static String strideAndPadText(int stride, int defaultStride, int pad) {
        return (stride == defaultStride ? "" : ":s" + stride) + (pad == 0 ? "" : ":p" + pad);
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

    /**
     * Convolution ({@link Convolution}): {@code filters} filters of {@code height × width} with {@code stride} and
     * {@code pad}; weights {@code W} of {@code filters × C × height × width} (the book's layout), biases {@code b} of
     * {@code filters}.
     */
    record ConvSpec(int filters, int height, int width, int stride, int pad) implements LayerSpec {
        static final String FORM = "conv:<filters>:<height>x<width>[:s<stride>][:p<pad>]";

        public ConvSpec {
            if (filters < 1 || height < 1 || width < 1 || stride < 1 || pad < 0) {
                throw new IllegalArgumentException("conv needs positive filters, size and stride and a padding ≥ 0");
            }
        }

        @Override
        public String text() {
            return "conv:" + filters + ":" + height + "x" + width + strideAndPadText(stride, 1, pad);
        }

        Im2col windows(Shape input) {
            return LayerSpec.windows(input, height, width, stride, pad, "conv");
        }

        @Override
        public Shape output(Shape input) {
            Im2col w = windows(input);
            return new Shape(filters, w.outHeight(), w.outWidth());
        }

        @Override
        public List<Parameter> parameters(Shape input) {
            return List.of(new Parameter("W", new int[] {filters, input.channels(), height, width}, Role.WEIGHT),
                    new Parameter("b", new int[] {filters}, Role.BIAS));
        }

        @Override
        public Layer newLayer(Shape input, Binding binding) {
            return new Convolution(binding.param(0), binding.param(1), binding.grad(0), binding.grad(1), windows(input));
        }
    }

    /** Max pooling ({@link Pooling}) over {@code height × width} windows with {@code stride} (default: the height). */
    record PoolSpec(int height, int width, int stride, int pad) implements LayerSpec {
        static final String FORM = "pool:<height>x<width>[:s<stride>][:p<pad>]";

        public PoolSpec {
            if (height < 1 || width < 1 || stride < 1 || pad < 0) {
                throw new IllegalArgumentException("pool needs positive size and stride and a padding ≥ 0");
            }
        }

        @Override
        public String text() {
            return "pool:" + height + "x" + width + strideAndPadText(stride, height, pad);
        }

        Im2col windows(Shape input) {
            return LayerSpec.windows(input, height, width, stride, pad, "pool");
        }

        @Override
        public Shape output(Shape input) {
            Im2col w = windows(input);
            return new Shape(input.channels(), w.outHeight(), w.outWidth());
        }

        @Override
        public Layer newLayer(Shape input, Binding binding) {
            return new Pooling(windows(input));
        }
    }

    /**
     * Batch normalization ({@link BatchNormalization}) of each of the input's values: {@code gamma} (a scale,
     * starting at 1), {@code beta} (a bias), and the running mean and variance (statistics), one value a feature.
     */
    record BatchNormSpec() implements LayerSpec {
        /** The book's momentum of the running statistics. */
        public static final double MOMENTUM = 0.9;

        @Override
        public String text() {
            return "batchnorm";
        }

        @Override
        public Shape output(Shape input) {
            return input;
        }

        @Override
        public List<Parameter> parameters(Shape input) {
            int[] d = {input.size()};
            return List.of(new Parameter("gamma", d, Role.SCALE), new Parameter("beta", d, Role.BIAS),
                    new Parameter("running_mean", d, Role.STATISTIC), new Parameter("running_var", d, Role.STATISTIC));
        }

        @Override
        public Layer newLayer(Shape input, Binding binding) {
            Pass pass = binding.pass();
            Matrix[] grads = binding.grads() == null ? null
                    : new Matrix[] {binding.grad(0), binding.grad(1), binding.grad(2), binding.grad(3)};
            return new BatchNormalization(binding.param(0), binding.param(1), binding.param(2), binding.param(3), grads,
                    pass.training() ? pass.batchSums() : null, pass.batchCount());
        }
    }
}
