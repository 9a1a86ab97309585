package dev.scratchnet.network;

import dev.scratchnet.layers.Affine;
import dev.scratchnet.layers.BatchNormalization;
import dev.scratchnet.layers.Convolution;
import dev.scratchnet.layers.Dropout;
import dev.scratchnet.layers.LayerSpec;
import dev.scratchnet.layers.LayerSpec.Parameter;
import dev.scratchnet.layers.Shape;
import dev.scratchnet.layers.Standardization;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The description of a network: the shape of its input, its layers in order ({@link LayerSpec}), and its task —
 * class scores into Softmax-with-Loss, or one value into the identity and squared error. The last layer is the
 * output Affine layer ({@code classes} outputs, or 1 for a regression).
 *
 * <p>Parameters live in one flat array, layer after layer and block after block: {@code W1} (for an Affine layer
 * {@code in × out}, row-major; for a convolution the book's {@code FN × C × FH × FW}), {@code b1}, {@code W2},
 * {@code b2}, …, numbered by the layers that hold weights, as the book names them; batch normalization's
 * {@code gamma1}, {@code beta1}, {@code running_mean1}, {@code running_var1}, … are numbered by the batch-normalization
 * layers (as the book's {@code MultiLayerNetExtend} numbers them when one follows each hidden Affine layer). This object is small and serializable: it is what crosses the wire, never a bound
 * {@link Network}. Every shape is checked when it is built, so a list that does not fit its input fails before
 * anything runs.
 */
public final class NetworkSpec implements Serializable {
    private static final long serialVersionUID = 3L;

    private final Shape input;
    private final List<LayerSpec> layers;
    private final Task task;
    private final Standardization target;
    private final transient Resolved resolved;

    /**
     * @param layers the layer list; a last {@code affine} without a size becomes the output layer of {@code outputs}
     * @param outputs the number of classes (≥ 2), or 1 for a regression
     * @throws IllegalArgumentException naming the layer and what does not fit
     */
    public NetworkSpec(Shape input, List<LayerSpec> layers, Task task, int outputs) {
        this(input, layers, task, outputs, Standardization.NONE);
    }

    /**
     * As above, a regression learning its targets standardized by {@code target} ({@link Standardization#NONE} for
     * a classifier).
     */
    public NetworkSpec(Shape input, List<LayerSpec> layers, Task task, int outputs, Standardization target) {
        this.input = Objects.requireNonNull(input);
        this.task = Objects.requireNonNull(task);
        this.target = task == Task.REGRESSION ? Objects.requireNonNull(target) : Standardization.NONE;
        if (task == Task.CLASSIFICATION && outputs < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + outputs);
        }
        if (task == Task.REGRESSION && outputs != 1) {
            throw new IllegalArgumentException("a regression has 1 output, got " + outputs);
        }
        if (layers.isEmpty() || !(layers.get(layers.size() - 1) instanceof Affine.Spec last)) {
            throw new IllegalArgumentException("the last layer must be the output layer, affine (got "
                    + (layers.isEmpty() ? "no layers" : layers.get(layers.size() - 1).text()) + ")");
        }
        if (last.outputs() != 0 && last.outputs() != outputs) {
            throw new IllegalArgumentException("the output layer " + last.text() + " must have " + outputs
                    + (task == Task.CLASSIFICATION ? " outputs, one per class" : " output") + " (or write affine)");
        }
        List<LayerSpec> list = new ArrayList<>(layers);
        list.set(list.size() - 1, new Affine.Spec(outputs));
        for (int i = 0; i < list.size() - 1; i++) {
            if (list.get(i) instanceof Affine.Spec a && a.outputs() == 0) {
                throw new IllegalArgumentException("layer " + (i + 1) + " (affine): only the output layer may omit its size");
            }
        }
        this.layers = List.copyOf(list);
        this.resolved = resolve();
    }

    /** A fully connected network {@code inputSize → hidden… → classes} with {@code activation} after each hidden layer. */
    public static NetworkSpec mlp(int inputSize, List<Integer> hidden, Activation activation, int classes) {
        return new NetworkSpec(Shape.flat(inputSize), mlpLayers(hidden, activation, 0), Task.CLASSIFICATION, classes);
    }

    /**
     * The layers of a fully connected network: {@code affine:h, activation[, dropout:r]} for each hidden size, then
     * the output {@code affine}.
     */
    public static List<LayerSpec> mlpLayers(List<Integer> hidden, Activation activation, double dropout) {
        List<LayerSpec> layers = new ArrayList<>();
        for (int h : hidden) {
            if (h < 1) {
                throw new IllegalArgumentException("hidden layer sizes must be positive: " + hidden);
            }
            layers.add(new Affine.Spec(h));
            layers.add(activation.spec());
            if (dropout > 0) {
                layers.add(new Dropout.Spec(dropout));
            }
        }
        layers.add(new Affine.Spec(0));
        return layers;
    }

    /** The book's {@code TwoLayerNet(input_size=784, hidden_size=50, output_size=10)} with ReLU. */
    public static NetworkSpec twoLayerNet() {
        return mlp(784, List.of(50), Activation.RELU, 10);
    }

    public Shape input() {
        return input;
    }

    /** Values per example. */
    public int inputSize() {
        return input.size();
    }

    public List<LayerSpec> layers() {
        return layers;
    }

    public Task task() {
        return task;
    }

    /** How a regression's targets are standardized ({@link Standardization#NONE} for a classifier). */
    public Standardization target() {
        return target;
    }

    /** A fresh loss layer of this network's task. */
    public dev.scratchnet.layers.LossLayer newLossLayer() {
        return task.newLossLayer(target);
    }

    /** The outputs of the last layer: the number of classes, or 1 for a regression. */
    public int outputs() {
        return ((Affine.Spec) layers.get(layers.size() - 1)).outputs();
    }

    /** The number of classes of a classifier (its outputs). */
    public int classes() {
        return outputs();
    }

    /** The shape layer {@code i} (0-based) reads. */
    public Shape inputOf(int i) {
        return resolved().inputs[i];
    }

    /** Total number of parameters. */
    public int parameterCount() {
        return resolved().count;
    }

    /** The parameters as named blocks in array order: W1, b1, W2, b2, …. */
    public List<ParameterBlock> parameterBlocks() {
        return resolved().blocks;
    }

    /** The blocks of layer {@code i} (0-based), in order. */
    public List<ParameterBlock> blocksOf(int i) {
        return resolved().blocksOf.get(i);
    }

    /** The block named {@code name} ({@code W1}, {@code b2}, …). */
    public ParameterBlock block(String name) {
        for (ParameterBlock b : parameterBlocks()) {
            if (b.name().equals(name)) {
                return b;
            }
        }
        throw new IllegalArgumentException(describe() + " has no parameter " + name);
    }

    /** Offset of {@code Wl} (1-based {@code l}) in the flat parameter array. */
    public int weightOffset(int l) {
        return block("W" + l).offset();
    }

    /** Offset of {@code bl} (1-based {@code l}) in the flat parameter array. */
    public int biasOffset(int l) {
        return block("b" + l).offset();
    }

    /** {@code [inputSize, outputs of every Affine layer…]}: MLlib's {@code layers} for a fully connected network. */
    public int[] layerSizes() {
        List<Integer> sizes = new ArrayList<>();
        sizes.add(inputSize());
        for (LayerSpec l : layers) {
            if (l instanceof Affine.Spec a) {
                sizes.add(a.outputs());
            }
        }
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The activation of a fully connected network in the form {@link #mlp} builds ({@code affine:h, activation
     * [, dropout]} repeated, then the output {@code affine}), or null for any other list.
     */
    public Activation mlpActivation() {
        Activation found = null;
        int last = layers.size() - 1;
        int i = 0;
        while (i < last) {
            Activation a = i + 1 < last ? Activation.of(layers.get(i + 1)) : null;
            if (!(layers.get(i) instanceof Affine.Spec) || a == null || (found != null && a != found)) {
                return null;
            }
            found = a;
            i += 2;
            if (i < last && layers.get(i) instanceof Dropout.Spec) {
                i++;
            }
        }
        return found == null ? Activation.RELU : found;
    }

    /**
     * Floating-point operations of one forward + backward example in the matrix products (multiply-adds counted as 2):
     * an Affine layer's {@code in × out} weights once, a convolution's filters once per output position.
     */
    public long flopsPerTrainingExample() {
        long flops = 0;
        boolean first = true;
        for (int i = 0; i < layers.size(); i++) {
            for (ParameterBlock b : blocksOf(i)) {
                if (b.role() == LayerSpec.Role.WEIGHT) {
                    Shape out = layers.get(i).output(inputOf(i));
                    long uses = layers.get(i) instanceof Convolution.Spec ? (long) out.height() * out.width() : 1;
                    flops += 2L * b.size() * uses * (first ? 2 : 3); // forward, dW, and dX except for the first layer
                    first = false;
                }
            }
        }
        return flops;
    }

    /**
     * E.g. {@code 784-50-10 relu} for a fully connected network without dropout (as {@link #mlp} builds it, whatever
     * the input's shape), else the input shape and the layer list, e.g. {@code 1x28x28 affine:100 relu dropout:0.5 affine:10}; a regression ends in
     * {@code regression}.
     */
    public String describe() {
        String text;
        Activation a = mlpActivation();
        boolean plain = a != null && layers.stream().noneMatch(l -> l instanceof Dropout.Spec);
        if (plain) {
            text = Arrays.stream(layerSizes()).mapToObj(String::valueOf).collect(Collectors.joining("-")) + " " + a.id();
        } else {
            text = input + " " + layers.stream().map(LayerSpec::text).collect(Collectors.joining(" "));
        }
        return task == Task.REGRESSION ? text + " regression" : text;
    }

    /** The layer list as a setting writes it, e.g. {@code affine:50,relu,affine}. */
    public String layerList() {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            items.add(i == layers.size() - 1 ? "affine" : layers.get(i).text());
        }
        return String.join(",", items);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetworkSpec s && s.input.equals(input) && s.layers.equals(layers) && s.task == task
                && s.target.equals(target);
    }

    @Override
    public int hashCode() {
        return Objects.hash(input, layers, task, target);
    }

    @Override
    public String toString() {
        return describe();
    }

    private Resolved resolved() {
        return resolved != null ? resolved : resolve();
    }

    /** Shapes and offsets, from the input through every layer. */
    private Resolved resolve() {
        Shape[] inputs = new Shape[layers.size()];
        List<ParameterBlock> blocks = new ArrayList<>();
        List<List<ParameterBlock>> blocksOf = new ArrayList<>();
        Shape shape = input;
        long offset = 0;
        int weighted = 0;
        int normalized = 0;
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec layer = layers.get(i);
            inputs[i] = shape;
            try {
                Shape out = layer.output(shape);
                List<Parameter> params = layer.parameters(shape);
                List<ParameterBlock> mine = new ArrayList<>();
                int number = 0;
                if (layer instanceof BatchNormalization.Spec) {
                    number = ++normalized;
                } else if (!params.isEmpty()) {
                    number = ++weighted;
                }
                for (Parameter p : params) {
                    ParameterBlock b = new ParameterBlock(p.prefix() + number, (int) Math.min(offset, Integer.MAX_VALUE),
                            p.shape().clone(), p.role());
                    offset += p.size();
                    if (offset > Integer.MAX_VALUE - 8) {
                        throw new IllegalArgumentException("the network has more than 2^31 parameters");
                    }
                    mine.add(b);
                    blocks.add(b);
                }
                blocksOf.add(List.copyOf(mine));
                shape = out;
            } catch (IllegalArgumentException | ArithmeticException e) {
                String where = e instanceof Shape.NotAnImage
                        ? " (" + NetworkSettings.INPUT_SHAPE.key() + ", e.g. 1x28x28)" : ""; // the setting that gives it
                throw new IllegalArgumentException("layer " + (i + 1) + " (" + layer.text() + ") on input " + shape + ": "
                        + e.getMessage() + where);
            }
        }
        return new Resolved(inputs, List.copyOf(blocks), List.copyOf(blocksOf), (int) offset);
    }

    private record Resolved(Shape[] inputs, List<ParameterBlock> blocks, List<List<ParameterBlock>> blocksOf, int count) {}

    private Object readResolve() {
        return new NetworkSpec(input, layers, task, outputs(), target);
    }
}
