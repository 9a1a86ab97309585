package dev.scratchnet.network;

import java.util.Random;

/**
 * How weights start: Gaussian with a fixed std (the book's {@code weight_init_std=0.01}), He
 * ({@code std = sqrt(2 / fanIn)}, for ReLU) or Xavier ({@code std = sqrt(1 / fanIn)}, for sigmoid), as
 * in the book's §6.2. Biases start at zero.
 */
public record WeightInit(Kind kind, double std) {

    /** The kinds of initialisation. */
    public enum Kind { STD, HE, XAVIER }

    public static WeightInit std(double std) {
        return new WeightInit(Kind.STD, std);
    }

    public static WeightInit he() {
        return new WeightInit(Kind.HE, Double.NaN);
    }

    public static WeightInit xavier() {
        return new WeightInit(Kind.XAVIER, Double.NaN);
    }

    /**
     * Parses {@code he}, {@code xavier}, {@code std:0.01} or a bare number (a std).
     *
     * @throws IllegalArgumentException when it is none of these
     */
    public static WeightInit parse(String s) {
        String v = s.trim().toLowerCase(java.util.Locale.ROOT);
        if (v.equals("he")) {
            return he();
        }
        if (v.equals("xavier")) {
            return xavier();
        }
        String number = v.startsWith("std:") ? v.substring(4) : v;
        try {
            double std = Double.parseDouble(number);
            if (std > 0 && Double.isFinite(std)) {
                return std(std);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("not a positive std, 'he' or 'xavier'");
    }

    /** The standard deviation for a layer with {@code fanIn} inputs. */
    public double stdFor(int fanIn) {
        return switch (kind) {
            case STD -> std;
            case HE -> Math.sqrt(2.0 / fanIn);
            case XAVIER -> Math.sqrt(1.0 / fanIn);
        };
    }

    /** Fresh parameters for {@code spec}: weights drawn in array order from {@code new Random(seed)}. */
    public double[] initialize(NetworkSpec spec, long seed) {
        double[] params = new double[spec.parameterCount()];
        Random random = new Random(seed);
        for (int l = 1; l <= spec.affineCount(); l++) {
            double s = stdFor(spec.fanIn(l));
            int offset = spec.weightOffset(l);
            int n = spec.fanIn(l) * spec.fanOut(l);
            for (int i = 0; i < n; i++) {
                params[offset + i] = s * random.nextGaussian();
            }
        }
        return params;
    }

    @Override
    public String toString() {
        return kind == Kind.STD ? "std:" + std : kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
