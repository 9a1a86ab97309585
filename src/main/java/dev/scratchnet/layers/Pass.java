package dev.scratchnet.layers;

/**
 * What a forward pass needs besides its inputs: whether it trains (dropout drops, batch statistics are used) and,
 * for the masks of a training pass, the run's seed, the global step and each row's global example position; for
 * batch normalization, how this pass's rows reach the sums over the whole minibatch and its size.
 *
 * @param positions one per row of the batch; null in inference
 * @param batchSums the totals over the whole minibatch of this share's sums ({@link BatchSums#LOCAL}: the rows are
 *     the whole minibatch)
 * @param batchCount the whole minibatch's size; 0: the rows of the pass
 */
public record Pass(boolean training, long seed, long step, long[] positions, BatchSums batchSums, int batchCount) {
    /** Inference: nothing is dropped, batch normalization uses the running statistics. */
    public static final Pass INFERENCE = new Pass(false, 0, 0, null);

    /** A pass whose rows are the whole minibatch. */
    public Pass(boolean training, long seed, long step, long[] positions) {
        this(training, seed, step, positions, BatchSums.LOCAL, 0);
    }

    /** A training pass of step {@code step} over the examples at {@code positions}. */
    public static Pass training(long seed, long step, long[] positions) {
        return new Pass(true, seed, step, positions);
    }

    /** A training pass over rows numbered {@code 0 … n−1} (gradient checks, tests). */
    public static Pass training(long seed, int rows) {
        long[] positions = new long[rows];
        for (int i = 0; i < rows; i++) {
            positions[i] = i;
        }
        return training(seed, 0, positions);
    }

    /** This pass on a share of a minibatch of {@code batchCount} examples, whose totals come from {@code batchSums}. */
    public Pass share(BatchSums batchSums, int batchCount) {
        return new Pass(training, seed, step, positions, batchSums, batchCount);
    }
}
