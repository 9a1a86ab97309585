package dev.scratchnet.network;

import dev.scratchnet.layers.LayerSpec;
import dev.scratchnet.layers.Relu;
import dev.scratchnet.layers.Sigmoid;
import java.util.Locale;
import java.util.Random;

/**
 * How weights start (the book's §6.2): Gaussian with a fixed std (the book's {@code weight_init_std=0.01}), He
 * ({@code std = sqrt(2 / fanIn)}, for ReLU), Xavier ({@code std = sqrt(1 / fanIn)}, for sigmoid), or {@code auto}:
 * He for a network with ReLU layers, Xavier for one with sigmoid layers only, as the book's {@code MultiLayerNet}
 * chooses by activation. {@code fanIn} is a weight's inputs: {@code in} for an Affine layer, {@code C·FH·FW} for a
 * convolution's filters. Biases start at 0; batch normalization's {@code gamma} at 1, its running mean and variance
 * at 0 (the book's {@code np.zeros}).
 */
public record WeightInit(Kind kind, double std) {

    /** The kinds of initialisation. */
    public enum Kind { STD, HE, XAVIER, AUTO }

    public static WeightInit std(double std) {
        return new WeightInit(Kind.STD, std);
    }

    public static WeightInit he() {
        return new WeightInit(Kind.HE, Double.NaN);
    }

    public static WeightInit xavier() {
        return new WeightInit(Kind.XAVIER, Double.NaN);
    }

    public static WeightInit auto() {
        return new WeightInit(Kind.AUTO, Double.NaN);
    }

    /**
     * Parses {@code auto}, {@code he}, {@code xavier}, {@code std:0.01} or a bare number (a std).
     *
     * @throws IllegalArgumentException when it is none of these
     */
    public static WeightInit parse(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        switch (v) {
            case "auto":
                return auto();
            case "he":
                return he();
            case "xavier":
                return xavier();
            default:
                break;
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
        throw new IllegalArgumentException("not auto, he, xavier or a positive std");
    }

    /** What {@code auto} means for {@code spec}: He unless every activation in it is a sigmoid. */
    public WeightInit resolve(NetworkSpec spec) {
        if (kind != Kind.AUTO) {
            return this;
        }
        boolean sigmoid = spec.layers().stream().anyMatch(l -> l instanceof Sigmoid.Spec);
        boolean relu = spec.layers().stream().anyMatch(l -> l instanceof Relu.Spec);
        return sigmoid && !relu ? xavier() : he();
    }

    /** The standard deviation for a weight with {@code fanIn} inputs. */
    public double stdFor(int fanIn) {
        return switch (kind) {
            case STD -> std;
            case HE -> Math.sqrt(2.0 / fanIn);
            case XAVIER -> Math.sqrt(1.0 / fanIn);
            case AUTO -> throw new IllegalStateException("resolve auto against a network first");
        };
    }

    /**
     * Fresh parameters for {@code spec}: weights drawn block by block, in array order, from {@code new Random(seed)}
     * (so a network without scales draws what it always drew), scales 1, the rest 0.
     */
    public double[] initialize(NetworkSpec spec, long seed) {
        WeightInit rule = resolve(spec);
        double[] params = new double[spec.parameterCount()];
        Random random = new Random(seed);
        for (ParameterBlock block : spec.parameterBlocks()) {
            if (block.role() == LayerSpec.Role.SCALE) {
                java.util.Arrays.fill(params, block.offset(), block.offset() + block.size(), 1.0);
            }
            if (block.role() != LayerSpec.Role.WEIGHT) {
                continue;
            }
            double s = rule.stdFor(block.fanIn());
            for (int i = 0; i < block.size(); i++) {
                params[block.offset() + i] = s * random.nextGaussian();
            }
        }
        return params;
    }

    @Override
    public String toString() {
        return kind == Kind.STD ? "std:" + std : kind.name().toLowerCase(Locale.ROOT);
    }
}
