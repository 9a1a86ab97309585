package dev.scratchnet.partition;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What one partition returns for one step, and what the sum of partitions adds up: the <em>sum</em> of the
 * per-example gradients (each times its example's weight), the summed loss, the example count and the weights' sum.
 * The driver divides once, by the global weight sum (the example count when every weight is 1). An empty sum has no
 * gradient array.
 */
public final class GradientSum implements Serializable {
    private static final long serialVersionUID = 4L;
    private transient double[] grad;
    private double lossSum;
    private long count;
    private double weightSum;

    private GradientSum(double[] grad, double lossSum, long count, double weightSum) {
        this.grad = grad;
        this.lossSum = lossSum;
        this.count = count;
        this.weightSum = weightSum;
    }

    /** The zero: no examples, no gradient array. */
    public static GradientSum empty() {
        return new GradientSum(null, 0.0, 0, 0.0);
    }

    /** A sum over {@code count} examples of weight 1; {@code grad} is owned by the result. */
    public static GradientSum of(double[] grad, double lossSum, long count) {
        return new GradientSum(grad, lossSum, count, count);
    }

    /** A sum over {@code count} examples whose weights add up to {@code weightSum}; {@code grad} is owned by the result. */
    public static GradientSum of(double[] grad, double lossSum, long count, double weightSum) {
        return new GradientSum(grad, lossSum, count, weightSum);
    }

    /**
     * Adds {@code other} into this one (modified in place) and returns this. Takes ownership of
     * {@code other}'s array when this one has none, so {@code other} must not be used afterwards.
     */
    public GradientSum add(GradientSum other) {
        if (other.count == 0 && other.grad == null) {
            return this;
        }
        if (grad == null) {
            grad = other.grad;
        } else if (other.grad != null) {
            double[] o = other.grad;
            for (int i = 0; i < grad.length; i++) {
                grad[i] += o[i];
            }
        }
        lossSum += other.lossSum;
        count += other.count;
        weightSum += other.weightSum;
        return this;
    }

    /** The gradient sum (null when empty). */
    public double[] grad() {
        return grad;
    }

    public double lossSum() {
        return lossSum;
    }

    public long count() {
        return count;
    }

    /** The sum of the examples' weights (their count when every weight is 1). */
    public double weightSum() {
        return weightSum;
    }

    /**
     * The gradient array as one block of bytes in the platform's order: a bulk copy each way, where Java
     * serialization would write a double array value by value. Every task result of a step is one of these. When
     * every value is a float (a single-precision partition's sum, before any addition), the values travel as floats:
     * half the bytes, and the same values back.
     */
    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        out.writeInt(grad == null ? -1 : grad.length);
        if (grad != null) {
            boolean floats = isFloatExact(grad);
            ByteBuffer bytes = ByteBuffer.allocate(grad.length * (floats ? Float.BYTES : Double.BYTES))
                    .order(ByteOrder.nativeOrder());
            if (floats) {
                java.nio.FloatBuffer f = bytes.asFloatBuffer();
                for (double v : grad) {
                    f.put((float) v);
                }
            } else {
                bytes.asDoubleBuffer().put(grad);
            }
            out.writeBoolean(ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN);
            out.writeBoolean(floats);
            out.write(bytes.array());
        }
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        int n = in.readInt();
        if (n >= 0) {
            ByteOrder order = in.readBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            boolean floats = in.readBoolean();
            byte[] bytes = new byte[Math.multiplyExact(n, floats ? Float.BYTES : Double.BYTES)];
            in.readFully(bytes);
            grad = new double[n];
            if (floats) {
                java.nio.FloatBuffer f = ByteBuffer.wrap(bytes).order(order).asFloatBuffer();
                for (int i = 0; i < n; i++) {
                    grad[i] = f.get(i);
                }
            } else {
                ByteBuffer.wrap(bytes).order(order).asDoubleBuffer().get(grad);
            }
        }
    }

    /** Whether every value is a float widened to double (so that narrowing it back loses nothing). */
    public static boolean isFloatExact(double[] values) {
        for (double v : values) {
            if ((double) (float) v != v && !Double.isNaN(v)) {
                return false;
            }
        }
        return true;
    }

    /** Elements {@code [from, to)} of {@link #meanGradient(int)} into {@code mean}. */
    public void meanGradient(double[] mean, int from, int to) {
        if (grad != null && weightSum > 0) {
            double scale = 1.0 / weightSum;
            for (int i = from; i < to; i++) {
                mean[i] = grad[i] * scale;
            }
        } else {
            java.util.Arrays.fill(mean, from, to, 0);
        }
    }

    /** The mean gradient, {@code sum / weightSum}, as a new array: the one division of a step. */
    public double[] meanGradient(int parameterCount) {
        double[] mean = new double[parameterCount];
        if (grad != null && weightSum > 0) {
            double scale = 1.0 / weightSum;
            for (int i = 0; i < mean.length; i++) {
                mean[i] = grad[i] * scale;
            }
        }
        return mean;
    }
}
