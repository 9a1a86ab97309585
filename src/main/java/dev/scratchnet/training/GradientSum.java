package dev.scratchnet.training;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What one partition returns for one step, and what treeAggregate adds up: the <em>sum</em> of the
 * per-example gradients, the summed loss and the example count. The driver divides once, by the global
 * count. An empty sum has no gradient array, so the zero value shipped with every task is a few bytes.
 */
public final class GradientSum implements Serializable {
    private static final long serialVersionUID = 2L;
    private transient double[] grad;
    private double lossSum;
    private long count;

    private GradientSum(double[] grad, double lossSum, long count) {
        this.grad = grad;
        this.lossSum = lossSum;
        this.count = count;
    }

    /** The zero: no examples, no gradient array. */
    public static GradientSum empty() {
        return new GradientSum(null, 0.0, 0);
    }

    /** A sum over {@code count} examples; {@code grad} is owned by the result. */
    public static GradientSum of(double[] grad, double lossSum, long count) {
        return new GradientSum(grad, lossSum, count);
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

    /**
     * The gradient array as one block of bytes in the platform's order: a bulk copy each way, where Java
     * serialization would write a double array value by value. Every task result of a step is one of these.
     */
    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        out.writeInt(grad == null ? -1 : grad.length);
        if (grad != null) {
            ByteBuffer bytes = ByteBuffer.allocate(grad.length * Double.BYTES).order(ByteOrder.nativeOrder());
            bytes.asDoubleBuffer().put(grad);
            out.writeBoolean(ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN);
            out.write(bytes.array());
        }
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        int n = in.readInt();
        if (n >= 0) {
            ByteOrder order = in.readBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            byte[] bytes = new byte[Math.multiplyExact(n, Double.BYTES)];
            in.readFully(bytes);
            grad = new double[n];
            ByteBuffer.wrap(bytes).order(order).asDoubleBuffer().get(grad);
        }
    }

    /** The mean gradient, {@code sum / count}, as a new array: the one division of a step. */
    public double[] meanGradient(int parameterCount) {
        double[] mean = new double[parameterCount];
        if (grad != null && count > 0) {
            double scale = 1.0 / count;
            for (int i = 0; i < mean.length; i++) {
                mean[i] = grad[i] * scale;
            }
        }
        return mean;
    }
}
