package dev.scratchnet.partition;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.scratchnet.math.Lanes;
import dev.scratchnet.math.Matrix;
import dev.scratchnet.math.Precision;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A sum of partitions' gradients not yet added ({@link GradientSum#ofLeaves}) is, when added, and as the update reads
 * it scaled, the bits of the {@link SumTree} over the same partitions' sums widened to double one by one (what the
 * shares handed the driver before): 1 to 9 partitions, some without examples, single and double precision, lengths
 * around a vector's and a chunk's.
 */
class GradientSumLeavesTest {
    private static Matrix leaf(Precision precision, int n, long seed) {
        Random r = new Random(seed);
        Matrix m = Matrix.zeros(precision, 1, n);
        for (int i = 0; i < n; i++) {
            m.set(i, i % 11 == 5 ? -0.0 : r.nextGaussian() * Math.pow(10, r.nextInt(13) - 6));
        }
        return m;
    }

    @Test
    void addedLaterIsTheSumTreeOfTheWidenedSums() {
        Random pick = new Random(7);
        for (Precision precision : Precision.values()) {
            for (int parts = 1; parts <= 9; parts++) {
                for (int n : new int[] {1, 9, 513, 1030}) {
                    for (int trial = 0; trial < 4; trial++) {
                        Matrix[] leaves = new Matrix[parts];
                        SumTree.Nodes tree = SumTree.Nodes.over(parts);
                        long count = 0;
                        for (int p = 0; p < parts; p++) {
                            boolean empty = parts > 1 && pick.nextInt(4) == 0 && p != trial % parts;
                            leaves[p] = empty ? null : leaf(precision, n, 100L * parts + 10 * p + trial);
                            tree.add(p, empty ? GradientSum.empty() : GradientSum.of(leaves[p].toDoubles(), 1, 2, 2));
                            count += empty ? 0 : 2;
                        }
                        GradientSum expected = tree.root();
                        String what = precision + ", " + parts + " partitions, " + n + " values, trial " + trial;
                        double scale = 1.0 / 3;
                        double[] params = leaf(Precision.DOUBLE, n, 99).toDoubles();
                        double[] mean = new double[n];
                        double[] meanExpected = new double[n];
                        Lanes.meanWithDecay(leaves, scale, params, 1e-3, mean, 0, n);
                        Lanes.meanWithDecay(expected.grad(), scale, params, 1e-3, meanExpected, 0, n);
                        assertArrayEquals(meanExpected, mean, 0.0, what + ": the mean as the update reads it");
                        GradientSum lazy = GradientSum.ofLeaves(leaves, 0, count, count);
                        assertEquals(leaves.length, lazy.leaves().length);
                        assertArrayEquals(expected.grad(), lazy.grad(), 0.0, what);
                        assertNull(lazy.leaves(), "added once, then the array");
                    }
                }
            }
        }
    }

    @Test
    void aShareHandsInItsGradientUnwidenedAndTheSumsAddAsBefore() {
        Matrix a = leaf(Precision.SINGLE, 300, 1);
        Matrix b = leaf(Precision.SINGLE, 300, 2);
        GradientSum viaLeaves = GradientSum.ofLeaves(new Matrix[] {a}, 1.5, 3, 3)
                .add(GradientSum.ofLeaves(new Matrix[] {b}, 2.5, 4, 4));
        GradientSum direct = GradientSum.of(a.toDoubles(), 1.5, 3).add(GradientSum.of(b.toDoubles(), 2.5, 4));
        assertArrayEquals(direct.grad(), viaLeaves.grad(), 0.0);
        assertEquals(4.0, viaLeaves.lossSum());
        assertEquals(7, viaLeaves.count());
        GradientSum scalars = GradientSum.ofLeaves(new Matrix[] {a}, 1.5, 3, 3).scalars();
        assertNull(scalars.grad());
        assertEquals(3, GradientSum.empty().add(scalars).count());
    }
}
