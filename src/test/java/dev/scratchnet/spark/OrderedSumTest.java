package dev.scratchnet.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scratchnet.testing.SparkTestContext;
import dev.scratchnet.training.GradientSum;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/**
 * The partitions' gradient sums are added in a fixed order at every depth, so a step gives the same bits on every
 * run, whatever order tasks finish in (Spark's treeAggregate differs in the last bits when three or more partial
 * sums meet); depth 1 is exactly the sequential sum in partition order.
 */
class OrderedSumTest {
    @Test
    void everyDepthGivesTheSequentialSumBitForBit() {
        int parts = 7;
        Random random = new Random(1);
        List<double[]> arrays = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            double[] a = new double[50];
            for (int i = 0; i < a.length; i++) {
                a[i] = random.nextGaussian() * Math.pow(10, random.nextInt(12) - 6);
            }
            arrays.add(a);
        }
        GradientSum sequential = GradientSum.empty();
        for (double[] a : arrays) {
            sequential = sequential.add(GradientSum.of(a.clone(), 1.0, 1));
        }
        try (JavaSparkContext sc = SparkTestContext.start()) {
            JavaRDD<double[]> rdd = sc.parallelize(arrays, parts);
            for (int depth = 1; depth <= 4; depth++) {
                double[] first = null;
                for (int run = 0; run < 3; run++) {
                    GradientSum got = OrderedSum.of(rdd.map(a -> GradientSum.of(a.clone(), 1.0, 1)), depth);
                    assertEquals(parts, got.count());
                    if (first == null) {
                        first = got.grad();
                    }
                    assertArrayEquals(first, got.grad(), 0.0, "depth " + depth + ": the same bits on every run");
                    for (int i = 0; i < first.length; i++) {
                        assertEquals(sequential.grad()[i], got.grad()[i], 1e-12 * Math.abs(sequential.grad()[i]),
                                "depth " + depth + " sums what the sequential sum sums");
                    }
                }
                if (depth == 1) {
                    assertArrayEquals(sequential.grad(), first, 0.0, "depth 1 is the sequential sum");
                }
            }
        }
    }
}
