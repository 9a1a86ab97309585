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
        double[] grad = new double[5000];
        Random random = new Random(4);
        for (int i = 0; i < grad.length; i++) {
            grad[i] = (float) (random.nextGaussian() * 1e-3);
        }
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

    private static int bytes(GradientSum sum) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(sum);
        }
        return bytes.size();
    }

    @Test
    void theEmptySumStaysEmpty() throws Exception {
        GradientSum back = roundTrip(GradientSum.empty());
        assertNull(back.grad());
        assertEquals(0, back.count());
        assertArrayEquals(new double[3], back.meanGradient(3), 0.0);
    }
}
