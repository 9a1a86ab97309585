package dev.scratchnet.network;

/**
 * What a forward pass needs besides its inputs: whether it trains (dropout drops, batch statistics are used) and,
 * for the masks of a training pass, the run's seed, the global step and each row's global example position.
 *
 * @param positions one per row of the batch; null in inference
 */
public record Pass(boolean training, long seed, long step, long[] positions) {
    /** Inference: nothing is dropped. */
    public static final Pass INFERENCE = new Pass(false, 0, 0, null);

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
}
