package dev.scratchnet.training;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * The global minibatch order: epoch {@code e} is a permutation of the training positions drawn from
 * {@code (seed, e)} alone, and step {@code s} of that epoch takes its entries {@code [s·b, (s+1)·b)}.
 * So the examples of step {@code (e, s)} never depend on how the data is partitioned. The last
 * {@code n mod b} examples of each permutation are left out of that epoch (a different few every epoch).
 */
public final class MinibatchSchedule implements Serializable {
    private static final long serialVersionUID = 2L;
    private final int[] positions;
    private final int n;
    private final int batchSize;
    private final long seed;
    private transient int cachedEpoch = -1;
    private transient int[] cachedPermutation;

    /** Over positions {@code 0 .. n-1}. */
    public MinibatchSchedule(int n, int batchSize, long seed) {
        this(null, n, batchSize, seed);
    }

    /** Over the given training positions (e.g. those a validation split leaves); ascending, not copied. */
    public MinibatchSchedule(int[] positions, int batchSize, long seed) {
        this(positions, positions.length, batchSize, seed);
    }

    private MinibatchSchedule(int[] positions, int n, int batchSize, long seed) {
        if (n < 1 || batchSize < 1 || batchSize > n) {
            throw new IllegalArgumentException("batch size " + batchSize + " for " + n + " examples");
        }
        this.positions = positions;
        this.n = n;
        this.batchSize = batchSize;
        this.seed = seed;
    }

    /** {@code floor(n / batchSize)}: the synchronous steps in one epoch. */
    public int stepsPerEpoch() {
        return n / batchSize;
    }

    /** The global positions of step {@code step} (0-based) of epoch {@code epoch} (0-based), in order. */
    public int[] batch(int epoch, int step) {
        if (step < 0 || step >= stepsPerEpoch()) {
            throw new IllegalArgumentException("step " + step + " outside 0.." + (stepsPerEpoch() - 1));
        }
        int[] permutation = permutation(epoch);
        int[] batch = new int[batchSize];
        for (int i = 0; i < batchSize; i++) {
            int k = permutation[step * batchSize + i];
            batch[i] = positions == null ? k : positions[k];
        }
        return batch;
    }

    /** The permutation of {@code 0 .. n-1} for epoch {@code epoch}: Fisher–Yates from a generator seeded by (seed, epoch). */
    public synchronized int[] permutation(int epoch) {
        if (cachedPermutation == null || epoch != cachedEpoch) { // transient fields are unset after deserialization
            int[] p = new int[n];
            for (int i = 0; i < n; i++) {
                p[i] = i;
            }
            SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = p[i];
                p[i] = p[j];
                p[j] = t;
            }
            cachedPermutation = p;
            cachedEpoch = epoch;
        }
        return cachedPermutation;
    }
}
