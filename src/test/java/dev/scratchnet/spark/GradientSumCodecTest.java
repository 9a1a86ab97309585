package dev.scratchnet.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
