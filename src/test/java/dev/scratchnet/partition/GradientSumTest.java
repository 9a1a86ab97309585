package dev.scratchnet.partition;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A task's result crosses the wire bit for bit, empty or not. */
class GradientSumTest {
    static GradientSum roundTrip(GradientSum sum) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(sum);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (GradientSum) in.readObject();
        }
    }

    @Test
    void serializationKeepsEveryBitOfTheGradientLossAndCount() throws Exception {
        double[] grad = new Random(3).doubles(1001).toArray();
        grad[0] = -0.0;
        grad[1] = Double.MIN_VALUE;
        grad[2] = Double.MAX_VALUE;
        GradientSum back = roundTrip(GradientSum.of(grad.clone(), 12.25, 37));
        assertArrayEquals(grad, back.grad(), 0.0);
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(back.grad()[0]));
        assertEquals(12.25, back.lossSum());
        assertEquals(37, back.count());
    }

    @Test
    void aSinglePrecisionSumTravelsAsFloatsAndComesBackTheSame() throws Exception {
        double[] grad = widened(smallFloats(5000, 4));
        grad[0] = -0.0;
        grad[1] = Float.MIN_VALUE;
        double[] mixed = grad.clone();
        mixed[7] = 0.1; // not a float
        assertArrayEquals(grad, roundTrip(GradientSum.of(grad.clone(), 1, 2)).grad(), 0.0);
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(roundTrip(GradientSum.of(grad.clone(), 1, 2)).grad()[0]));
        assertArrayEquals(mixed, roundTrip(GradientSum.of(mixed.clone(), 1, 2)).grad(), 0.0);
        int floats = bytes(GradientSum.of(grad, 1, 2));
        int doubles = bytes(GradientSum.of(mixed, 1, 2));
        assertTrue(floats < doubles * 0.55, floats + " bytes as floats, " + doubles + " as doubles");
    }

    /** Gradient-sized floats: {@code n} Gaussians times 1e-3 from {@code seed}. */
    private static float[] smallFloats(int n, long seed) {
        float[] values = new float[n];
        Random random = new Random(seed);
        for (int i = 0; i < n; i++) {
            values[i] = (float) (random.nextGaussian() * 1e-3);
        }
        return values;
    }

    private static double[] widened(float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = values[i];
        }
        return d;
    }

    private static int bytes(GradientSum sum) throws IOException {
        return serialized(sum).length;
    }

    private static byte[] serialized(GradientSum sum) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(sum);
        }
        return bytes.toByteArray();
    }

    @Test
    void aTasksFloatGradientIsWrittenAsTheSameBytesAsItsWidenedArray() throws Exception {
        float[] values = smallFloats(3001, 5);
        values[0] = -0.0f;
        values[1] = Float.MIN_VALUE;
        values[2] = Float.NaN;
        float[] stored = new float[values.length + 7]; // a view at an offset, as a share's matrix may be
        System.arraycopy(values, 0, stored, 7, values.length);
        dev.scratchnet.math.Matrix leaf = dev.scratchnet.math.Matrix.of(1, stored.length, stored).view(7, 1, values.length);
        double[] widened = widened(values);
        GradientSum fromLeaf = GradientSum.ofLeaves(new dev.scratchnet.math.Matrix[] {leaf}, 2.5, 9, 9);
        assertTrue(fromLeaf.floatLeaf() != null, "the share's sum is written from its float gradient");
        assertArrayEquals(serialized(GradientSum.of(widened.clone(), 2.5, 9)), serialized(fromLeaf));
        GradientSum back = roundTrip(GradientSum.ofLeaves(new dev.scratchnet.math.Matrix[] {leaf}, 2.5, 9, 9));
        for (int i = 0; i < values.length; i++) {
            assertEquals(Double.doubleToRawLongBits(widened[i]), Double.doubleToRawLongBits(back.grad()[i]), "value " + i);
        }
        assertEquals(9, back.count());
        // Two leaves are added first (in double): written as the array.
        GradientSum two = GradientSum.ofLeaves(new dev.scratchnet.math.Matrix[] {leaf, leaf}, 5, 18, 18);
        assertNull(two.floatLeaf());
        double[] doubled = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            doubled[i] = widened[i] + widened[i];
        }
        assertArrayEquals(serialized(GradientSum.of(doubled, 5, 18)), serialized(two));
    }

    @Test
    void theEmptySumStaysEmpty() throws Exception {
        GradientSum back = roundTrip(GradientSum.empty());
        assertNull(back.grad());
        assertEquals(0, back.count());
        assertArrayEquals(new double[3], back.meanGradient(3), 0.0);
    }
}
