package dev.scratchnet.layers;

import java.io.Serializable;

/**
 * How a regression's targets are standardized for training: the network learns {@code (t − center) / scale} and
 * predicts {@code y · scale + center}. Adam moves each weight by about the learning rate a step, so a target in the
 * hundreds (diabetes's 25 … 346) would take a network started near zero tens of thousands of steps to reach;
 * standardized, it is a few hundred. The mean and standard deviation of the training labels; {@link #NONE} for a
 * classifier.
 */
public record Standardization(double center, double scale) implements Serializable {
    /** The identity: targets as they are. */
    public static final Standardization NONE = new Standardization(0, 1);

    public Standardization {
        if (!Double.isFinite(center) || !(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("a standardization needs a finite center and a positive scale, got "
                    + center + ", " + scale);
        }
    }

    /** The standardization of labels with {@code count} values, their {@code sum} and {@code sumOfSquares}. */
    public static Standardization of(long count, double sum, double sumOfSquares) {
        if (count == 0) {
            return NONE;
        }
        double mean = sum / count;
        double variance = Math.max(0, sumOfSquares / count - mean * mean);
        double std = Math.sqrt(variance);
        return new Standardization(mean, std > 0 && Double.isFinite(std) ? std : 1);
    }

    /** A target in the network's units. */
    public double standardize(double target) {
        return (target - center) / scale;
    }

    /** A network output in the target's units. */
    public double unstandardize(double output) {
        return output * scale + center;
    }
}
