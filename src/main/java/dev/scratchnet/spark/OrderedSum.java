package dev.scratchnet.spark;

import dev.scratchnet.training.GradientSum;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * The sum of one {@link GradientSum} per partition, always added in partition order, so that a step's result is
 * the same bits on every run (a retried task, a resumed run) — floating-point addition is not associative, and
 * Spark's {@code treeAggregate} and {@code fold} add partial results in the order tasks happen to finish.
 *
 * <p>Depth 1 brings every partition's sum to the driver and adds them there, in order. A greater depth first adds
 * groups of consecutive partitions on the executors (each group in order, through one shuffle per level), so that
 * the driver receives fewer arrays when there are many partitions.
 */
final class OrderedSum {
    private OrderedSum() {}

    /** The in-order sum of {@code sums} (one element per partition) over a tree of {@code depth} levels. */
    static GradientSum of(JavaRDD<GradientSum> sums, int depth) {
        int parts = sums.getNumPartitions();
        int fanIn = Math.max(2, (int) Math.ceil(Math.pow(parts, 1.0 / depth)));
        JavaPairRDD<Integer, GradientSum> level = sums.mapPartitionsWithIndex((i, it) -> {
            List<Tuple2<Integer, GradientSum>> out = new ArrayList<>();
            it.forEachRemaining(g -> out.add(new Tuple2<>(i, g)));
            return out.iterator();
        }, true).mapToPair(t -> t);
        int width = parts;
        for (int d = 1; d < depth && width > fanIn; d++) {
            int groups = (width + fanIn - 1) / fanIn;
            int f = fanIn;
            level = level.mapToPair(t -> new Tuple2<>(t._1() / f, t))
                    .groupByKey(new HashPartitioner(groups))
                    .mapValues(members -> {
                        List<Tuple2<Integer, GradientSum>> ordered = new ArrayList<>();
                        members.forEach(ordered::add);
                        ordered.sort(Comparator.comparingInt(Tuple2::_1));
                        GradientSum total = GradientSum.empty();
                        for (Tuple2<Integer, GradientSum> m : ordered) {
                            total = total.add(m._2());
                        }
                        return total;
                    });
            width = groups;
        }
        List<Tuple2<Integer, GradientSum>> last = new ArrayList<>(level.collect());
        last.sort(Comparator.comparingInt(Tuple2::_1));
        GradientSum total = GradientSum.empty();
        for (Tuple2<Integer, GradientSum> t : last) {
            total = total.add(t._2());
        }
        return total;
    }
}
