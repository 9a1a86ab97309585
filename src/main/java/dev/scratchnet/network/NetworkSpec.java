package dev.scratchnet.network;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The description of a fully connected network: {@code inputSize → hidden[0] → … → classes}, with one
 * activation after every hidden Affine layer and Softmax-with-Loss at the end.
 *
 * <p>Parameters live in one flat array, layer after layer: {@code W1} ({@code in × out}, row-major),
 * then {@code b1}, then {@code W2}, {@code b2}, …. This record is small and serializable: it is what
 * crosses the wire, never a bound {@link Network}.
 */
public record NetworkSpec(int inputSize, List<Integer> hidden, Activation activation, int classes)
        implements Serializable {

    public NetworkSpec {
        if (inputSize < 1 || classes < 2 || hidden == null || activation == null) {
            throw new IllegalArgumentException("bad network description: " + inputSize + ", " + hidden
                    + ", " + activation + ", " + classes);
        }
        hidden = List.copyOf(hidden);
        for (int h : hidden) {
            if (h < 1) {
                throw new IllegalArgumentException("hidden layer sizes must be positive: " + hidden);
            }
        }
        long count = 0;
        int in = inputSize;
        for (int out : sizesOf(inputSize, hidden, classes).subList(1, hidden.size() + 2)) {
            count += (long) in * out + out;
            in = out;
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("network too large: " + count + " parameters");
        }
    }

    /** The book's {@code TwoLayerNet(input_size=784, hidden_size=50, output_size=10)} with ReLU. */
    public static NetworkSpec twoLayerNet() {
        return new NetworkSpec(784, List.of(50), Activation.RELU, 10);
    }

    /** {@code [inputSize, hidden..., classes]}. */
    public List<Integer> layerSizes() {
        return sizesOf(inputSize, hidden, classes);
    }

    /** The number of Affine layers ({@code hidden.size() + 1}). */
    public int affineCount() {
        return hidden.size() + 1;
    }

    /** Inputs of Affine layer {@code l} (1-based, as in {@code W1}). */
    public int fanIn(int l) {
        return layerSizes().get(l - 1);
    }

    /** Outputs of Affine layer {@code l} (1-based). */
    public int fanOut(int l) {
        return layerSizes().get(l);
    }

    /** Offset of {@code Wl} (1-based {@code l}) in the flat parameter array. */
    public int weightOffset(int l) {
        int offset = 0;
        for (int i = 1; i < l; i++) {
            offset += fanIn(i) * fanOut(i) + fanOut(i);
        }
        return offset;
    }

    /** Offset of {@code bl} (1-based {@code l}) in the flat parameter array. */
    public int biasOffset(int l) {
        return weightOffset(l) + fanIn(l) * fanOut(l);
    }

    /** Total number of parameters. */
    public int parameterCount() {
        return biasOffset(affineCount()) + classes;
    }

    /** The parameters as named blocks in array order: W1, b1, W2, b2, …. */
    public List<ParameterBlock> parameterBlocks() {
        List<ParameterBlock> blocks = new ArrayList<>();
        for (int l = 1; l <= affineCount(); l++) {
            blocks.add(new ParameterBlock("W" + l, weightOffset(l), fanIn(l), fanOut(l)));
            blocks.add(new ParameterBlock("b" + l, biasOffset(l), 1, fanOut(l)));
        }
        return blocks;
    }

    /** Floating-point operations of one forward + backward example (multiply-adds counted as 2). */
    public long flopsPerTrainingExample() {
        long flops = 0;
        for (int l = 1; l <= affineCount(); l++) {
            long mac = (long) fanIn(l) * fanOut(l);
            flops += 2 * mac * (l == 1 ? 2 : 3); // forward, dW, and dX except for the first layer
        }
        return flops;
    }

    /** E.g. {@code 784-50-10 relu}. */
    public String describe() {
        return layerSizes().stream().map(String::valueOf).collect(Collectors.joining("-")) + " " + activation.id();
    }

    private static List<Integer> sizesOf(int in, List<Integer> hidden, int classes) {
        List<Integer> sizes = new ArrayList<>();
        sizes.add(in);
        sizes.addAll(hidden);
        sizes.add(classes);
        return sizes;
    }

    /**
     * One named parameter: {@code rows × cols} values from {@code offset} (row-major); biases have one row.
     */
    public record ParameterBlock(String name, int offset, int rows, int cols) implements Serializable {
        public int size() {
            return rows * cols;
        }

        public boolean isBias() {
            return name.startsWith("b");
        }
    }
}
