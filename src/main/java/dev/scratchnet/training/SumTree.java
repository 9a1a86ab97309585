package dev.scratchnet.training;

import java.util.ArrayList;
import java.util.List;

/**
 * The sum of one {@link GradientSum} per partition over a fixed binary tree of partition indices: leaves are the
 * partitions in order, and each node adds its right child into its left, {@code ((p0 + p1) + (p2 + p3)) + …}.
 * Floating-point addition is not associative, so fixing where each addition happens fixes the bits of the result,
 * whatever order the partitions' results arrive in: a step is the same on every run, also when a task is retried,
 * and every engine that sums with this tree computes the same step.
 */
public final class SumTree {
    private SumTree() {}

    /** The tree's root over {@code byPartition} (partition order); the elements are consumed. */
    public static GradientSum sum(List<GradientSum> byPartition) {
        List<GradientSum> level = new ArrayList<>(byPartition);
        while (level.size() > 1) {
            List<GradientSum> next = new ArrayList<>((level.size() + 1) / 2);
            for (int i = 0; i < level.size(); i += 2) {
                next.add(i + 1 < level.size() ? level.get(i).add(level.get(i + 1)) : level.get(i));
            }
            level = next;
        }
        return level.isEmpty() ? GradientSum.empty() : level.get(0);
    }

    /** The evaluations of the partitions added in partition order. */
    public static Evaluation evaluations(List<Evaluation> byPartition) {
        Evaluation total = Evaluation.NONE;
        for (Evaluation e : byPartition) {
            total = total.plus(e);
        }
        return total;
    }
}
