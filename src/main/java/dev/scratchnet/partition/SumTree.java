package dev.scratchnet.partition;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The sum of one {@link GradientSum} per partition over a fixed binary tree of partition indices: leaves are the
 * partitions in order, and each node adds its right child into its left, {@code ((p0 + p1) + (p2 + p3)) + …}; at a
 * level of odd size the last node moves up unchanged. Floating-point addition is not associative, so fixing where
 * each addition happens fixes the bits of the result, whatever order the partitions' results arrive in: a step is the
 * same on every run, also when a task is retried, and every engine that sums with this tree computes the same step.
 *
 * <p>{@link Nodes} is the same sum as an aggregate value that can be combined in any order (Spark's
 * {@code treeAggregate} combines task results as they finish): a set of nodes of the tree, where two nodes are added
 * only when they are siblings. {@link InOrder} does the same for sums that are added in partition order (the
 * evaluations' counts).
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

    /**
     * Some nodes of the tree over {@code leaves} partitions, none of them inside another: the aggregate value of a
     * sum that arrives in pieces, in any order. Adding a node whose sibling is there adds the two (the right into the
     * left, as {@link #sum} does) and goes on upward; the root, once every leaf is in, is {@link #sum}'s result, bit
     * for bit. An instance is modified in place by {@link #add} and {@link #addAll}, and takes over the sums given to
     * it.
     */
    public static final class Nodes implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int leaves;
        /** Node {@code (level, index)} under the key {@code level << 32 | index}. */
        private final TreeMap<Long, GradientSum> nodes = new TreeMap<>();
        /** The leaves under the nodes held. */
        private final java.util.BitSet added = new java.util.BitSet();

        private Nodes(int leaves) {
            if (leaves < 1) {
                throw new IllegalArgumentException("a tree needs at least one leaf, got " + leaves);
            }
            this.leaves = leaves;
        }

        /** No node yet, of the tree over {@code leaves} partitions. */
        public static Nodes over(int leaves) {
            return new Nodes(leaves);
        }

        /** Adds partition {@code partition}'s sum (a leaf) and returns this. */
        public Nodes add(int partition, GradientSum sum) {
            if (partition < 0 || partition >= leaves) {
                throw new IllegalArgumentException("partition " + partition + " outside 0.." + (leaves - 1));
            }
            if (added.get(partition)) {
                throw new IllegalStateException("partition " + partition + " added twice");
            }
            added.set(partition);
            put(0, partition, sum);
            return this;
        }

        /** Adds every node of {@code other} (same tree; {@code other} must not be used afterwards) and returns this. */
        public Nodes addAll(Nodes other) {
            if (other.leaves != leaves) {
                throw new IllegalArgumentException("trees over " + leaves + " and " + other.leaves + " leaves");
            }
            if (added.intersects(other.added)) {
                throw new IllegalStateException("a partition added twice");
            }
            added.or(other.added);
            for (var e : other.nodes.entrySet()) {
                put((int) (e.getKey() >>> 32), (int) (long) e.getKey(), e.getValue());
            }
            other.nodes.clear();
            other.added.clear();
            return this;
        }

        private void put(int level, int index, GradientSum sum) {
            while (true) {
                int size = levelSize(level);
                if (size == 1) {
                    putNew(level, index, sum);
                    return;
                }
                int sibling = index ^ 1;
                if (sibling < size) {
                    GradientSum other = nodes.remove(key(level, sibling));
                    if (other == null) {
                        putNew(level, index, sum);
                        return;
                    }
                    sum = index < sibling ? sum.add(other) : other.add(sum);
                }
                level++;
                index >>= 1;
            }
        }

        private void putNew(int level, int index, GradientSum sum) {
            if (nodes.putIfAbsent(key(level, index), sum) != null) {
                throw new IllegalStateException("node " + index + " of level " + level + " added twice");
            }
        }

        /** Nodes at level {@code level}: the leaves at 0, then half of the level below, rounded up. */
        private int levelSize(int level) {
            int size = leaves;
            for (int l = 0; l < level; l++) {
                size = (size + 1) / 2;
            }
            return size;
        }

        private static long key(int level, int index) {
            return (long) level << 32 | index;
        }

        /** Whether every leaf has been added: the tree is its root. */
        public boolean isComplete() {
            return nodes.size() == 1 && levelSize((int) (nodes.firstKey() >>> 32)) == 1;
        }

        /** The root: {@link #sum} of every partition's sum, in the tree's order. */
        public GradientSum root() {
            if (!isComplete()) {
                throw new IllegalStateException("the sum tree over " + leaves + " partitions holds " + nodes.size()
                        + " separate nodes: some partition's sum is missing");
            }
            return nodes.firstEntry().getValue();
        }
    }

    /**
     * Evaluations arriving in any order and added in partition order, {@code ((e0 + e1) + e2) + …}, as
     * {@link #evaluations} adds them: the sum of the partitions {@code 0 .. k-1} received so far in a row, and the
     * others, waiting for their turn. Modified in place by {@link #add} and {@link #addAll}.
     */
    public static final class InOrder implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int parts;
        private int next;
        private Evaluation prefix = Evaluation.NONE;
        private final TreeMap<Integer, Evaluation> waiting = new TreeMap<>();

        private InOrder(int parts) {
            this.parts = parts;
        }

        /** Nothing yet, of {@code parts} partitions. */
        public static InOrder over(int parts) {
            return new InOrder(parts);
        }

        /** Adds partition {@code partition}'s evaluation and returns this. */
        public InOrder add(int partition, Evaluation e) {
            if (partition < next || partition >= parts || waiting.putIfAbsent(partition, e) != null) {
                throw new IllegalArgumentException("partition " + partition + " of " + parts + " added twice or unknown");
            }
            while (!waiting.isEmpty() && waiting.firstKey() == next) {
                prefix = prefix.plus(waiting.pollFirstEntry().getValue());
                next++;
            }
            return this;
        }

        /** Adds every evaluation {@code other} holds (same partitions) and returns this. */
        public InOrder addAll(InOrder other) {
            if (other.parts != parts) {
                throw new IllegalArgumentException(parts + " and " + other.parts + " partitions");
            }
            if (other.next > 0) {
                if (next > 0) {
                    throw new IllegalStateException("both hold partition 0");
                }
                InOrder merged = new InOrder(parts);
                merged.next = other.next;
                merged.prefix = other.prefix;
                merged.waiting.putAll(other.waiting);
                for (var e : waiting.entrySet()) {
                    merged.add(e.getKey(), e.getValue());
                }
                next = merged.next;
                prefix = merged.prefix;
                waiting.clear();
                waiting.putAll(merged.waiting);
                return this;
            }
            for (var e : other.waiting.entrySet()) {
                add(e.getKey(), e.getValue());
            }
            return this;
        }

        /** The sum over every partition, in partition order. */
        public Evaluation total() {
            if (next != parts) {
                throw new IllegalStateException("evaluations of " + (parts - next) + " of " + parts
                        + " partitions are missing");
            }
            return prefix;
        }
    }
}
