package dev.scratchnet.layers;

import dev.scratchnet.math.Matrix;
import java.io.Serializable;
import java.util.List;

/**
 * One layer of a network description, as users write it in a layer list ({@code affine:100}, {@code relu},
 * {@code sigmoid}, {@code dropout:0.5}, {@code conv:30:5x5}, {@code pool:2x2}, {@code batchnorm}, {@code affine} for
 * the output layer): what it is and its hyper-parameters. Each kind is the {@code Spec} beside its layer, as MLlib's
 * {@code AffineLayer} sits beside the {@code AffineLayerModel} it binds: {@link Affine.Spec}, {@link Relu.Spec},
 * {@link Sigmoid.Spec}, {@link Dropout.Spec}, {@link Convolution.Spec}, {@link Pooling.Spec},
 * {@link BatchNormalization.Spec}.
 * Its shapes and parameters follow from the shape of its input; the network's description chains them. Small and
 * serializable: what crosses the wire, never a bound {@link Layer}.
 */
public sealed interface LayerSpec extends Serializable
        permits Affine.Spec, Relu.Spec, Sigmoid.Spec, Dropout.Spec, Convolution.Spec, Pooling.Spec,
        BatchNormalization.Spec {

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
     * @param writes whether the backward pass writes the gradients, their old values ignored (the same bits as adding
     *               them into zeros), rather than adding into them
     */
    record Binding(List<Matrix> params, List<Matrix> grads, Pass pass, int index, boolean writes) {
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
}
