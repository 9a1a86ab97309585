package dev.scratchnet.partition;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The tree's nodes, combined in any order and any grouping (as Spark's treeAggregate combines task results), give
 * the root {@link SumTree#sum} gives in partition order, bit for bit; evaluations likewise add in partition order.
 */
class SumTreeTest {
    /** Partition {@code p}'s sum: values of very different magnitudes, so that the order of additions shows. */
    private static GradientSum partition(int p, int n) {
        Random r = new Random(31L * p + n);
        double[] g = new double[7];
        for (int i = 0; i < g.length; i++) {
            g[i] = (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(17) - 8);
        }
        return p % 5 == 3 ? GradientSum.empty() : GradientSum.of(g, r.nextDouble() * 1e3, 1 + r.nextInt(9));
    }

    private static List<GradientSum> partitions(int n) {
        List<GradientSum> sums = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            sums.add(partition(p, n));
        }
        return sums;
    }

    @Test
    void anyArrivalOrderAndGroupingGivesTheRootOfThePartitionOrderTree() {
        Random random = new Random(5);
        for (int n : new int[] {1, 2, 3, 5, 8, 13, 32, 33}) {
            GradientSum expected = SumTree.sum(partitions(n));
            for (int trial = 0; trial < 40; trial++) {
                List<Integer> order = new ArrayList<>();
                for (int p = 0; p < n; p++) {
                    order.add(p);
                }
                Collections.shuffle(order, random);
                // Leaves into a few groups (tasks of an intermediate level), then the groups into one, in a random order.
                int groups = 1 + random.nextInt(Math.min(n, 4));
                List<SumTree.Nodes> partial = new ArrayList<>();
                for (int k = 0; k < groups; k++) {
                    partial.add(SumTree.Nodes.over(n));
                }
                List<GradientSum> sums = partitions(n);
                for (int p : order) {
                    partial.get(random.nextInt(groups)).add(p, sums.get(p));
                }
                Collections.shuffle(partial, random);
                SumTree.Nodes total = SumTree.Nodes.over(n);
                for (SumTree.Nodes nodes : partial) {
                    total.addAll(nodes);
                }
                assertTrue(total.isComplete());
                GradientSum root = total.root();
                assertEquals(expected.count(), root.count());
                assertEquals(Double.doubleToLongBits(expected.lossSum()), Double.doubleToLongBits(root.lossSum()));
                if (expected.grad() == null) {
                    assertEquals(null, root.grad());
                } else {
                    assertArrayEquals(expected.grad(), root.grad(), 0.0, n + " partitions, trial " + trial);
                }
            }
        }
    }

    @Test
    void aMissingOrRepeatedPartitionIsRefused() {
        SumTree.Nodes nodes = SumTree.Nodes.over(4).add(0, partition(0, 4)).add(1, partition(1, 4)).add(3, partition(3, 4));
        assertFalse(nodes.isComplete());
        assertThrows(IllegalStateException.class, nodes::root);
        assertThrows(IllegalStateException.class, () -> nodes.add(0, partition(0, 4)));
        assertThrows(IllegalArgumentException.class, () -> nodes.add(4, partition(4, 4)));
    }

    @Test
    void evaluationsAddInPartitionOrderWhateverTheArrivalOrder() {
        int n = 9;
        List<Evaluation> byPartition = new ArrayList<>();
        Random r = new Random(2);
        for (int p = 0; p < n; p++) {
            Evaluation.Scores s = new Evaluation.Scores(p, r.nextDouble() * 1e6, r.nextDouble(), r.nextDouble() * 1e-6);
            byPartition.add(new Evaluation(s, s, s));
        }
        Evaluation expected = SumTree.evaluations(byPartition);
        Random random = new Random(8);
        for (int trial = 0; trial < 30; trial++) {
            List<Integer> order = new ArrayList<>();
            for (int p = 0; p < n; p++) {
                order.add(p);
            }
            Collections.shuffle(order, random);
            List<SumTree.InOrder> groups = List.of(SumTree.InOrder.over(n), SumTree.InOrder.over(n), SumTree.InOrder.over(n));
            for (int p : order) {
                groups.get(random.nextInt(3)).add(p, byPartition.get(p));
            }
            List<SumTree.InOrder> shuffled = new ArrayList<>(groups);
            Collections.shuffle(shuffled, random);
            SumTree.InOrder total = SumTree.InOrder.over(n);
            for (SumTree.InOrder g : shuffled) {
                total.addAll(g);
            }
            assertEquals(expected, total.total(), "trial " + trial);
        }
        assertThrows(IllegalStateException.class, () -> SumTree.InOrder.over(2).add(1, byPartition.get(1)).total());
    }
}
