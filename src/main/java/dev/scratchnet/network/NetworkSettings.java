package dev.scratchnet.network;

import static dev.scratchnet.config.Setting.Group.NETWORK;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.config.Configuration;
import dev.scratchnet.config.Setting;
import dev.scratchnet.layers.LayerSpec;
import dev.scratchnet.layers.Shape;
import dev.scratchnet.layers.Standardization;
import java.util.List;

/**
 * The settings that shape the network: either a fully connected one ({@code hidden}, {@code activation},
 * {@code dropout}) or any layer list ({@code network}), the shape of an example ({@code inputShape}), the task and
 * the initial weights.
 */
public final class NetworkSettings {
    private NetworkSettings() {}

    public static final Setting<Task> TASK = Setting.choice(NETWORK, "task", Task.class, Task.CLASSIFICATION,
            "what the label is: a class index 0 … K−1 (softmax and cross-entropy) or a number to predict (identity "
                    + "output and squared error)");
    public static final Setting<List<Integer>> HIDDEN = Setting.integerList(NETWORK, "hidden", List.of(100), 1, 100_000,
            "comma list of sizes 1 .. 100000, e.g. 100,50", "hidden layer sizes of a fully connected network")
            .trajectory().param();
    public static final Setting<Activation> ACTIVATION = Setting.choice(NETWORK, "activation", Activation.class,
            Activation.RELU, "hidden-layer activation of a fully connected network").trajectory().param();
    public static final Setting<Double> DROPOUT = Setting.decimal(NETWORK, "dropout", 0, "0 ≤ r < 1", v -> {
        if (v < 0 || v >= 1) {
            throw new IllegalArgumentException("must be in [0, 1)");
        }
    }, "dropout ratio after each hidden activation of a fully connected network (book §6.4.3; 0: none)")
            .trajectory().param();
    public static final Setting<List<LayerSpec>> LAYERS = Setting.<List<LayerSpec>>custom(NETWORK, "network",
            List.<LayerSpec>of(), text -> text.isEmpty() ? List.<LayerSpec>of() : LayerSpec.parseList(text),
            (List<LayerSpec> list) -> String.join(",", list.stream().map(LayerSpec::text).toList()),
            "empty, or a comma list of affine:<outputs>, relu, sigmoid, dropout:<ratio>, "
                    + "conv:<filters>:<h>x<w>[:s<stride>][:p<pad>], pool:<h>x<w>[:s<stride>][:p<pad>], batchnorm, "
                    + "ending in affine",
            "the network as a layer list, e.g. affine:100,relu,dropout:0.5,affine or the book's SimpleConvNet "
                    + "conv:30:5x5,relu,pool:2x2,affine:100,relu,affine (empty: hidden, activation and dropout build a "
                    + "fully connected one)").trajectory().param();
    public static final Setting<String> INPUT_SHAPE = Setting.text(NETWORK, "inputShape", "auto",
            "auto, or C x H x W (e.g. 1x28x28)", v -> {
                if (!v.equalsIgnoreCase("auto")) {
                    Shape.parse(v);
                }
            }, "the shape of one example (auto: MNIST's IDX images are 1x28x28, other data a flat vector)").param();
    public static final Setting<WeightInit> WEIGHT_INIT = Setting.custom(NETWORK, "weightInit", WeightInit.auto(),
            WeightInit::parse, WeightInit::toString, "auto | he | xavier | std:<s>",
            "initial weight distribution (Gaussian; auto: He for ReLU networks, Xavier for sigmoid ones); biases start "
                    + "at 0").trajectory().param();

    /** In the order the README lists them. */
    public static final List<Setting<?>> ALL = List.of(TASK, HIDDEN, ACTIVATION, DROPOUT, LAYERS, INPUT_SHAPE, WEIGHT_INIT);

    /**
     * The network {@code config} describes on examples of {@code dataShape} (what the data says: an image's
     * {@code C×H×W}, or a flat width), with {@code outputs} outputs (the number of classes, or 1 for a regression).
     *
     * @throws ScratchnetException naming the setting and what does not fit
     */
    public static NetworkSpec spec(Configuration config, Shape dataShape, int outputs) {
        return spec(config, dataShape, outputs, Standardization.NONE);
    }

    /** As above, a regression standardizing its targets by {@code target} (the training labels' mean and deviation). */
    public static NetworkSpec spec(Configuration config, Shape dataShape, int outputs, Standardization target) {
        Shape input = inputShape(config, dataShape);
        List<LayerSpec> layers = config.get(LAYERS);
        Setting<?> source = LAYERS;
        if (layers.isEmpty()) {
            source = HIDDEN;
            try {
                layers = NetworkSpec.mlpLayers(config.get(HIDDEN), config.get(ACTIVATION), config.get(DROPOUT));
            } catch (IllegalArgumentException e) {
                throw new ScratchnetException(HIDDEN.key() + ": " + e.getMessage());
            }
        } else {
            for (Setting<?> s : List.of(HIDDEN, ACTIVATION, DROPOUT)) {
                if (config.isSet(s)) {
                    throw new ScratchnetException(s.key() + " and " + LAYERS.key() + " are both set: the layer list "
                            + "defines the whole network (put the sizes, activations and dropout in it)");
                }
            }
        }
        try {
            return new NetworkSpec(input, layers, config.get(TASK), outputs, target);
        } catch (IllegalArgumentException e) {
            throw new ScratchnetException(source.key() + ": " + e.getMessage() + " (" + input + " inputs, " + outputs
                    + (config.get(TASK) == Task.CLASSIFICATION ? " classes)" : " output)"), e);
        }
    }

    /** {@link #spec(Configuration, Shape, int)} on flat examples of {@code inputSize} values. */
    public static NetworkSpec spec(Configuration config, int inputSize, int outputs) {
        return spec(config, Shape.flat(inputSize), outputs);
    }

    /** The input shape: {@code inputShape} when given (its size must be the data's), else the data's own. */
    static Shape inputShape(Configuration config, Shape dataShape) {
        String text = config.get(INPUT_SHAPE);
        if (text.equalsIgnoreCase("auto")) {
            return dataShape;
        }
        Shape shape = Shape.parse(text);
        if (shape.size() != dataShape.size()) {
            throw new ScratchnetException(INPUT_SHAPE.key() + ": " + shape + " is " + shape.size() + " values, the data's "
                    + "examples have " + dataShape.size());
        }
        return shape;
    }
}
