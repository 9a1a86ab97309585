package dev.scratchnet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.ScratchnetException;
import org.junit.jupiter.api.Test;

class ImageSetTest {
    /** Three 2x2 images; pixel values chosen to hit 0, 255 and the signed-byte boundary. */
    private final ImageSet d = ImageSet.of(
            new byte[] {0, (byte) 255, (byte) 128, 1, 10, 20, 30, 40, 50, 60, 70, 80},
            new byte[] {7, 2, 9}, 2, 2, 10);

    @Test
    void shape() {
        assertEquals(3, d.size());
        assertEquals(4, d.features());
        assertEquals(2, d.rows());
        assertEquals(2, d.cols());
        assertEquals(10, d.classes());
        assertEquals(9, d.label(2));
    }

    @Test
    void copyScaledMaps0To0And255To1() {
        double[] dst = new double[6];
        d.copyScaled(0, dst, 1);
        assertArrayEquals(new double[] {0.0, 0.0, 1.0, 128 / 255.0, 1 / 255.0, 0.0}, dst, 0.0);
    }

    @Test
    void toMatrixRowsAndLabelArrayFollowTheGivenOrder() {
        int[] pick = {2, 0};
        double[] x = d.toMatrixRows(pick);
        assertArrayEquals(new double[] {50 / 255.0, 60 / 255.0, 70 / 255.0, 80 / 255.0, 0.0, 1.0, 128 / 255.0,
            1 / 255.0}, x, 0.0);
        assertArrayEquals(new int[] {9, 7}, d.labelArray(pick));
    }

    @Test
    void sliceCopiesARange() {
        ImageSet s = d.slice(1, 3);
        assertEquals(2, s.size());
        assertArrayEquals(new byte[] {10, 20, 30, 40, 50, 60, 70, 80}, s.pixels());
        assertArrayEquals(new byte[] {2, 9}, s.labels());
        assertEquals(0, d.slice(1, 1).size());
    }

    @Test
    void replicateConcatenates() {
        ImageSet r = d.replicate(3);
        assertEquals(9, r.size());
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < 3; i++) {
                assertEquals(d.label(i), r.label(k * 3 + i));
                assertArrayEquals(d.toMatrixRows(new int[] {i}), r.toMatrixRows(new int[] {k * 3 + i}));
            }
        }
        assertThrows(ScratchnetException.class, () -> d.replicate(0));
    }

    @Test
    void ofValidatesLengthsAndLabels() {
        ScratchnetException len = assertThrows(ScratchnetException.class,
                () -> ImageSet.of(new byte[7], new byte[2], 2, 2, 10));
        assertTrue(len.getMessage().contains("7 pixel bytes do not hold 2 images of 2x2"), len.getMessage());
        ScratchnetException lab = assertThrows(ScratchnetException.class,
                () -> ImageSet.of(new byte[8], new byte[] {1, 10}, 2, 2, 10));
        assertEquals("dataset: record 2: label 10 is outside 0 … 9 (10 classes)", lab.getMessage());
    }
}
