package dev.scratchnet.network;

import dev.scratchnet.layers.LayerSpec;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * One named parameter block: {@code shape} values from {@code offset} (row-major; a weight of an Affine layer is
 * {@code in × out}, a bias a vector).
 */
public record ParameterBlock(String name, int offset, int[] shape, LayerSpec.Role role) implements Serializable {
    public int size() {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    /** The rows of the block seen as a matrix: its first dimension (1 for a vector). */
    public int rows() {
        return shape.length == 1 ? 1 : shape[0];
    }

    /** The columns of the block seen as a matrix: the product of the other dimensions. */
    public int cols() {
        return size() / rows();
    }

    /**
     * The inputs each output of a weight block sums over: {@code in} for an Affine layer's {@code in × out},
     * {@code C·FH·FW} for filters {@code FN × C × FH × FW}.
     */
    public int fanIn() {
        return shape.length == 2 ? shape[0] : size() / shape[0];
    }

    public boolean isBias() {
        return role == LayerSpec.Role.BIAS;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParameterBlock b && b.name.equals(name) && b.offset == offset
                && Arrays.equals(b.shape, shape) && b.role == role;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, offset, Arrays.hashCode(shape), role);
    }
}
