package dev.scratchnet.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.math.Matrix;
import dev.scratchnet.partition.GradientSum;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What an epoch run's tasks exchange each step comes back exactly, and a single-precision sum as floats. */
class GradientSumCodecTest {
    @Test
    void sumsComeBackBitForBitAndFloatsTakeHalfTheBytes() {
        Random random = new Random(9);
        double[] floats = new double[4000];
        for (int i = 0; i < floats.length; i++) {
            floats[i] = (float) random.nextGaussian();
        }
        double[] doubles = floats.clone();
        doubles[3] = Math.PI;
        for (double[] g : new double[][] {floats, doubles}) {
            GradientSum back = GradientSumCodec.decode(GradientSumCodec.encode(GradientSum.of(g.clone(), 2.5, 7, 6.5)));
            assertArrayEquals(g, back.grad(), 0.0);
            assertEquals(2.5, back.lossSum());
            assertEquals(7, back.count());
            assertEquals(6.5, back.weightSum());
        }
        int f = GradientSumCodec.encode(GradientSum.of(floats, 0, 1)).length;
        int d = GradientSumCodec.encode(GradientSum.of(doubles, 0, 1)).length;
        assertTrue(f < 0.55 * d, f + " bytes as floats, " + d + " as doubles");
        GradientSum empty = GradientSumCodec.decode(GradientSumCodec.encode(GradientSum.empty()));
        assertNull(empty.grad());
        assertEquals(0, empty.count());
    }

    /**
     * A task's sum of one single-precision partition is written from its float gradient (a view into a larger
     * matrix here) without widening it: the same bytes as the widened array, and the same values back; a sum of a
     * double-precision partition, or of two partitions, goes through the array.
     */
    @Test
    void aPartitionsFloatGradientIsWrittenAsTheWidenedArrayWouldBe() {
        Random random = new Random(11);
        float[] storage = new float[3 + 2 * 1500];
        for (int i = 0; i < storage.length; i++) {
            storage[i] = (float) random.nextGaussian();
        }
        Matrix leaf = Matrix.of(1, storage.length, storage).view(3, 2, 1500);
        double[] widened = new double[leaf.size()];
        for (int i = 0; i < widened.length; i++) {
            widened[i] = leaf.get(i);
        }
        byte[] fromLeaf = GradientSumCodec.encode(GradientSum.ofLeaves(new Matrix[] {leaf}, 1.5, 4, 4));
        assertArrayEquals(GradientSumCodec.encode(GradientSum.of(widened.clone(), 1.5, 4, 4)), fromLeaf);
        assertEquals(GradientSumCodec.HEADER + 4 * widened.length, fromLeaf.length);
        assertArrayEquals(widened, GradientSumCodec.decode(fromLeaf).grad(), 0.0);

        Matrix doubleLeaf = Matrix.of(2, 1500, widened.clone());
        doubleLeaf.set(7, Math.E);
        double[] expected = widened.clone();
        expected[7] = Math.E;
        assertArrayEquals(expected, GradientSumCodec.decode(GradientSumCodec.encode(
                GradientSum.ofLeaves(new Matrix[] {doubleLeaf}, 0, 1, 1))).grad(), 0.0);
        GradientSum two = GradientSum.ofLeaves(new Matrix[] {leaf, leaf}, 0, 2, 2);
        double[] twice = GradientSum.ofLeaves(new Matrix[] {leaf, leaf}, 0, 2, 2).grad();
        assertArrayEquals(twice, GradientSumCodec.decode(GradientSumCodec.encode(two)).grad(), 0.0);
    }
}
