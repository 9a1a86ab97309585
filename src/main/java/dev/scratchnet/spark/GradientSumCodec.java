package dev.scratchnet.spark;

import dev.scratchnet.partition.GradientSum;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A {@link GradientSum} as bytes, exactly: count, weight sum, loss sum and the gradient's values, as floats when
 * every value is one (a single-precision partition's sum: half the bytes), else as doubles. What a step's exchange
 * ({@link StepSync}) carries between the tasks and the driver, every step. The values are copied in bulk, in
 * little-endian order (a plain copy on the machines Spark runs on): a task's sum of one single-precision partition is
 * written straight from its float gradient, without widening it to doubles or checking that every value is a float.
 */
final class GradientSumCodec {
    private GradientSumCodec() {}

    /** Bytes of the header {@link #write} puts before the values. */
    static final int HEADER = 8 + 8 + 8 + 4 + 1;

    /** The bytes {@link #write} takes for {@code sum}. */
    static int size(GradientSum sum) {
        FloatBuffer leaf = sum.floatLeaf();
        if (leaf != null) {
            return HEADER + 4 * leaf.remaining();
        }
        double[] g = sum.grad();
        return HEADER + (g == null ? 0 : g.length * (GradientSum.isFloatExact(g) ? 4 : 8));
    }

    /** Writes {@code sum} at {@code b}'s position, advancing it. */
    static void write(GradientSum sum, ByteBuffer b) {
        FloatBuffer leaf = sum.floatLeaf();
        double[] g = leaf == null ? sum.grad() : null;
        int n = leaf != null ? leaf.remaining() : g == null ? -1 : g.length;
        boolean floats = leaf != null || g != null && GradientSum.isFloatExact(g);
        b.putLong(sum.count()).putDouble(sum.weightSum()).putDouble(sum.lossSum()).putInt(n).put((byte) (floats ? 1 : 0));
        if (leaf != null) {
            values(b).asFloatBuffer().put(leaf);
        } else if (floats) {
            float[] f = new float[n];
            for (int i = 0; i < n; i++) {
                f[i] = (float) g[i];
            }
            values(b).asFloatBuffer().put(f);
        } else if (g != null) {
            values(b).asDoubleBuffer().put(g);
        }
        b.position(b.position() + Math.max(0, n) * (floats ? 4 : 8));
    }

    /** The bytes from {@code b}'s position on, in the values' order. */
    private static ByteBuffer values(ByteBuffer b) {
        return b.slice().order(ByteOrder.LITTLE_ENDIAN);
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
            float[] f = new float[n];
            values(b).asFloatBuffer().get(f);
            for (int i = 0; i < n; i++) {
                g[i] = f[i];
            }
        } else {
            values(b).asDoubleBuffer().get(g);
        }
        b.position(b.position() + n * (floats ? 4 : 8));
        return GradientSum.of(g, loss, count, weight);
    }

    static GradientSum decode(byte[] bytes) {
        return read(ByteBuffer.wrap(bytes));
    }
}
