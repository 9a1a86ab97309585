package dev.scratchnet.network;

import dev.scratchnet.config.Choice;
import dev.scratchnet.layers.LayerSpec;
import dev.scratchnet.layers.Relu;
import dev.scratchnet.layers.Sigmoid;
import java.util.Locale;

/** The hidden-layer activation of a fully connected network: ReLU (§5.5.1) or Sigmoid (§5.5.2). */
public enum Activation implements Choice {
    RELU,
    SIGMOID;

    /** The layer of this kind in a layer list. */
    public LayerSpec spec() {
        return this == RELU ? new Relu.Spec() : new Sigmoid.Spec();
    }

    /** The activation {@code layer} is, or null when it is not one. */
    static Activation of(LayerSpec layer) {
        if (layer instanceof Relu.Spec) {
            return RELU;
        }
        return layer instanceof Sigmoid.Spec ? SIGMOID : null;
    }

    /** The name used in settings and descriptions: {@code relu} or {@code sigmoid}. */
    @Override
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
