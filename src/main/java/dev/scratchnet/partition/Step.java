package dev.scratchnet.partition;

import dev.scratchnet.math.Precision;
import dev.scratchnet.network.NetworkSpec;
import java.io.Serializable;

/**
 * What every partition needs to compute its share of one synchronous step, shipped with its task: the network,
 * the precision, the seed and global step (for dropout masks), and the global positions of the step's minibatch.
 * The parameters travel separately (a broadcast), in the step's precision ({@link Parameters#forPrecision}).
 */
public record Step(NetworkSpec spec, Precision precision, long seed, long globalStep, int[] batch)
        implements Serializable {
}
