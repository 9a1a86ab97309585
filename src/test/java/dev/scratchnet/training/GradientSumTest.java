package dev.scratchnet.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
    void theEmptySumStaysEmpty() throws Exception {
        GradientSum back = roundTrip(GradientSum.empty());
        assertNull(back.grad());
        assertEquals(0, back.count());
        assertArrayEquals(new double[3], back.meanGradient(3), 0.0);
    }
}
