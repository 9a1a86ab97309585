package dev.scratchnet.math;

/**
 * Stateless pseudo-random numbers as a pure function of a key: Stafford's variant 13 of the SplitMix64 finalizer
 * (every input bit affects every output bit). What makes dropout masks and the validation split functions of
 * (seed, step, example position) alone, so that no partitioning and no retried task can change them.
 */
public final class SplitMix {
    private SplitMix() {}

    /** The finalizer: a bijection of 64-bit values that mixes every bit into every bit. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The key of {@code (a, b)}: {@code mix(a) + b·φ} mixed again (φ the golden-ratio increment of SplitMix64). */
    public static long key(long a, long b) {
        return mix(mix(a) + b * 0x9E3779B97F4A7C15L);
    }

    /** A uniform double in {@code [0, 1)} from a key. */
    public static double uniform(long key) {
        return (mix(key) >>> 11) * 0x1.0p-53;
    }
}
