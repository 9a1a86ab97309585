package dev.scratchnet.network;

import static dev.scratchnet.config.Setting.Group.NETWORK;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.config.Configuration;
import dev.scratchnet.config.Setting;
import java.util.List;

/** The settings that shape the network. Defaults are the book's {@code TwoLayerNet(784, 50, 10)}. */
public final class NetworkSettings {
    private NetworkSettings() {}

    public static final Setting<List<Integer>> HIDDEN = Setting.integerList(NETWORK, "hidden", List.of(50), 1, 100_000,
            "comma list of sizes 1 .. 100000, e.g. 100,50", "hidden layer sizes").trajectory().param();
    public static final Setting<Activation> ACTIVATION = Setting.choice(NETWORK, "activation", Activation.class,
            Activation.RELU, "hidden-layer activation").trajectory().param();
    public static final Setting<WeightInit> WEIGHT_INIT = Setting.custom(NETWORK, "weightInit", WeightInit.std(0.01),
            WeightInit::parse, WeightInit::toString, "std:<s> | he | xavier",
            "initial weight distribution (Gaussian); biases start at 0").trajectory().param();

    /** In the order the README lists them. */
    public static final List<Setting<?>> ALL = List.of(HIDDEN, ACTIVATION, WEIGHT_INIT);

    /** The network {@code config} describes, on inputs of {@code inputSize} into {@code classes} classes. */
    public static NetworkSpec spec(Configuration config, int inputSize, int classes) {
        try {
            return new NetworkSpec(inputSize, config.get(HIDDEN), config.get(ACTIVATION), classes);
        } catch (IllegalArgumentException e) {
            throw new ScratchnetException(HIDDEN.key() + ": " + e.getMessage() + " (" + inputSize + " inputs, "
                    + classes + " classes)", e);
        }
    }
}
