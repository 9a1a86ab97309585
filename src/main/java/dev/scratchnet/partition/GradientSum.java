package dev.scratchnet.partition;

import dev.scratchnet.math.Lanes;
import dev.scratchnet.math.Matrix;
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
    /**
     * Not yet added up: the gradient is the {@link SumTree} sum of these partitions' gradients (in partition order,
     * null for a partition with no example of the step), in their precision, widened to double. {@link #grad} adds
     * them when asked; a step's update reads them as it goes ({@link Lanes#meanWithDecay(Matrix[], double, double[],
     * double, double[], int, int)}) and never makes the array.
     */
    private transient Matrix[] leaves;
    private double lossSum;
    private long count;
    private double weightSum;

    private GradientSum(double[] grad, double lossSum, long count, double weightSum) {
        this.grad = grad;
        this.lossSum = lossSum;
        this.count = count;
        this.weightSum = weightSum;
    }

    /**
     * A sum whose gradient is the {@link SumTree} sum of {@code leaves} (partition order; null: a partition without
     * examples), added only when {@link #grad} is asked for; the matrices are owned by the result.
     */
    public static GradientSum ofLeaves(Matrix[] leaves, double lossSum, long count, double weightSum) {
        GradientSum s = new GradientSum(null, lossSum, count, weightSum);
        s.leaves = leaves.clone();
        return s;
    }

    /** The same sum without its gradient: what the driver's endpoint needs of a share whose task adds the gradients. */
    public GradientSum scalars() {
        return new GradientSum(null, lossSum, count, weightSum);
    }

    /** The partitions' gradients not yet added ({@link #ofLeaves}), or null. */
    public synchronized Matrix[] leaves() {
        return grad == null ? leaves : null;
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
        double[] theirs = other.grad();
        if (other.count == 0 && theirs == null) {
            return this;
        }
        double[] mine = grad();
        if (mine == null) {
            grad = theirs;
        } else if (theirs != null) {
            for (int i = 0; i < mine.length; i++) {
                mine[i] += theirs[i];
            }
        }
        lossSum += other.lossSum;
        count += other.count;
        weightSum += other.weightSum;
        return this;
    }

    /** The gradient sum (null when empty); adds the {@link #leaves} first when there are any. */
    public synchronized double[] grad() {
        if (grad == null && leaves != null) {
            grad = new double[firstSize(leaves)];
            Lanes.meanWithDecay(leaves, 1.0, null, 0, grad, 0, grad.length); // times 1: the sum itself, exactly
            leaves = null;
        }
        return grad;
    }

    private static int firstSize(Matrix[] leaves) {
        for (Matrix m : leaves) {
            if (m != null) {
                return m.size();
            }
        }
        throw new IllegalStateException("a sum of partitions' gradients with no gradient");
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
        java.nio.FloatBuffer leaf = floatLeaf();
        double[] grad = leaf == null ? grad() : null;
        int n = leaf != null ? leaf.remaining() : grad == null ? -1 : grad.length;
        out.writeInt(n);
        if (n >= 0) {
            boolean floats = leaf != null || isFloatExact(grad);
            ByteBuffer bytes = ByteBuffer.allocate(n * (floats ? Float.BYTES : Double.BYTES))
                    .order(ByteOrder.nativeOrder());
            if (leaf != null) {
                bytes.asFloatBuffer().put(leaf);
            } else if (floats) {
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

    /**
     * The values of a sum that is one single-precision partition's gradient, not yet added to another (a task's
     * share of a step), as a read-only view; else null. Such a sum is written from it in bulk, without widening it
     * to doubles and checking that each is a float.
     */
    public synchronized java.nio.FloatBuffer floatLeaf() {
        Matrix[] ls = leaves();
        return ls != null && ls.length == 1 && ls[0] != null ? ls[0].floatValues() : null;
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
        double[] grad = grad();
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
        double[] grad = grad();
        if (grad != null && weightSum > 0) {
            double scale = 1.0 / weightSum;
            for (int i = 0; i < mean.length; i++) {
                mean[i] = grad[i] * scale;
            }
        }
        return mean;
    }
}
