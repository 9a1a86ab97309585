package dev.scratchnet.spark;

import dev.scratchnet.training.GradientSum;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.spark.BarrierTaskContext;

/**
 * A {@link GradientSum} as the text {@code BarrierTaskContext.allGather} carries, and the exchange of one step of an
 * epoch run: every task sends its partition's sum and receives every partition's, in partition order.
 */
final class GradientSumCodec {
    private GradientSumCodec() {}

    /** Every partition's sum of this step, in partition order (this task's among them). */
    static List<GradientSum> gather(GradientSum mine) {
        String[] all = BarrierTaskContext.get().allGather(encode(mine));
        List<GradientSum> sums = new ArrayList<>(all.length);
        for (String s : all) {
            sums.add(decode(s));
        }
        return sums;
    }

    /**
     * Count, weight sum, loss sum and the gradient's values, exactly, in Base64: as floats when every value is one (a
     * single-precision partition's sum), half the text, else as doubles.
     */
    static String encode(GradientSum sum) {
        double[] g = sum.grad();
        int n = g == null ? -1 : g.length;
        boolean floats = g != null && GradientSum.isFloatExact(g);
        ByteBuffer b = ByteBuffer.allocate(8 + 8 + 8 + 4 + 1 + Math.max(0, n) * (floats ? 4 : 8));
        b.putLong(sum.count()).putDouble(sum.weightSum()).putDouble(sum.lossSum()).putInt(n).put((byte) (floats ? 1 : 0));
        if (floats) {
            java.nio.FloatBuffer f = b.asFloatBuffer();
            for (double v : g) {
                f.put((float) v);
            }
        } else if (g != null) {
            b.asDoubleBuffer().put(g);
        }
        return Base64.getEncoder().encodeToString(b.array());
    }

    static GradientSum decode(String text) {
        ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(text));
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
        } else {
            b.asDoubleBuffer().get(g);
        }
        return GradientSum.of(g, loss, count, weight);
    }
}
