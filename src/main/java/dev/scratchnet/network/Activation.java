package dev.scratchnet.network;

import dev.scratchnet.config.Choice;
import dev.scratchnet.layers.Layer;
import dev.scratchnet.layers.Relu;
import dev.scratchnet.layers.Sigmoid;
import java.util.Locale;

/** The hidden-layer activation: ReLU (§5.5.1) or Sigmoid (§5.5.2). */
public enum Activation implements Choice {
    RELU,
    SIGMOID;

    /** A fresh layer of this kind. */
    public Layer newLayer() {
        return this == RELU ? new Relu() : new Sigmoid();
    }

    /** The name used in settings and descriptions: {@code relu} or {@code sigmoid}. */
    @Override
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
