package dev.scratchnet.layers;

/**
 * Where a batch-normalization layer gets sums over the <em>whole</em> minibatch when it sees only its share of it:
 * given this share's sums, the sums over every share. Every share calls it the same number of times in the same
 * order (the layers' forward passes, then their backward passes), so call {@code k} of one share meets call
 * {@code k} of every other. {@link #LOCAL} is the whole minibatch in one piece.
 */
@FunctionalInterface
public interface BatchSums {
    /** The whole minibatch is this share: its sums are the totals. */
    BatchSums LOCAL = partial -> partial;

    /** The totals over every share of the minibatch of {@code partial} (this share's sums, not modified). */
    double[] total(double[] partial);
}
