package dev.scratchnet.partition;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.scratchnet.math.Matrix;
import dev.scratchnet.math.Precision;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ShareScratchTest {
    private static final int FEATURES = 7;

    private static ExampleBlock bytes(int count) {
        SplittableRandom random = new SplittableRandom(3);
        byte[] pixels = new byte[count * FEATURES];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) random.nextInt(256);
        }
        return ExampleBlock.ofBytes(0, count, FEATURES, pixels, ExampleBlock.PIXELS, new double[count], null);
    }

    private static ExampleBlock floats(int count) {
        SplittableRandom random = new SplittableRandom(4);
        float[] values = new float[count * FEATURES];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return ExampleBlock.ofFloats(0, count, FEATURES, values, 0.5, new double[count], null);
    }

    @Test
    void rowsInTheScratchArrayAreTheRowsOfANewOneStepAfterStepAsTheShareGrowsAndShrinks() {
        for (ExampleBlock block : new ExampleBlock[] {bytes(40), floats(40)}) {
            for (Precision precision : Precision.values()) {
                ShareScratch scratch = new ShareScratch();
                SplittableRandom random = new SplittableRandom(9);
                for (int size : new int[] {10, 3, 11, 25, 1, 25, 12}) {
                    int[] rows = new int[size];
                    for (int i = 0; i < size; i++) {
                        rows[i] = random.nextInt(40);
                    }
                    Matrix expected = block.rows(rows, precision);
                    Matrix reused = block.rows(rows, precision, scratch);
                    assertEquals(size, reused.rows());
                    assertEquals(FEATURES, reused.cols());
                    assertEquals(precision, reused.precision());
                    assertArrayEquals(expected.toDoubles(), reused.toDoubles(), block + " " + precision + " " + size);
                }
            }
        }
    }

    @Test
    void theArrayIsKeptWhileItHoldsTheRowsAndGrownByAnEighthWhenItDoesNot() {
        ShareScratch scratch = new ShareScratch();
        float[] first = scratch.floatRows(16, FEATURES);
        assertEquals(18 * FEATURES, first.length); // 16 rows and an eighth
        assertSame(first, scratch.floatRows(18, FEATURES));
        assertSame(first, scratch.floatRows(1, FEATURES));
        float[] grown = scratch.floatRows(19, FEATURES);
        assertNotSame(first, grown);
        assertEquals(21 * FEATURES, grown.length);
        assertNotSame(grown, scratch.floatRows(5, FEATURES + 1)); // another width: a whole number of its rows
        assertEquals(2 * FEATURES, scratch.doubleRows(1, FEATURES).length);
    }
}
