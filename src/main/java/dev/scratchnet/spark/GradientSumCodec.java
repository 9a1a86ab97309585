package dev.scratchnet.spark;

import dev.scratchnet.partition.GradientSum;
import java.nio.ByteBuffer;

/**
 * A {@link GradientSum} as bytes, exactly: count, weight sum, loss sum and the gradient's values, as floats when
 * every value is one (a single-precision partition's sum: half the bytes), else as doubles. What a step's exchange
 * ({@link StepSync}) carries between the tasks and the driver.
 */
final class GradientSumCodec {
    private GradientSumCodec() {}

    /** Bytes of the header {@link #write} puts before the values. */
    static final int HEADER = 8 + 8 + 8 + 4 + 1;

    /** The bytes {@link #write} takes for {@code sum}. */
    static int size(GradientSum sum) {
        double[] g = sum.grad();
        return HEADER + (g == null ? 0 : g.length * (GradientSum.isFloatExact(g) ? 4 : 8));
    }

    /** Writes {@code sum} at {@code b}'s position, advancing it. */
    static void write(GradientSum sum, ByteBuffer b) {
        double[] g = sum.grad();
        int n = g == null ? -1 : g.length;
        boolean floats = g != null && GradientSum.isFloatExact(g);
        b.putLong(sum.count()).putDouble(sum.weightSum()).putDouble(sum.lossSum()).putInt(n).put((byte) (floats ? 1 : 0));
        if (floats) {
            java.nio.FloatBuffer f = b.asFloatBuffer();
            for (double v : g) {
                f.put((float) v);
            }
            b.position(b.position() + 4 * n);
        } else if (g != null) {
            b.asDoubleBuffer().put(g);
            b.position(b.position() + 8 * n);
        }
    }

    static byte[] encode(GradientSum sum) {
        ByteBuffer b = ByteBuffer.allocate(size(sum));
        write(sum, b);
        return b.array();
    }

    /** Reads a sum at {@code b}'s position, advancing it. */
    static GradientSum read(ByteBuffer b) {
        long count = b.getLong();
        double weight = b.getDouble();
        double loss = b.getDouble();
        int n = b.getInt();
        boolean floats = b.get() == 1;
        if (n < 0) {
            return count == 0 ? GradientSum.empty() : GradientSum.of(null, loss, count, weight);
        }
        double[] g = new double[n];
        if (floats) {
            java.nio.FloatBuffer f = b.asFloatBuffer();
            for (int i = 0; i < n; i++) {
                g[i] = f.get(i);
            }
            b.position(b.position() + 4 * n);
        } else {
            b.asDoubleBuffer().get(g);
            b.position(b.position() + 8 * n);
        }
        return GradientSum.of(g, loss, count, weight);
    }

    static GradientSum decode(byte[] bytes) {
        return read(ByteBuffer.wrap(bytes));
    }
}
