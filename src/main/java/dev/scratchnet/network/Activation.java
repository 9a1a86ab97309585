package dev.scratchnet.network;

import dev.scratchnet.layers.Layer;
import dev.scratchnet.layers.Relu;
import dev.scratchnet.layers.Sigmoid;
import java.util.Locale;

/** The hidden-layer activation: ReLU (§5.5.1) or Sigmoid (§5.5.2). */
public enum Activation {
    RELU,
    SIGMOID;

    /** A fresh layer of this kind. */
    public Layer newLayer() {
        return this == RELU ? new Relu() : new Sigmoid();
    }

    /** The name used in settings and descriptions: {@code relu} or {@code sigmoid}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code relu} or {@code sigmoid} (any case); null when it is neither. */
    public static Activation parse(String s) {
        for (Activation a : values()) {
            if (a.id().equalsIgnoreCase(s.trim())) {
                return a;
            }
        }
        return null;
    }
}
