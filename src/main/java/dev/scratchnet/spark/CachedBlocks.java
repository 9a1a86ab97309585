package dev.scratchnet.spark;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.data.ImageSet;
import dev.scratchnet.data.Labels;
import dev.scratchnet.layers.Standardization;
import dev.scratchnet.partition.ExampleBlock;
import dev.scratchnet.registry.EngineSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * A data set cached on the executors as one {@link ExampleBlock} per partition, built there from wherever the
 * data lives, and what the driver knows of it: counts, the global position where each partition starts, the
 * number of features and the largest label. Never the rows.
 *
 * <p>Global positions follow (partition index, row in partition): partition {@code p} holds positions
 * {@code [starts[p], starts[p] + counts[p])}. They are computed from one statistics job over the freshly
 * cached blocks, so building the blocks and counting them read the source once.
 */
public final class CachedBlocks implements AutoCloseable {
    private final JavaRDD<ExampleBlock> rdd;
    private final int[] starts;
    private final int count;
    private final int features;
    private final int maxLabel;
    private final long bytes;
    private final long digest;
    private final long[] classCounts;
    private final Standardization labels;
    private final AutoCloseable release;
    private boolean closed;

    private CachedBlocks(JavaRDD<ExampleBlock> rdd, int[] starts, int count, int features, int maxLabel, long bytes,
                         long digest, long[] classCounts, Standardization labels, AutoCloseable release) {
        this.rdd = rdd;
        this.starts = starts;
        this.count = count;
        this.features = features;
        this.maxLabel = maxLabel;
        this.bytes = bytes;
        this.digest = digest;
        this.classCounts = classCounts;
        this.labels = labels;
        this.release = release;
    }

    /**
     * Persists {@code blocks} (one block per partition, each knowing its partition index), fills the cache with
     * one job that also returns each block's statistics, and checks that the blocks agree on the number of
     * features. {@code release} is closed with this (e.g. a broadcast the blocks were cut from); on failure,
     * everything is released before the exception leaves.
     *
     * @param what names the data in errors, e.g. a path
     */
    static CachedBlocks cache(JavaRDD<ExampleBlock> blocks, String name, String what, AutoCloseable release) {
        JavaRDD<ExampleBlock> cached = blocks.setName(name).persist(StorageLevel.MEMORY_ONLY());
        try {
            List<scala.Tuple3<long[], long[], double[]>> all = cached.map(b -> new scala.Tuple3<>(new long[] {
                    b.partition(), b.count(), b.features(), (long) Math.floor(Math.min(b.maxLabel(), Labels.MAX_CLASSES)),
                    b.bytes(), b.digest()}, b.labelCounts(), b.labelMoments())).collect();
            List<long[]> stats = new ArrayList<>();
            long[] classCounts = new long[0];
            double[] moments = new double[3];
            for (scala.Tuple3<long[], long[], double[]> t : all) {
                stats.add(t._1());
                classCounts = Labels.add(classCounts, t._2());
                for (int k = 0; k < 3; k++) {
                    moments[k] += t._3()[k];
                }
            }
            int parts = stats.size();
            int[] starts = new int[parts];
            long n = 0;
            int features = -1;
            int maxLabel = -1;
            long bytes = 0;
            long digest = 0;
            for (int p = 0; p < parts; p++) {
                long[] s = stats.get(p);
                if (s[0] != p) {
                    throw new IllegalStateException("block of partition " + s[0] + " found in partition " + p);
                }
                starts[p] = (int) n;
                n += s[1];
                if (s[1] > 0) {
                    if (features >= 0 && s[2] != features) {
                        throw new ScratchnetException(what + ": rows of partition " + p + " have " + s[2]
                                + " features, rows of earlier partitions " + features);
                    }
                    features = (int) s[2];
                }
                maxLabel = (int) Math.max(maxLabel, s[3]);
                bytes += s[4];
                digest = ExampleBlock.combine(digest, s[5], s[1]);
            }
            if (n > Integer.MAX_VALUE - 8) {
                throw new ScratchnetException(what + ": " + n + " examples, more than 2^31 positions");
            }
            if (n == 0) {
                throw new ScratchnetException(what + ": no examples (the data is empty)");
            }
            return new CachedBlocks(cached, starts, (int) n, features, maxLabel, bytes, digest, classCounts,
                    Standardization.of((long) moments[0], moments[1], moments[2]), release);
        } catch (Throwable e) { // SparkException too: checked in Java, thrown undeclared by Scala
            cached.unpersist(false);
            closeQuietly(release, e);
            throw e;
        }
    }

    /**
     * Refuses more partitions than examples ({@code parts} 0 is the input's own partitioning): at most one
     * partition an example, checked before anything is cut.
     */
    static void checkPartitions(int parts, long examples, String what) {
        if (parts > examples) {
            throw new ScratchnetException(EngineSettings.PARTITIONS.key() + ": " + parts + " partitions for the "
                    + examples + " training examples of " + what + ": at most one partition an example (fewer, about "
                    + "one per executor core, is faster)");
        }
    }

    /** {@code data} (in the driver's memory) broadcast once and cut into {@code parts} contiguous blocks. */
    public static CachedBlocks of(JavaSparkContext sc, ImageSet data, int parts, String name) {
        Broadcast<byte[][]> broadcast = sc.broadcast(new byte[][] {data.pixels(), data.labels()});
        int features = data.features();
        List<int[]> ranges = ExampleBlock.ranges(data.size(), parts);
        JavaRDD<ExampleBlock> blocks = sc.parallelize(ranges, parts).mapPartitionsWithIndex((p, it) -> {
            int[] range = it.next();
            byte[] pixels = Arrays.copyOfRange(broadcast.value()[0], range[0] * features, range[1] * features);
            double[] labels = new double[range[1] - range[0]];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = broadcast.value()[1][range[0] + i] & 0xFF;
            }
            return List.of(ExampleBlock.ofBytes(p, labels.length, features, pixels, ExampleBlock.PIXELS, labels, null))
                    .iterator();
        }, true);
        return cache(blocks, name, name, () -> broadcast.destroy());
    }

    /** The cached blocks. */
    public JavaRDD<ExampleBlock> rdd() {
        return rdd;
    }

    /** Global start position of each partition's first example. */
    public int[] starts() {
        return starts.clone();
    }

    public int partitions() {
        return starts.length;
    }

    /** Examples in all partitions. */
    public int count() {
        return count;
    }

    /** Values per example. */
    public int features() {
        return features;
    }

    /** The largest label (so labels are in {@code 0 .. maxLabel}). */
    public int maxLabel() {
        return maxLabel;
    }

    /** The mean and standard deviation of the labels: what a regression on these blocks standardizes its targets by. */
    public Standardization labelStandardization() {
        return labels;
    }

    /** How many examples each class has: {@code classCounts()[k]} for labels {@code 0 … maxLabel()}. */
    public long[] classCounts() {
        return classCounts.clone();
    }

    /** {@link ExampleBlock#digest} of all examples in global order, whatever the partitioning. */
    public long digest() {
        return digest;
    }

    /** Bytes held by the cached blocks' arrays. */
    public long bytes() {
        return bytes;
    }

    /**
     * The same examples, in the same global order, cut into {@code parts} contiguous partitions: each block sends
     * the slices that belong elsewhere through one shuffle of compact blocks (not rows), each new partition
     * concatenates its slices in position order. This one is released. Returns this when the count is the same.
     */
    public CachedBlocks repartition(int parts, String name, String what) {
        if (parts == partitions()) {
            return this;
        }
        List<int[]> ranges = ExampleBlock.ranges(count, parts);
        int[] bounds = new int[parts];
        for (int q = 0; q < parts; q++) {
            bounds[q] = ranges.get(q)[0];
        }
        int[] oldStarts = starts;
        int total = count;
        int f = features;
        JavaPairRDD<Integer, ExampleBlock> pieces = rdd.flatMapToPair(block -> {
            List<Tuple2<Integer, ExampleBlock>> out = new ArrayList<>();
            int start = oldStarts[block.partition()];
            int end = start + block.count();
            for (int q = 0; q < bounds.length; q++) {
                int from = Math.max(start, bounds[q]);
                int to = Math.min(end, q + 1 < bounds.length ? bounds[q + 1] : total);
                if (from < to) {
                    out.add(new Tuple2<>(from, block.slice(from - start, to - start, q)));
                }
            }
            return out.iterator();
        });
        JavaRDD<ExampleBlock> blocks = pieces.partitionBy(new RangeOwner(bounds)).mapPartitionsWithIndex((q, it) -> {
            List<Tuple2<Integer, ExampleBlock>> mine = new ArrayList<>();
            it.forEachRemaining(mine::add);
            mine.sort(Comparator.comparingInt(Tuple2::_1));
            List<ExampleBlock> parts2 = new ArrayList<>();
            for (Tuple2<Integer, ExampleBlock> t : mine) {
                parts2.add(t._2());
            }
            return List.of(ExampleBlock.concat(q, f, parts2)).iterator();
        }, true);
        try {
            return cache(blocks, name, what, this); // releases this too when it fails
        } finally {
            // The new blocks are cached (or the attempt failed): the old ones are no longer needed.
            rdd.unpersist(false);
        }
    }

    /** Partition {@code q} owns the positions from {@code bounds[q]} to the next bound. */
    private static final class RangeOwner extends Partitioner {
        private final int[] bounds;

        RangeOwner(int[] bounds) {
            this.bounds = bounds;
        }

        @Override
        public int numPartitions() {
            return bounds.length;
        }

        @Override
        public int getPartition(Object key) {
            int position = (Integer) key;
            int i = Arrays.binarySearch(bounds, position);
            if (i >= 0) {
                while (i + 1 < bounds.length && bounds[i + 1] == position) {
                    i++; // empty partitions share a bound: the last of them owns it
                }
                return i;
            }
            return -i - 2;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RangeOwner r && Arrays.equals(r.bounds, bounds);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bounds);
        }
    }

    /** Unpersists the blocks and releases what they were built from (once; later calls do nothing). */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            rdd.unpersist(false);
            closeQuietly(release, null);
        }
    }

    /** Closes {@code train} and then {@code test} (which may be null), the second even when the first fails. */
    static void closeBoth(CachedBlocks train, CachedBlocks test) {
        try {
            train.close();
        } finally {
            if (test != null) {
                test.close();
            }
        }
    }

    private static void closeQuietly(AutoCloseable c, Throwable primary) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            if (primary != null) {
                primary.addSuppressed(e);
            } else {
                throw new IllegalStateException("cannot release cached data", e);
            }
        }
    }
}
