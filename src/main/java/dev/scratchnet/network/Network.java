package dev.scratchnet.network;

import dev.scratchnet.layers.Layer;
import dev.scratchnet.layers.LayerSpec;
import dev.scratchnet.layers.LossLayer;
import dev.scratchnet.layers.Pass;
import dev.scratchnet.math.Matrix;
import java.util.ArrayList;
import java.util.List;

/**
 * A network bound to a flat parameter array: the book's {@code TwoLayerNet} (§5.7.2) and {@code MultiLayerNet}
 * (§6) for any {@link NetworkSpec}. Its precision is the parameters': a {@code float} array computes in single
 * precision from input to loss, a {@code double} array in double.
 *
 * <p>The parameter array is shared, not copied: an optimizer that updates it in place changes this network. Each
 * pass builds fresh layers, which hold what backward needs only for that pass; a {@code Network} never crosses the
 * wire: ship its {@link NetworkSpec} and the numbers instead.
 */
public final class Network {
    private final NetworkSpec spec;
    private final Matrix params;
    private final WeightDecay weightDecay;

    /** Double precision, no weight decay. */
    public Network(NetworkSpec spec, double[] params) {
        this(spec, Matrix.of(1, params.length, params), WeightDecay.NONE);
    }

    /** @param params {@code 1 × parameterCount}, in the precision to compute in */
    public Network(NetworkSpec spec, Matrix params, WeightDecay weightDecay) {
        if (params.size() != spec.parameterCount()) {
            throw new IllegalArgumentException(spec.describe() + " has " + spec.parameterCount()
                    + " parameters, got " + params.size());
        }
        this.spec = spec;
        this.params = params;
        this.weightDecay = weightDecay;
    }

    public NetworkSpec spec() {
        return spec;
    }

    /** Class scores (before softmax) or regression outputs, {@code x: batch × inputSize} → {@code batch × outputs}. */
    public Matrix predict(Matrix x) {
        return predict(x, Pass.INFERENCE);
    }

    /** The scores of a pass (a training pass drops what dropout drops). */
    public Matrix predict(Matrix x, Pass pass) {
        Matrix h = x;
        for (Layer layer : layers(pass, null, false)) {
            h = layer.forward(h);
        }
        return h;
    }

    /**
     * Forward and backward over the batch, <em>adding</em> the gradient of the summed loss
     * {@code Σ_i w_i · loss_i} into {@code grads} ({@code 1 × parameterCount}, the parameters' precision). Returns
     * that sum. Dividing by the weights' sum is left to the caller, once, so that sums from many partitions add up
     * exactly; weight decay is left to the caller too (it is added once per step). The slots of statistics (batch
     * normalization's running mean and variance) receive this batch's sums of them instead of a gradient, for the
     * driver to move the running statistics with.
     *
     * @param t one target per row: a class index, or the value to regress on
     * @param w one weight per row, or null for weights of 1
     */
    public double accumulateGradient(Matrix x, double[] t, double[] w, Pass pass, Matrix grads) {
        return gradientInto(x, t, w, pass, grads, false);
    }

    /**
     * {@link #accumulateGradient} into {@code grads} whatever they hold: every slot is written, not added to, so an array
     * kept from step to step needs no zeroing (a new 0.8 MB gradient a share a step was a tenth of the demo's step on
     * four partitions). The same bits as accumulating into zeros.
     */
    public double writeGradient(Matrix x, double[] t, double[] w, Pass pass, Matrix grads) {
        return gradientInto(x, t, w, pass, grads, true);
    }

    private double gradientInto(Matrix x, double[] t, double[] w, Pass pass, Matrix grads, boolean writes) {
        if (grads.size() != params.size() || grads.precision() != params.precision()) {
            throw new IllegalArgumentException("gradient array " + grads + " does not match the parameters " + params);
        }
        List<Layer> layers = layers(pass, grads, writes);
        Matrix h = x;
        for (Layer layer : layers) {
            h = layer.forward(h);
        }
        LossLayer lastLayer = spec.newLossLayer();
        double lossSum = lastLayer.forward(h, t, w);
        Matrix dout = lastLayer.backward(1);
        for (int i = layers.size() - 1; i > 0; i--) {
            dout = layers.get(i).backward(dout);
        }
        layers.get(0).backwardParameters(dout);
        return lossSum;
    }

    /** The book's {@code loss(x, t)}: the mean loss of a training pass, plus the weight decay's penalty. */
    public double loss(Matrix x, double[] t) {
        return loss(x, t, Pass.training(0, x.rows()));
    }

    /** The mean loss of {@code pass} plus the weight decay's penalty. */
    public double loss(Matrix x, double[] t, Pass pass) {
        double sum = spec.newLossLayer().forward(predict(x, pass), t, null);
        return sum / x.rows() + weightDecay.penalty(spec, params.toDoubles());
    }

    /** The book's {@code gradient(x, t)}: the backprop gradient of {@link #loss}, as a new flat array. */
    public double[] gradient(Matrix x, double[] t) {
        return gradient(x, t, Pass.training(0, x.rows()));
    }

    /**
     * The backprop gradient of {@link #loss(Matrix, double[], Pass)}; 0 for statistics (batch normalization's running
     * mean and variance: the loss of a training pass does not depend on them).
     */
    public double[] gradient(Matrix x, double[] t, Pass pass) {
        Matrix grads = params.zerosLike();
        accumulateGradient(x, t, null, pass, grads);
        double[] grad = grads.toDoubles();
        for (ParameterBlock b : spec.parameterBlocks()) {
            if (b.role() == LayerSpec.Role.STATISTIC) {
                java.util.Arrays.fill(grad, b.offset(), b.offset() + b.size(), 0.0);
            }
        }
        double scale = 1.0 / x.rows();
        for (int i = 0; i < grad.length; i++) {
            grad[i] *= scale;
        }
        weightDecay.addGradient(spec, params.toDoubles(), grad);
        return grad;
    }

    /**
     * The book's {@code numerical_gradient(x, t)} (§4.4, §5.7.3): central differences
     * {@code (L(p + h) − L(p − h)) / 2h} of {@link #loss} with {@code h = 1e-4}, one parameter at a time. Slow (two
     * forward passes per parameter): for gradient checking on a few examples.
     */
    public double[] numericalGradient(Matrix x, double[] t) {
        return numericalGradient(x, t, Pass.training(0, x.rows()));
    }

    /** Central differences of {@link #loss(Matrix, double[], Pass)}. */
    public double[] numericalGradient(Matrix x, double[] t, Pass pass) {
        double h = 1e-4;
        double[] grad = new double[params.size()];
        for (int i = 0; i < grad.length; i++) {
            double saved = params.get(i);
            params.set(i, saved + h);
            double plus = loss(x, t, pass);
            params.set(i, saved - h);
            double minus = loss(x, t, pass);
            params.set(i, saved);
            grad[i] = (plus - minus) / (2 * h);
        }
        return grad;
    }

    /** The layers of one pass, each bound to its views of the parameters and (when not null) of {@code grads}. */
    private List<Layer> layers(Pass pass, Matrix grads, boolean writes) {
        List<Layer> layers = new ArrayList<>();
        List<LayerSpec> specs = spec.layers();
        for (int i = 0; i < specs.size(); i++) {
            List<Matrix> p = new ArrayList<>();
            List<Matrix> g = grads == null ? null : new ArrayList<>();
            for (ParameterBlock b : spec.blocksOf(i)) {
                p.add(params.view(b.offset(), b.rows(), b.cols()));
                if (g != null) {
                    g.add(grads.view(b.offset(), b.rows(), b.cols()));
                }
            }
            layers.add(specs.get(i).newLayer(spec.inputOf(i), new LayerSpec.Binding(p, g, pass, i, writes)));
        }
        return layers;
    }

    /** For each row of classifier scores, whether its argmax (the first, on ties) is its label. */
    public static boolean[] correct(Matrix scores, double[] labels) {
        boolean[] right = new boolean[scores.rows()];
        for (int r = 0; r < scores.rows(); r++) {
            right[r] = argmax(scores, r) == labels[r];
        }
        return right;
    }

    /** The column of row {@code r}'s largest score (the first, on ties). */
    public static int argmax(Matrix scores, int r) {
        int best = 0;
        for (int c = 1; c < scores.cols(); c++) {
            if (scores.get(r, c) > scores.get(r, best)) {
                best = c;
            }
        }
        return best;
    }
}
