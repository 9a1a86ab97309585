package dev.scratchnet.network;

import dev.scratchnet.config.Choice;
import dev.scratchnet.layers.IdentityWithLoss;
import dev.scratchnet.layers.LossLayer;
import dev.scratchnet.layers.SoftmaxWithLoss;
import dev.scratchnet.layers.Standardization;
import java.util.Locale;

/** What a network's output means: class scores (Softmax-with-Loss) or one value to regress on (identity, squared error). */
public enum Task implements Choice {
    CLASSIFICATION,
    REGRESSION;

    /** A fresh loss layer for this task; a regression's learns its targets standardized by {@code target}. */
    public LossLayer newLossLayer(Standardization target) {
        return this == CLASSIFICATION ? new SoftmaxWithLoss() : new IdentityWithLoss(target);
    }

    @Override
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
