package dev.scratchnet.math;

import dev.scratchnet.config.Choice;
import java.util.Locale;

/**
 * The arithmetic of a network's passes: {@code DOUBLE} computes in {@code double} ({@code dgemm}), {@code SINGLE} in
 * {@code float} ({@code sgemm}) from the decoded inputs to the loss, as PyTorch does by default. Either way the
 * driver keeps the parameters and the optimizer's state in double, and gradient checks use {@code DOUBLE}.
 */
public enum Precision implements Choice {
    DOUBLE,
    SINGLE;

    @Override
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
