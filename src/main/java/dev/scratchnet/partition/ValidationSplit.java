package dev.scratchnet.partition;

import java.io.Serializable;

/**
 * Which training positions are held out for validation: position {@code p} is, when a hash of
 * {@code (seed, p)} falls below {@code fraction}. A function of the global position alone, so the split does
 * not depend on how the data is partitioned, every executor can tell its own rows apart without being sent
 * a list, and the same seed always holds out the same examples. The validation set's size is
 * {@code fraction · n} up to sampling noise (a binomial count), as with Spark's {@code randomSplit}.
 *
 * @param fraction in [0, 1); 0 means no validation split
 * @param seed     the run's seed (the split mixes in its own constant, so it is independent of the minibatch order)
 */
public record ValidationSplit(double fraction, long seed) implements Serializable {
    /** No validation split: every position trains. */
    public static final ValidationSplit NONE = new ValidationSplit(0, 0);

    public ValidationSplit {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in [0, 1), got " + fraction);
        }
    }

    /** Whether the example at global position {@code position} is held out for validation. */
    public boolean isValidation(long position) {
        if (fraction == 0) {
            return false;
        }
        long h = mix(seed ^ 0x5DEECE66DL) + position * 0x9E3779B97F4A7C15L;
        return (mix(h) >>> 11) * 0x1.0p-53 < fraction;
    }

    /** The positions of {@code 0 .. n-1} that train (not held out), ascending. */
    public int[] trainPositions(int n) {
        int[] all = new int[n];
        int k = 0;
        for (int p = 0; p < n; p++) {
            if (!isValidation(p)) {
                all[k++] = p;
            }
        }
        return k == n ? all : java.util.Arrays.copyOf(all, k);
    }

    /** Stafford's variant 13 of the SplitMix64 finalizer: every input bit affects every output bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
