package dev.scratchnet.network;

import dev.scratchnet.layers.Affine;
import dev.scratchnet.layers.Layer;
import dev.scratchnet.layers.SoftmaxWithLoss;
import dev.scratchnet.math.Matrix;
import dev.scratchnet.math.Precision;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.DenseMatrix;
import org.apache.spark.ml.linalg.DenseVector;

/**
 * A network bound to a flat parameter array: the book's {@code TwoLayerNet} (§5.7.2) generalised to any
 * number of hidden layers.
 *
 * <p>The parameter array is shared, not copied: an optimizer that updates it in place changes this
 * network. Each pass builds fresh layers, which hold what backward needs only for that pass; a
 * {@code Network} never crosses the wire: ship its {@link NetworkSpec} and the numbers instead.
 */
public final class Network {
    private final NetworkSpec spec;
    private final double[] params;
    private final Precision precision;

    /** @param precision the arithmetic of the Affine layers' matrix products */
    public Network(NetworkSpec spec, double[] params, Precision precision) {
        if (params.length != spec.parameterCount()) {
            throw new IllegalArgumentException(spec.describe() + " has " + spec.parameterCount()
                    + " parameters, got " + params.length);
        }
        this.spec = spec;
        this.params = params;
        this.precision = precision;
    }

    public NetworkSpec spec() {
        return spec;
    }

    /** The flat parameter array (shared). */
    public double[] params() {
        return params;
    }

    /** Class scores before softmax, {@code x: batch × inputSize} → {@code batch × classes}. */
    public Matrix predict(Matrix x) {
        Matrix h = x;
        for (Layer layer : layers(null)) {
            h = layer.forward(h);
        }
        return h;
    }

    /** Mean cross-entropy loss over the batch. */
    public double loss(Matrix x, int[] labels) {
        return new SoftmaxWithLoss().forward(predict(x), labels);
    }

    /**
     * Forward and backward over the batch, <em>adding</em> the gradient of the <em>summed</em> loss into
     * {@code gradInto} (same layout as the parameters). Returns the summed loss. Dividing by the batch
     * size is left to the caller, once, so that sums from many partitions add up exactly.
     */
    public double accumulateGradient(Matrix x, int[] labels, double[] gradInto) {
        if (gradInto.length != params.length) {
            throw new IllegalArgumentException("gradient array has " + gradInto.length + " slots, need "
                    + params.length);
        }
        List<Layer> layers = layers(gradInto);
        Matrix h = x;
        for (Layer layer : layers) {
            h = layer.forward(h);
        }
        SoftmaxWithLoss lastLayer = new SoftmaxWithLoss();
        double lossSum = lastLayer.forwardSum(h, labels);
        Matrix dout = lastLayer.backwardSum();
        for (int i = layers.size() - 1; i >= 0; i--) {
            dout = layers.get(i).backward(dout);
        }
        return lossSum;
    }

    /** The book's {@code gradient(x, t)}: backprop gradient of the mean loss, as a new flat array. */
    public double[] gradient(Matrix x, int[] labels) {
        double[] grad = new double[params.length];
        accumulateGradient(x, labels, grad);
        double scale = 1.0 / x.rows();
        for (int i = 0; i < grad.length; i++) {
            grad[i] *= scale;
        }
        return grad;
    }

    /**
     * The book's {@code numerical_gradient(x, t)} (§4.4, §5.7.3): central differences
     * {@code (L(p + h) − L(p − h)) / 2h} of the mean loss with {@code h = 1e-4}, one parameter at a time.
     * Slow (two forward passes per parameter): for gradient checking on a few examples.
     */
    public double[] numericalGradient(Matrix x, int[] labels) {
        double h = 1e-4;
        double[] grad = new double[params.length];
        for (int i = 0; i < params.length; i++) {
            double saved = params[i];
            params[i] = saved + h;
            double plus = loss(x, labels);
            params[i] = saved - h;
            double minus = loss(x, labels);
            params[i] = saved;
            grad[i] = (plus - minus) / (2 * h);
        }
        return grad;
    }

    /** {@code Wl} (1-based) as an {@code in × out} matrix (a copy). */
    public DenseMatrix weight(int l) {
        int in = spec.fanIn(l);
        int out = spec.fanOut(l);
        double[] values = new double[in * out];
        System.arraycopy(params, spec.weightOffset(l), values, 0, values.length);
        return new DenseMatrix(in, out, values, true);
    }

    /** {@code bl} (1-based) as a vector (a copy). */
    public DenseVector bias(int l) {
        double[] values = new double[spec.fanOut(l)];
        System.arraycopy(params, spec.biasOffset(l), values, 0, values.length);
        return new DenseVector(values);
    }

    /** For each row of {@code scores}, whether its argmax (the first, on ties) equals its label. */
    public static boolean[] correct(Matrix scores, int[] labels) {
        boolean[] right = new boolean[scores.rows()];
        int classes = scores.cols();
        double[] s = scores.data();
        for (int r = 0; r < scores.rows(); r++) {
            int best = 0;
            int o = r * classes;
            for (int c = 1; c < classes; c++) {
                if (s[o + c] > s[o + best]) {
                    best = c;
                }
            }
            right[r] = best == labels[r];
        }
        return right;
    }

    private List<Layer> layers(double[] grads) {
        List<Layer> layers = new ArrayList<>();
        int count = spec.affineCount();
        for (int l = 1; l <= count; l++) {
            layers.add(new Affine(spec.fanIn(l), spec.fanOut(l), params, grads,
                    spec.weightOffset(l), spec.biasOffset(l), l > 1, precision.newProducts()));
            if (l < count) {
                layers.add(spec.activation().newLayer());
            }
        }
        return layers;
    }
}
