package dev.scratchnet.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scratchnet.layers.LayerSpec;
import dev.scratchnet.layers.Shape;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.network.Task;
import dev.scratchnet.network.WeightInit;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** model.npz holds a convolutional network's blocks in their own shapes, and reloads to the same network. */
class ConvModelFileTest {
    @Test
    void convFiltersAreTheBooksLayoutAndTheModelReloads(@TempDir Path tmp) {
        NetworkSpec spec = new NetworkSpec(Shape.parse("1x28x28"),
                LayerSpec.parseList("conv:30:5x5,batchnorm,relu,pool:2x2,affine:100,relu,affine"), Task.CLASSIFICATION, 10);
        double[] params = WeightInit.he().initialize(spec, 4);
        assertArrayEquals(new int[] {30, 1, 5, 5}, ModelFile.toArrays(spec, params).get("W1").shape());
        assertArrayEquals(new int[] {30 * 24 * 24}, ModelFile.toArrays(spec, params).get("running_var1").shape());
        ModelFile.save(tmp, spec, params);
        ModelFile.Model back = ModelFile.load(tmp);
        assertEquals(spec, back.spec());
        assertEquals(spec.describe(), back.spec().describe());
        assertArrayEquals(params, back.params(), 0.0);
    }
}
